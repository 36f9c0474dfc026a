import { IMeshProvider, IngressPeer, Mesh, Microservice, MicroserviceProps } from '../../../lib';
import { digestImage, newChart } from '../../fixtures';

/** One HTTP port, a digest-pinned image: the services of the mesh tests. */
export const web: MicroserviceProps = { image: digestImage(), ports: [{ port: 80, containerPort: 8080 }] };

/** frontend → orders → payments in one mesh of `provider`, frontend open to anyone. */
export function meshedShop(provider: IMeshProvider) {
  const chart = newChart();
  const mesh = new Mesh(chart, 'mesh', { provider });
  const payments = new Microservice(chart, 'payments', { ...web, mesh });
  const orders = new Microservice(chart, 'orders', { ...web, mesh, dependencies: [payments] });
  const frontend = new Microservice(chart, 'frontend', { ...web, mesh, dependencies: [orders], allowIngressFrom: [IngressPeer.anywhere()] });
  return { chart, mesh, payments, orders, frontend };
}
