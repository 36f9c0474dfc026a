import { checkProps } from '../../core/prop-schema';
import { ValidationError } from '../../core/validation-error';
import { EventDestination, EventSinkBinding, IEventSink } from './event-sink';
import { sinkUriSchema } from './eventing-schemas';

/** A scheme Knative can deliver to, then a non-empty authority, as Knative requires a host. */
const HTTP_URL_START = /^https?:\/\/[^/?#]/i;

/**
 * An absolute http or https URL as an event sink: anything reachable from
 * the cluster, inside or out.
 */
export class UriSink implements IEventSink {
  /** Use `EventSink.uri`. */
  constructor(private readonly uri: string) {}

  /** @throws ValidationError for anything but an absolute http or https URL with a host */
  public bindSink(binding: EventSinkBinding): EventDestination {
    checkProps(sinkUriSchema, this.uri, binding.scope, { name: `${binding.what} sink (the URL given to EventSink.uri)` });
    if (!isAbsoluteHttpUrl(this.uri)) {
      throw new ValidationError(
        `${binding.what} delivers to '${this.uri}', which is not an absolute http or https URL with a host; pass one such as 'https://hooks.example.com/events'`,
        binding.scope,
      );
    }
    return { uri: this.uri };
  }
}

/**
 * Whether Knative (Go's `url.Parse`) and a WHATWG parser read the string
 * alike as an http(s) URL with a host: no whitespace, control characters or
 * backslashes, which one of them would drop or reinterpret.
 */
function isAbsoluteHttpUrl(value: string): boolean {
  if (!HTTP_URL_START.test(value) || /[\s\\\u0000-\u001f\u007f]/.test(value)) {
    return false;
  }
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}
