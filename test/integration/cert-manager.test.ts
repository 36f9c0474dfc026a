import { X509Certificate } from 'crypto';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Manifest } from '../../lib';
import { synthObjects } from '../../lib/testing';
import { ensureNamespaces } from './apply-checked';
import { CERT_MANAGER_NAMESPACE, CertManager, startCertManager } from './cert-manager';
import { REPO_ROOT } from './engines';
import { GATEWAY_CASES } from './gateway-cases';
import { applyServerSide, deleteNamespace, getLive, kubectl, kubectlOk, pollFor } from './kubectl';

/*
 * cert-manager judges the output (issue #15): its real webhook and controller, built from
 * github.com/cert-manager/cert-manager at CERT_MANAGER_CONTROLLERS_VERSION, run against the
 * suite's cluster.
 *   1. The webhook is consulted: a Certificate naming no identity passes the CRD schema and is
 *      refused by the webhook.
 *   2. With a self-signed → CA ClusterIssuer chain standing in for the issuers the examples
 *      name, every Certificate of every gateway example (both renderings and the Ingress) is
 *      admitted, becomes Ready, and its Secret holds a certificate for exactly the hostnames
 *      the listener that serves it declares.
 */

const VERSIONS = readFileSync(join(REPO_ROOT, 'scripts/engines/versions.env'), 'utf8');
const CONTROLLERS_VERSION = /^CERT_MANAGER_CONTROLLERS_VERSION=(\S+)$/m.exec(VERSIONS)?.[1];

/** The root of the test chain: a self-signed ClusterIssuer, a CA Certificate it signs, and the CA's Secret. */
const SELF_SIGNED = 'immutable-infra-test-self-signed';
const ROOT_CA_SECRET = 'immutable-infra-test-root-ca';

const workDir = mkdtempSync(join(tmpdir(), 'immutable-infra-cert-manager-'));
let certManager: CertManager | undefined;
const namespaces = new Set<string>();
const clusterIssuers = new Set<string>([SELF_SIGNED]);

const apply = (objects: readonly Manifest[]) => {
  const result = applyServerSide(objects);
  if (result.status !== 0) {
    throw new Error(`apply failed: ${result.stderr}`);
  }
};

const condition = (live: Record<string, any> | undefined, type: string) =>
  ((live?.status?.conditions ?? []) as any[]).find((c) => c.type === type);

/**
 * Waits until a Certificate is issued and settled (Ready=True, no issuance under way, its Secret
 * there), and returns the live Certificate.
 */
function readyCertificate(name: string, namespace: string): Record<string, any> {
  const ready = pollFor(() => {
    const live = getLive('certificate.cert-manager.io', name, namespace);
    const settled = condition(live, 'Ready')?.status === 'True' && condition(live, 'Issuing') === undefined;
    return settled && getLive('secret', live!.spec.secretName, namespace) !== undefined ? live : undefined;
  }, 120_000);
  if (ready === undefined) {
    const live = getLive('certificate.cert-manager.io', name, namespace);
    throw new Error(`Certificate ${namespace}/${name} not Ready: ${JSON.stringify(live?.status)}\n${certManager?.controller.tail(3000)}`);
  }
  return ready;
}

beforeAll(async () => {
  certManager = await startCertManager(join(workDir, 'cert-manager'));
  apply([
    { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: SELF_SIGNED }, spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: ROOT_CA_SECRET, namespace: CERT_MANAGER_NAMESPACE },
      spec: { isCA: true, commonName: 'immutable-infra test root CA', secretName: ROOT_CA_SECRET, issuerRef: { kind: 'ClusterIssuer', name: SELF_SIGNED } },
    },
  ] as Manifest[]);
  readyCertificate(ROOT_CA_SECRET, CERT_MANAGER_NAMESPACE);
}, 300_000);

afterAll(async () => {
  for (const namespace of namespaces) {
    deleteNamespace(namespace);
  }
  kubectl(['delete', 'clusterissuer', ...clusterIssuers, '--ignore-not-found']);
  await certManager?.stop();
  rmSync(workDir, { recursive: true, force: true });
}, 600_000);

/**
 * The issuers a case's Certificates name, as CA issuers of the test root: a ClusterIssuer reads
 * the root's Secret from the cluster resource namespace, an Issuer from its own namespace (a copy).
 */
function issuersFor(certificates: readonly Manifest[]): Manifest[] {
  const root = getLive('secret', ROOT_CA_SECRET, CERT_MANAGER_NAMESPACE)!;
  const issuers = new Map<string, Manifest>();
  for (const certificate of certificates) {
    const { kind, name } = (certificate.spec as any).issuerRef as { kind: string; name: string };
    const namespace = certificate.metadata.namespace!;
    const spec = { ca: { secretName: ROOT_CA_SECRET } };
    if (kind === 'ClusterIssuer') {
      clusterIssuers.add(name);
      issuers.set(`ClusterIssuer/${name}`, { apiVersion: 'cert-manager.io/v1', kind, metadata: { name }, spec } as Manifest);
    } else {
      issuers.set(`Secret/${namespace}`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: ROOT_CA_SECRET, namespace },
        type: 'kubernetes.io/tls',
        data: root.data,
      } as Manifest);
      issuers.set(`Issuer/${namespace}/${name}`, { apiVersion: 'cert-manager.io/v1', kind, metadata: { name, namespace }, spec } as Manifest);
    }
  }
  return [...issuers.values()];
}

/** The hostnames the gateway serves with the TLS Secret `secretName`, per rendering's gateway object. */
function listenerHostnames(objects: readonly Manifest[], secretName: string): string[] {
  const hostnames: string[] = [];
  for (const o of objects) {
    const spec = o.spec as any;
    if (o.kind === 'Gateway' && o.apiVersion.startsWith('gateway.networking.k8s.io/')) {
      for (const l of spec.listeners) {
        if ((l.tls?.certificateRefs ?? []).some((r: any) => r.name === secretName) && l.hostname !== undefined) {
          hostnames.push(l.hostname);
        }
      }
    } else if (o.kind === 'Gateway' && o.apiVersion.startsWith('networking.istio.io/')) {
      for (const server of spec.servers) {
        if (server.tls?.credentialName === secretName) {
          hostnames.push(...server.hosts.map((h: string) => h.replace(/^[^/]*\//, '')));
        }
      }
    } else if (o.kind === 'Ingress') {
      for (const tls of spec.tls ?? []) {
        if (tls.secretName === secretName) {
          hostnames.push(...tls.hosts);
        }
      }
    }
  }
  return [...new Set(hostnames)].sort();
}

/** The DNS names of the certificate in a TLS Secret. */
function issuedDnsNames(secretName: string, namespace: string): string[] {
  const secret = getLive('secret', secretName, namespace);
  const pem = Buffer.from(secret?.data?.['tls.crt'] ?? '', 'base64').toString('utf8');
  const san = new X509Certificate(pem).subjectAltName ?? '';
  return san.split(', ').filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4)).sort();
}

describe('cert-manager judges the output', () => {
  test('the cluster serves the cert-manager.io/v1 API the controllers of the pinned release read', () => {
    expect(CONTROLLERS_VERSION).toMatch(/^v1\.\d+\.\d+$/);
    expect(kubectlOk(['get', 'crd', 'certificates.cert-manager.io', '-o', 'jsonpath={.spec.versions[*].name}']).split(' ')).toContain('v1');
  });

  test('both processes listen on 127.0.0.1 only', () => {
    for (const process of [certManager!.controller, certManager!.webhook]) {
      const sockets = process.listening();
      expect(sockets.length).toBeGreaterThan(0);
      expect(sockets.filter((address) => !address.startsWith('127.0.0.1:'))).toEqual([]);
    }
  });

  test('the webhook is consulted: a Certificate naming no identity passes the CRD schema and is refused by the webhook', () => {
    const nameless = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'no-identity', namespace: CERT_MANAGER_NAMESPACE },
      spec: { secretName: 'no-identity-tls', issuerRef: { kind: 'ClusterIssuer', name: SELF_SIGNED } },
    } as Manifest;
    const result = applyServerSide([nameless], { dryRun: true });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/admission webhook "webhook.cert-manager.io" denied the request/);
  });

  const withCertificates = GATEWAY_CASES.map(([rendering, name, charts]) => [String(rendering), name, charts] as const)
    .filter(([, , charts]) => charts().some((chart) => synthObjects(chart).some((o) => o.kind === 'Certificate')));

  test('the cases cover every rendering', () => {
    expect([...new Set(withCertificates.map(([rendering]) => rendering))].sort()).toEqual(['gateway-api', 'ingress', 'istio']);
  });

  test.each(withCertificates)('%s: %s: every Certificate is admitted, becomes Ready, and its Secret serves the listener\'s hostnames', (_, __, charts) => {
    const objects = charts().flatMap((chart) => synthObjects(chart));
    const certificates = objects.filter((o) => o.kind === 'Certificate');
    ensureNamespaces(certificates, namespaces);
    apply(issuersFor(certificates));
    apply(certificates);

    for (const certificate of certificates) {
      const { name, namespace } = certificate.metadata;
      const { secretName, dnsNames } = certificate.spec as { secretName: string; dnsNames: string[] };
      const live = readyCertificate(name!, namespace!);
      const served = listenerHostnames(objects, secretName);
      expect(served.length).toBeGreaterThan(0);
      expect({ certificate: `${namespace}/${name}`, declared: [...dnsNames].sort(), issued: issuedDnsNames(secretName, namespace!) }).toEqual({
        certificate: `${namespace}/${name}`,
        declared: served,
        issued: served,
      });
      expect(live.status.notAfter).toBeDefined();
    }
    for (const namespace of new Set(certificates.map((c) => c.metadata.namespace!))) {
      deleteNamespace(namespace);
      namespaces.delete(namespace);
    }
  }, 300_000);
});
