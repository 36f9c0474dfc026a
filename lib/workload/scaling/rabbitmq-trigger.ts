import { ValidationError } from '../../core/validation-error';
import { TriggerAuth } from './trigger-auth';
import { checkTlsParameters, nonBlank, nonNegativeNumber, positiveNumber, RenderedTrigger, TriggerContext, wholeNumber } from './trigger-rendering';

/** What a RabbitMQ trigger scales on. */
export type RabbitMqScaleMode = 'QueueLength' | 'MessageRate';

/**
 * Scale on a RabbitMQ queue (KEDA scaler `rabbitmq`).
 *
 * @see https://keda.sh/docs/latest/scalers/rabbitmq-queue/
 */
export interface RabbitMqTriggerProps {
  /** The queue to watch. */
  readonly queueName: string;
  /**
   * `QueueLength`: messages waiting; `MessageRate`: messages published per
   * second (needs the management API, `protocol: 'http'`).
   */
  readonly mode: RabbitMqScaleMode;
  /** Target per replica: messages (a whole number) or messages per second. */
  readonly value: number;
  /**
   * Above this value the scaler is active (wakes a revision from zero).
   * @default 0
   */
  readonly activationValue?: number;
  /**
   * `amqp`, `http` (the management API), or `auto` to tell from the host URL.
   * @default 'auto'
   */
  readonly protocol?: 'auto' | 'amqp' | 'http';
  /**
   * The vhost, overriding the one in the host URL.
   * @default - the vhost of the host URL
   */
  readonly vhostName?: string;
  /**
   * The connection: must map `host` (`amqp://user:pass@host:5672/vhost` or
   * `http://user:pass@host:15672/vhost`); may map `username`, `password`,
   * `vhostName`, and `tls` (`enable`) with `ca`, `cert`, `key`.
   */
  readonly auth: TriggerAuth;
}

/** The parameters KEDA's RabbitMQ scaler reads from a TriggerAuthentication. */
const RABBITMQ_AUTH_PARAMETERS = ['host', 'username', 'password', 'vhostName', 'tls', 'ca', 'cert', 'key'];

/** The `rabbitmq` trigger. */
export function renderRabbitMq(props: RabbitMqTriggerProps, context: TriggerContext): RenderedTrigger {
  const { scope, what } = context;
  const queueName = nonBlank(`${what} queueName`, props.queueName, 'orders', scope);
  const protocol = props.protocol ?? 'auto';
  if (props.mode !== 'QueueLength' && props.mode !== 'MessageRate') {
    throw new ValidationError(`${what} mode must be 'QueueLength' or 'MessageRate', got '${props.mode}'`, scope);
  }
  if (!['auto', 'amqp', 'http'].includes(protocol)) {
    throw new ValidationError(`${what} protocol must be 'auto', 'amqp' or 'http', got '${protocol}'`, scope);
  }
  if (props.mode === 'MessageRate' && protocol !== 'http') {
    throw new ValidationError(
      `${what} mode 'MessageRate' reads the management API, but protocol is '${protocol}'; set protocol to 'http' (and an http:// host)`,
      scope,
    );
  }
  const value = props.mode === 'QueueLength'
    ? wholeNumber(`${what} value (messages per replica)`, props.value, 1, scope)
    : positiveNumber(`${what} value (messages per second per replica)`, props.value, scope);
  const auth = props.auth.resolve(RABBITMQ_AUTH_PARAMETERS, context);
  if (!auth.parameters.includes('host')) {
    throw new ValidationError(`${what} auth must map 'host', the connection URL the scaler reads the queue through`, scope);
  }
  if (props.vhostName !== undefined && auth.parameters.includes('vhostName')) {
    throw new ValidationError(`${what} sets vhostName and its auth maps 'vhostName' too; give it once`, scope);
  }
  checkTlsParameters(what, auth.parameters, auth.parameters.includes('tls'), "map 'tls' to a key holding 'enable'", scope);
  const metadata: Record<string, string> = { queueName, mode: props.mode, value, protocol };
  if (props.activationValue !== undefined) {
    metadata.activationValue = nonNegativeNumber(`${what} activationValue`, props.activationValue, scope);
  }
  if (props.vhostName !== undefined) {
    metadata.vhostName = nonBlank(`${what} vhostName`, props.vhostName, '/', scope);
  }
  return { type: 'rabbitmq', metadata, auth, wakesFromZero: true };
}
