/** Shared by every plain line, so they allocate no fields object. */
export const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The fields of a JSON line, built from its text the first time anything looks at them.
 *
 * Under a flood almost no record's fields are ever read (the file sink and the ring buffer need
 * only the text), and building them is most of the cost of a JSON line: a parse plus an object
 * and a string per field, garbage soon after. So a record holds a proxy over an object that holds
 * only the line (under a symbol) and is turned into the fields object on first use; from then on
 * every operation goes to that object, so the proxy reads, enumerates, serialises and compares
 * exactly like a plain fields object. `pick` chooses the level, message and time keys again on
 * the parsed object, exactly as for an eagerly parsed line.
 */
export function lazyFields(text: string): Readonly<Record<string, unknown>> {
  const target: Target = {};
  target[LINE] = text;
  return new Proxy(target, HANDLER);
}

/** The keys of a parsed line that are not fields, as `parse-line.ts` chooses them. */
export type PickKeys = (obj: Record<string, unknown>) => {
  levelKey: string | undefined;
  msgKey: string | undefined;
  timeKey: string | undefined;
};

let pickKeys: PickKeys = () => ({ levelKey: undefined, msgKey: undefined, timeKey: undefined });

/** Set once by parse-line.ts, which owns the rules (and imports this module, not the reverse). */
export function setPickKeys(pick: PickKeys): void {
  pickKeys = pick;
}

/** What is left of a parsed JSON line once the keys read as level, message and time are taken out. */
export function fieldsOf(
  obj: Record<string, unknown>,
  levelKey: string | undefined,
  msgKey: string | undefined,
  timeKey: string | undefined,
): Record<string, unknown> {
  // A fresh object, because the parsed one would be slow after `delete`.
  const fields: Record<string, unknown> = {};
  fillFields(fields, obj, levelKey, msgKey, timeKey);
  return fields;
}

function fillFields(
  fields: Record<string, unknown>,
  obj: Record<string, unknown>,
  levelKey: string | undefined,
  msgKey: string | undefined,
  timeKey: string | undefined,
): void {
  for (const key in obj) {
    if (key === levelKey || key === msgKey || key === timeKey) continue;
    // An own "__proto__" key from JSON must stay a field, not become the object's prototype.
    if (key === '__proto__')
      Object.defineProperty(fields, key, { value: obj[key], enumerable: true });
    else fields[key] = obj[key];
  }
}

const LINE = Symbol('line');

type Target = Record<string | symbol, unknown>;

/** Turns the target into the fields object, once; then it is just that. */
function fill(target: Target): Target {
  if (!Object.hasOwn(target, LINE)) return target;
  const text = target[LINE] as string;
  delete target[LINE];
  // The line passed the scan, so this parse cannot throw.
  const obj = JSON.parse(text) as Record<string, unknown>;
  const { levelKey, msgKey, timeKey } = pickKeys(obj);
  fillFields(target, obj, levelKey, msgKey, timeKey);
  return target;
}

/** One handler for every lazy fields object: the state is in the target. */
const HANDLER: ProxyHandler<Target> = {
  get: (target, key, receiver) => Reflect.get(fill(target), key, receiver),
  has: (target, key) => Reflect.has(fill(target), key),
  ownKeys: (target) => Reflect.ownKeys(fill(target)),
  getOwnPropertyDescriptor: (target, key) => Reflect.getOwnPropertyDescriptor(fill(target), key),
  set: (target, key, value, receiver) => Reflect.set(fill(target), key, value, receiver),
  defineProperty: (target, key, descriptor) =>
    Reflect.defineProperty(fill(target), key, descriptor),
  deleteProperty: (target, key) => Reflect.deleteProperty(fill(target), key),
  preventExtensions: (target) => Reflect.preventExtensions(fill(target)),
};
