import { IConstruct } from 'constructs';
import { unrenderableKeyProblem } from '../core/map-keys';
import { ValidationError } from '../core/validation-error';
import { HEADER_NAME } from './http-match';

/** Changes to one direction's headers. */
export interface HeaderModifier {
  /**
   * Headers set, replacing any value present.
   * @default - none
   */
  readonly set?: Readonly<Record<string, string>>;
  /**
   * Headers added beside any value present.
   * @default - none
   */
  readonly add?: Readonly<Record<string, string>>;
  /**
   * Headers removed.
   * @default - none
   */
  readonly remove?: readonly string[];
}

/** Header changes a route makes. */
export interface HeaderRewrite {
  /**
   * Changes to the request before it is forwarded.
   * @default - none
   */
  readonly request?: HeaderModifier;
  /**
   * Changes to the response before it is returned.
   * @default - none
   */
  readonly response?: HeaderModifier;
}

/**
 * Validates request and response header changes: header names lower-cased,
 * no header both set and added, or changed and removed.
 *
 * @throws ValidationError naming `what` for an invalid change
 * @internal
 */
export function resolveHeaderRewrite(what: string, headers: HeaderRewrite, scope: IConstruct): HeaderRewrite {
  return {
    request: headers.request && resolveModifier(`${what} request headers`, headers.request, scope),
    response: headers.response && resolveModifier(`${what} response headers`, headers.response, scope),
  };
}

function resolveModifier(what: string, modifier: HeaderModifier, scope: IConstruct): HeaderModifier {
  const lower = (record: Readonly<Record<string, string>> | undefined, part: string) => {
    if (record === undefined) {
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(record)) {
      assertHeaderName(`${what} ${part}`, name, scope);
      if (value.length === 0 || value.length > 4096 || /[\r\n\0]/.test(value)) {
        throw new ValidationError(
          `${what} ${part} '${name}' value must be 1-4096 characters without CR, LF or NUL, got ${JSON.stringify(value)}; use remove to drop a header`,
          scope,
        );
      }
      const key = name.toLowerCase();
      if (Object.hasOwn(out, key)) {
        throw new ValidationError(`${what} ${part} names header '${key}' twice (header names ignore case); keep one`, scope);
      }
      out[key] = value;
    }
    return out;
  };
  const set = lower(modifier.set, 'set');
  const add = lower(modifier.add, 'add');
  const remove = modifier.remove?.map((name) => {
    assertHeaderName(`${what} remove`, name, scope);
    return name.toLowerCase();
  });
  const twice = remove?.find((name, index) => remove.indexOf(name) !== index);
  if (twice !== undefined) {
    // the Gateway API keeps removed headers as a set (x-kubernetes-list-type: set): the API server refuses a repeat
    throw new ValidationError(`${what} remove names header '${twice}' twice (header names ignore case); keep one`, scope);
  }
  const touched = [...Object.keys(set ?? {}), ...Object.keys(add ?? {})];
  const clash = remove?.find((name) => touched.includes(name));
  if (clash !== undefined) {
    const verb = set !== undefined && Object.hasOwn(set, clash) ? 'sets' : 'adds';
    throw new ValidationError(`${what} both ${verb} and removes header '${clash}'; keep one`, scope);
  }
  const both = Object.keys(set ?? {}).find((name) => Object.hasOwn(add ?? {}, name));
  if (both !== undefined) {
    throw new ValidationError(`${what} both sets and adds header '${both}'; keep one`, scope);
  }
  return { set, add, remove };
}

function assertHeaderName(what: string, name: string, scope: IConstruct): void {
  if (!HEADER_NAME.test(name)) {
    throw new ValidationError(`${what} header name must be an HTTP token, got '${name}'`, scope);
  }
  // Istio writes header changes as maps from name to value
  const unrenderable = unrenderableKeyProblem(name.toLowerCase());
  if (unrenderable !== undefined) {
    throw new ValidationError(`${what} header name ${unrenderable}; change another header`, scope);
  }
}
