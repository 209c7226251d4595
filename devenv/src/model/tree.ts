/** A path into a parsed YAML tree: mapping keys and sequence indexes. */
export type TreePath = readonly (string | number)[];

/** A YAML mapping as JavaScript sees it (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own property even for the key `__proto__`, which plain assignment would turn into a
 * prototype change: keys come from user files and must stay data. Every other key is a plain
 * assignment (the loader's hot path; no other key of Object.prototype is an accessor).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}

/** The value at `path`, or undefined when any step is missing. */
export function valueAt(data: unknown, path: TreePath): unknown {
  let value = data;
  for (const step of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    if (!Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/** `services.web.ports[0]`: how the message names a place in the document. */
export function formatPath(path: TreePath): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out ? `.${step}` : step;
  return out || 'the file';
}

/** Freezes a tree in place so that the Stack is immutable all the way down. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
