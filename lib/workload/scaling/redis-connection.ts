import { IConstruct } from 'constructs';
import { ValidationError } from '../../core/validation-error';
import { ResolvedTriggerAuth, TriggerAuth } from './trigger-auth';
import { checkTlsParameters, TriggerContext, wholeNumber } from './trigger-rendering';

/**
 * Where a Redis scaler connects: `address`, or `host` and `port`, given here
 * or mapped from a Secret by `auth` (one of the two places).
 */
export interface RedisConnectionProps {
  /**
   * The server as `host:port`.
   * @default - `host` and `port`, or the auth's `address` or `host` and `port`
   */
  readonly address?: string;
  /**
   * The server's host name, with `port`.
   * @default - `address`, or the auth's
   */
  readonly host?: string;
  /**
   * The server's port, with `host`.
   * @default - `address`, or the auth's
   */
  readonly port?: number;
  /**
   * The Redis database.
   * @default 0
   */
  readonly databaseIndex?: number;
  /**
   * Connect with TLS and no client certificate. For a CA or client
   * certificate map `tls` (`enable`) and `ca`, `cert`, `key` in the auth instead.
   * @default false
   */
  readonly enableTls?: boolean;
  /**
   * Credentials and connection: `username`, `password`, `address`, `host`,
   * `port`, `tls`, `ca`, `cert`, `key`, `keyPassword`.
   * @default - none: a server without a password
   */
  readonly auth?: TriggerAuth;
}

/** The connection part of a Redis trigger. */
export interface RedisConnection {
  readonly metadata: Record<string, string>;
  readonly auth: ResolvedTriggerAuth | undefined;
}

const REDIS_AUTH_PARAMETERS = ['username', 'password', 'address', 'host', 'port', 'tls', 'ca', 'cert', 'key', 'keyPassword'];
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?)$/;

/** The connection metadata and auth of a `redis` or `redis-streams` trigger. */
export function renderRedisConnection(props: RedisConnectionProps, context: TriggerContext): RedisConnection {
  const { scope, what } = context;
  const auth = props.auth?.resolve(REDIS_AUTH_PARAMETERS, context);
  const parameters = auth?.parameters ?? [];
  const metadata: Record<string, string> = {};
  const sources: string[] = [];
  if (props.address !== undefined) {
    sources.push('address');
    metadata.address = address(what, props.address, scope);
  }
  if (props.host !== undefined || props.port !== undefined) {
    sources.push('host and port');
    if (props.host === undefined || props.port === undefined) {
      throw new ValidationError(`${what} sets ${props.host === undefined ? 'port without host' : 'host without port'}; set both, or address`, scope);
    }
    metadata.host = host(what, props.host, scope);
    metadata.port = port(what, props.port, scope);
  }
  if (parameters.includes('address')) {
    sources.push("the auth's 'address'");
  }
  if (parameters.includes('host') !== parameters.includes('port')) {
    throw new ValidationError(`${what} auth maps ${parameters.includes('host') ? "'host' without 'port'" : "'port' without 'host'"}; map both, or 'address'`, scope);
  }
  if (parameters.includes('host')) {
    sources.push("the auth's 'host' and 'port'");
  }
  if (sources.length === 0) {
    throw new ValidationError(
      `${what} has no server to connect to; set address (e.g. 'redis.cache.svc:6379') or host and port, or map them in the auth`,
      scope,
    );
  }
  if (sources.length > 1) {
    throw new ValidationError(`${what} names its server twice (${sources.join(', ')}); give it once`, scope);
  }
  if (props.databaseIndex !== undefined) {
    metadata.databaseIndex = wholeNumber(`${what} databaseIndex`, props.databaseIndex, 0, scope);
  }
  if (props.enableTls !== undefined && parameters.includes('tls')) {
    throw new ValidationError(`${what} sets enableTls and its auth maps 'tls' too; KEDA refuses both, use the auth's 'tls' alone`, scope);
  }
  checkTlsParameters(what, parameters, parameters.includes('tls'), "map 'tls' to a key holding 'enable' (enableTls cannot carry certificates)", scope);
  if (props.enableTls !== undefined) {
    metadata.enableTLS = String(props.enableTls);
  }
  return { metadata, auth };
}

function address(what: string, value: string, scope: IConstruct): string {
  const colon = value.lastIndexOf(':');
  if (colon < 0 || !HOST.test(value.slice(0, colon)) || !/^[0-9]{1,5}$/.test(value.slice(colon + 1)) || !validPort(Number(value.slice(colon + 1)))) {
    throw new ValidationError(`${what} address must be host:port (port 1-65535), got '${value}'; pass e.g. 'redis.cache.svc:6379'`, scope);
  }
  return value;
}

function host(what: string, value: string, scope: IConstruct): string {
  if (!HOST.test(value)) {
    throw new ValidationError(`${what} host must be a host name or IP address without a port, got '${value}'`, scope);
  }
  return value;
}

function port(what: string, value: number, scope: IConstruct): string {
  if (!validPort(value)) {
    throw new ValidationError(`${what} port must be 1-65535, got ${value}`, scope);
  }
  return String(value);
}

function validPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}
