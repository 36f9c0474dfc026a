import { IConstruct } from 'constructs';
import { ValidationError } from '../../core/validation-error';
import { ResolvedTriggerAuth, TriggerAuth } from './trigger-auth';
import { checkTlsParameters, nonBlank, RenderedTrigger, TriggerContext, wholeNumber } from './trigger-rendering';

/** How the Kafka scaler authenticates with SASL. */
export type KafkaSaslMode = 'plaintext' | 'scram_sha256' | 'scram_sha512' | 'gssapi' | 'oauthbearer';

/**
 * Scale on the lag of a Kafka consumer group on a topic (KEDA scaler `kafka`).
 * Replicas never exceed the topic's partitions unless `allowIdleConsumers`.
 *
 * @see https://keda.sh/docs/latest/scalers/apache-kafka/
 */
export interface KafkaTriggerProps {
  /** Brokers to bootstrap from, each `host:port`. */
  readonly bootstrapServers: readonly string[];
  /** The consumer group whose lag is measured: the one the service consumes as. */
  readonly consumerGroup: string;
  /** The topic whose lag is measured. */
  readonly topic: string;
  /** Target lag (messages) per replica. */
  readonly lagThreshold: number;
  /**
   * Above this lag the scaler is active (wakes a revision from zero).
   * @default 0
   */
  readonly activationLagThreshold?: number;
  /**
   * Where a consumer group without a committed offset starts, as the consumer
   * does (`auto.offset.reset`).
   * @default 'latest'
   */
  readonly offsetResetPolicy?: 'latest' | 'earliest';
  /**
   * Allow more replicas than the topic has partitions (idle consumers).
   * @default false
   */
  readonly allowIdleConsumers?: boolean;
  /**
   * SASL mode; the credentials come from `auth`: `username` and `password`
   * (`plaintext`, `scram_*`, and `oauthbearer` with `oauthTokenEndpointUri`),
   * or `username`, `realm`, `kerberosConfig` and `password` or `keytab` (`gssapi`).
   * @default - no SASL, unless the auth maps a `sasl` parameter
   */
  readonly sasl?: KafkaSaslMode;
  /**
   * Connect with TLS; `auth` may map `ca`, `cert`, `key`, `keyPassword`.
   * @default false, unless the auth maps a `tls` parameter
   */
  readonly tls?: boolean;
  /**
   * Credentials: `sasl`, `username`, `password`, `keytab`, `realm`,
   * `kerberosConfig`, `kerberosServiceName`, `kerberosDisableFAST`,
   * `oauthTokenEndpointUri`, `scopes`, `oauthExtensions`, `tls`, `ca`, `cert`,
   * `key`, `keyPassword`.
   * @default - none: a cluster without SASL or client TLS
   */
  readonly auth?: TriggerAuth;
}

const KAFKA_AUTH_PARAMETERS = [
  'sasl', 'username', 'password', 'keytab', 'realm', 'kerberosConfig', 'kerberosServiceName', 'kerberosDisableFAST',
  'oauthTokenEndpointUri', 'scopes', 'oauthExtensions', 'tls', 'ca', 'cert', 'key', 'keyPassword',
];
const SASL_CREDENTIALS = ['username', 'password', 'keytab', 'realm', 'kerberosConfig', 'kerberosServiceName', 'kerberosDisableFAST', 'oauthTokenEndpointUri', 'scopes', 'oauthExtensions'];
const REQUIRED_CREDENTIALS: Record<KafkaSaslMode, readonly string[]> = {
  plaintext: ['username', 'password'],
  scram_sha256: ['username', 'password'],
  scram_sha512: ['username', 'password'],
  oauthbearer: ['username', 'password', 'oauthTokenEndpointUri'],
  gssapi: ['username', 'realm', 'kerberosConfig'],
};
const BROKER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):([0-9]{1,5})$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** The `kafka` trigger. */
export function renderKafka(props: KafkaTriggerProps, context: TriggerContext): RenderedTrigger {
  const { scope, what } = context;
  const metadata: Record<string, string> = {
    bootstrapServers: brokers(what, props.bootstrapServers, scope),
    consumerGroup: nonBlank(`${what} consumerGroup`, props.consumerGroup, 'orders-consumer', scope),
    topic: topic(what, props.topic, scope),
    lagThreshold: wholeNumber(`${what} lagThreshold`, props.lagThreshold, 1, scope),
  };
  if (props.activationLagThreshold !== undefined) {
    metadata.activationLagThreshold = wholeNumber(`${what} activationLagThreshold`, props.activationLagThreshold, 0, scope);
  }
  if (props.offsetResetPolicy !== undefined) {
    if (props.offsetResetPolicy !== 'latest' && props.offsetResetPolicy !== 'earliest') {
      throw new ValidationError(`${what} offsetResetPolicy must be 'latest' or 'earliest', got '${props.offsetResetPolicy}'`, scope);
    }
    metadata.offsetResetPolicy = props.offsetResetPolicy;
  }
  if (props.allowIdleConsumers !== undefined) {
    metadata.allowIdleConsumers = String(props.allowIdleConsumers);
  }
  const auth = props.auth?.resolve(KAFKA_AUTH_PARAMETERS, context);
  const parameters = auth?.parameters ?? [];
  if (props.sasl !== undefined) {
    checkSasl(what, props.sasl, auth, scope);
    metadata.sasl = props.sasl;
  } else if (!parameters.includes('sasl')) {
    const unused = SASL_CREDENTIALS.filter((p) => parameters.includes(p));
    if (unused.length > 0) {
      throw new ValidationError(
        `${what} auth maps ${unused.map((p) => `'${p}'`).join(', ')} but no SASL mode, so the scaler would ignore them; ` +
          "set sasl (e.g. 'scram_sha512') or map a 'sasl' parameter",
        scope,
      );
    }
  }
  if (props.tls !== undefined && parameters.includes('tls')) {
    throw new ValidationError(`${what} sets tls and its auth maps 'tls' too; KEDA refuses both, give it once`, scope);
  }
  checkTlsParameters(what, parameters, props.tls === true || parameters.includes('tls'), 'set tls: true', scope);
  if (props.tls !== undefined) {
    metadata.tls = props.tls ? 'enable' : 'disable';
  }
  return { type: 'kafka', metadata, auth, wakesFromZero: true };
}

function brokers(what: string, servers: readonly string[], scope: IConstruct): string {
  if (servers.length === 0) {
    throw new ValidationError(`${what} bootstrapServers must list at least one broker; pass e.g. ['kafka.kafka.svc:9092']`, scope);
  }
  for (const server of servers) {
    const match = BROKER.exec(server);
    if (match === null || Number(match[3]) < 1 || Number(match[3]) > 65535) {
      throw new ValidationError(`${what} bootstrapServers entries must be host:port (port 1-65535), got '${server}'; pass e.g. 'kafka.kafka.svc:9092'`, scope);
    }
  }
  return servers.join(',');
}

function topic(what: string, value: string, scope: IConstruct): string {
  if (!TOPIC.test(value) || value === '.' || value === '..') {
    throw new ValidationError(`${what} topic must be a Kafka topic name (1-249 letters, digits, '.', '_' or '-'), got '${value}'`, scope);
  }
  return value;
}

function checkSasl(what: string, mode: KafkaSaslMode, auth: ResolvedTriggerAuth | undefined, scope: IConstruct): void {
  const required = REQUIRED_CREDENTIALS[mode];
  if (required === undefined) {
    throw new ValidationError(`${what} sasl must be one of ${Object.keys(REQUIRED_CREDENTIALS).join(', ')}, got '${mode}'`, scope);
  }
  const parameters = auth?.parameters ?? [];
  if (parameters.includes('sasl')) {
    throw new ValidationError(`${what} sets sasl and its auth maps 'sasl' too; KEDA refuses both, give it once`, scope);
  }
  const missing = required.filter((p) => !parameters.includes(p));
  if (mode === 'gssapi' && parameters.includes('password') === parameters.includes('keytab')) {
    missing.push("exactly one of 'password' or 'keytab'");
  }
  if (missing.length > 0) {
    throw new ValidationError(
      `${what} sasl '${mode}' needs credentials the auth does not map: ${missing.map((p) => (p.includes(' ') ? p : `'${p}'`)).join(', ')}; ` +
        'map them with TriggerAuth.fromSecret or TriggerAuth.fromServiceSecret',
      scope,
    );
  }
}
