/**
 * Why a map key (a ConfigMap key, a label, a header name) cannot be written
 * into a manifest though Kubernetes allows it, or `undefined` when it can:
 * cdk8s, which renders every object, takes a map with a `constructor`
 * member for a class instance and fails, and JavaScript drops a `__proto__`
 * member when a map is copied.
 */
export function unrenderableKeyProblem(key: string): string | undefined {
  return key === 'constructor' || key === '__proto__'
    ? `'${key}' cannot be written into a manifest (cdk8s, which renders it, reads a 'constructor' member as a class and JavaScript drops a '__proto__' member)`
    : undefined;
}
