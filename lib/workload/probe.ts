import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkProps, prop, PropSchema, PropsShape } from '../core/prop-schema';
import { ValidationError } from '../core/validation-error';

/** A port of the service, by name (`'http'`) or container port number (`8080`). */
export type PortReference = string | number;

/** A port the probe may point at. */
export interface ProbePortTarget {
  readonly name: string;
  readonly containerPort: number;
}

/** Timing shared by every probe. */
export interface ProbeTimingProps {
  /**
   * Wait before the first probe.
   * @default Duration.seconds(0)
   */
  readonly initialDelay?: Duration;
  /**
   * Time between probes.
   * @default Duration.seconds(10)
   */
  readonly period?: Duration;
  /**
   * Time after which one probe counts as failed.
   * @default Duration.seconds(1)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures after which the probe fails.
   * @default 3
   */
  readonly failureThreshold?: number;
}

/** An HTTP GET probe. */
export interface HttpProbeProps extends ProbeTimingProps {
  /**
   * The path to GET.
   * @default '/'
   */
  readonly path?: string;
  /**
   * The port, by name or container port number.
   * @default the service's first port
   */
  readonly port?: PortReference;
  /**
   * `HTTP` or `HTTPS`.
   * @default 'HTTP'
   */
  readonly scheme?: 'HTTP' | 'HTTPS';
}

/** A TCP connect probe. */
export interface TcpProbeProps extends ProbeTimingProps {
  /**
   * The port, by name or container port number.
   * @default the service's first port
   */
  readonly port?: PortReference;
}

/** A probe that runs a command in the container; exit code 0 is success. */
export interface ExecProbeProps extends ProbeTimingProps {
  /** The command, exec'd without a shell. */
  readonly command: readonly string[];
}

const timingShape: PropsShape<ProbeTimingProps> = {
  initialDelay: prop.duration('Duration.seconds(5)').optional(),
  period: prop.duration('Duration.seconds(10)').optional(),
  timeout: prop.duration('Duration.seconds(1)').optional(),
  failureThreshold: prop.number('3').optional(),
};

const portReferenceSchema = prop.instance<PortReference>(
  'a port name or container port number',
  (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
  "'http' or 8080",
);

/** The run-time schemas of the probe props, by probe kind. */
const PROBE_SCHEMAS: { readonly [K in ProbeAction['kind']]: PropSchema<Extract<ProbeAction, { kind: K }>['props']> } = {
  http: prop.object<HttpProbeProps>({
    ...timingShape,
    path: prop.string("a path such as '/healthz'").optional(),
    port: portReferenceSchema.optional(),
    scheme: prop.oneOf(['HTTP', 'HTTPS']).optional(),
  }, 'an object of HTTP probe props', "{ path: '/healthz' }"),
  tcp: prop.object<TcpProbeProps>({
    ...timingShape,
    port: portReferenceSchema.optional(),
  }, 'an object of TCP probe props', "{ port: 'http' }"),
  exec: prop.object<ExecProbeProps>({
    ...timingShape,
    command: prop.stringList("['/bin/healthcheck']"),
  }, 'an object of exec probe props', "{ command: ['/bin/healthcheck'] }"),
};

type ProbeAction =
  | { readonly kind: 'http'; readonly props: HttpProbeProps }
  | { readonly kind: 'tcp'; readonly props: TcpProbeProps }
  | { readonly kind: 'exec'; readonly props: ExecProbeProps };

/**
 * A startup, readiness or liveness check of a container.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class Probe {
  /** Probe with an HTTP GET; any 2xx/3xx status is success. */
  public static http(props: HttpProbeProps = {}): Probe {
    return new Probe({ kind: 'http', props });
  }

  /** Probe by opening a TCP connection. */
  public static tcp(props: TcpProbeProps = {}): Probe {
    return new Probe({ kind: 'tcp', props });
  }

  /** Probe by running a command in the container. */
  public static exec(props: ExecProbeProps): Probe {
    return new Probe({ kind: 'exec', props });
  }

  private constructor(private readonly action: ProbeAction) {}

  /**
   * The Kubernetes probe for a container with these ports.
   *
   * @param role names the probe in error messages, e.g. 'readiness probe'
   * @throws ValidationError for a port the service does not declare or bad timing
   */
  public render(role: string, ports: readonly ProbePortTarget[], scope: IConstruct): k8s.Probe {
    checkProps(PROBE_SCHEMAS[this.action.kind], this.action.props, scope, { prefix: role, name: `${role} props (of Probe.${this.action.kind})` });
    const timing = renderTiming(role, this.action.props, scope);
    switch (this.action.kind) {
      case 'http': {
        const { path = '/', scheme } = this.action.props;
        if (!path.startsWith('/')) {
          throw new ValidationError(`${role} path must start with '/', got '${path}'`, scope);
        }
        const port = resolvePort(role, this.action.props.port, ports, scope);
        return { ...timing, httpGet: { path, port, scheme } };
      }
      case 'tcp':
        return { ...timing, tcpSocket: { port: resolvePort(role, this.action.props.port, ports, scope) } };
      case 'exec': {
        const command = [...this.action.props.command];
        if (command.length === 0 || command[0] === '') {
          throw new ValidationError(`${role} command must not be empty; pass e.g. ['/bin/healthcheck']`, scope);
        }
        return { ...timing, exec: { command } };
      }
    }
  }
}

function resolvePort(
  role: string,
  port: PortReference | undefined,
  ports: readonly ProbePortTarget[],
  scope: IConstruct,
): k8s.IntOrString {
  const declared = ports.map((p) => `'${p.name}' (${p.containerPort})`).join(', ') || 'none';
  if (port === undefined) {
    if (ports.length === 0) {
      throw new ValidationError(`${role} needs a port but the service declares none; add 'ports' or use Probe.exec`, scope);
    }
    return k8s.IntOrString.fromString(ports[0].name);
  }
  const match = ports.find((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port));
  if (match === undefined) {
    throw new ValidationError(
      `${role} points at port ${typeof port === 'number' ? port : `'${port}'`}, which the service does not declare (declared: ${declared}); ` +
        'probe a declared port or add it to ports',
      scope,
    );
  }
  return k8s.IntOrString.fromString(match.name);
}

/** The most the API server stores in a probe's 32-bit integer fields (seconds, thresholds). */
const MAX_FAILURE_THRESHOLD = 2_147_483_647;

function renderTiming(role: string, props: ProbeTimingProps, scope: IConstruct) {
  const seconds = (field: string, value: Duration | undefined, min: number): number | undefined => {
    if (value === undefined) {
      return undefined;
    }
    const s = value.toSeconds({ integral: false });
    if (!Number.isInteger(s) || s < min || s > MAX_FAILURE_THRESHOLD) {
      throw new ValidationError(`${role} ${field} must be a whole number of seconds ≥ ${min} (at most ${MAX_FAILURE_THRESHOLD}), got ${s}s`, scope);
    }
    return s;
  };
  const { failureThreshold } = props;
  if (failureThreshold !== undefined && (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > MAX_FAILURE_THRESHOLD)) {
    throw new ValidationError(`${role} failureThreshold must be a whole number ≥ 1 (at most ${MAX_FAILURE_THRESHOLD}), got ${failureThreshold}`, scope);
  }
  return {
    initialDelaySeconds: seconds('initialDelay', props.initialDelay, 0),
    periodSeconds: seconds('period', props.period, 1),
    timeoutSeconds: seconds('timeout', props.timeout, 1),
    failureThreshold,
  };
}
