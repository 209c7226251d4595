import type { Origin, Tagged } from './merge.js';
import { isPlainObject, setOwn } from './tree.js';

/** The tagged value at `key` of a tagged mapping (or index of a list), if it is there. */
export function entry(tagged: Tagged, key: string | number): Tagged | undefined {
  const { value } = tagged;
  if (Array.isArray(value)) {
    if (typeof key !== 'number' || key >= value.length) return undefined;
    return { value: value[key] as unknown, origin: childOrigin(tagged.origin, key) };
  }
  if (!isPlainObject(value) || !Object.hasOwn(value, key)) return undefined;
  return { value: value[key], origin: childOrigin(tagged.origin, key) };
}

/** The tagged mapping with `key` set to `value` (in its place, or added last), or removed. */
export function withEntry(tagged: Tagged, key: string, value: Tagged | undefined): Tagged {
  const map = isPlainObject(tagged.value) ? tagged.value : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map))
    if (k !== key) setOwn(out, k, v);
    else if (value !== undefined) setOwn(out, k, value.value);
  if (value !== undefined && !Object.hasOwn(map, key)) setOwn(out, key, value.value);
  const children = new Map(tagged.origin.children ?? []);
  if (value === undefined) children.delete(key);
  else children.set(key, value.origin);
  return { value: out, origin: { ...tagged.origin, children } };
}

function childOrigin(origin: Origin, key: string | number): Origin {
  return origin.children?.get(key) ?? { file: origin.file, path: [...origin.path, key] };
}
