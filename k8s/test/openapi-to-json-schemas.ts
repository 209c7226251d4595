/**
 * Kubernetes' OpenAPI v2 spec (api/openapi-spec/swagger.json) → one standalone, strict JSON
 * Schema per kind, named the way kubeconform looks them up (`deployment-apps-v1.json`). Pure.
 *
 * The same transformations as the schemas kubeconform's authors publish (openapi2jsonschema with
 * --kubernetes --stand-alone --strict), so validation means what the API server would accept:
 * - `int-or-string` fields take a string or an integer; Quantity a string or a number;
 * - every object with declared properties rejects unknown ones (the API server's strict field
 *   validation; a misspelled key is an error, not silently dropped);
 * - `apiVersion` and `kind` are pinned to the kind the file is for.
 */

type JsonObject = { [key: string]: unknown };

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface OpenApiV2 {
  readonly definitions: Readonly<Record<string, JsonObject>>;
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const REF_PREFIX = '#/definitions/';

/** kubeconform's file name for a kind: `{kind}-{first label of group}-{version}.json`, lower case. */
export function schemaFileName(gvk: GroupVersionKind): string {
  const group = gvk.group === '' ? '' : `-${gvk.group.split('.')[0]}`;
  return `${gvk.kind}${group}-${gvk.version}.json`.toLowerCase();
}

export function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** Every kind the spec defines, as file name → schema. */
export function kubeconformSchemas(spec: OpenApiV2): Map<string, JsonObject> {
  const definitions = Object.fromEntries(
    Object.entries(spec.definitions).map(([name, def]) => [name, strictify(def, name)]),
  );
  const files = new Map<string, { schema: JsonObject; source: string }>();
  for (const [name, def] of Object.entries(spec.definitions)) {
    for (const gvk of groupVersionKinds(def)) {
      const file = schemaFileName(gvk);
      const existing = files.get(file);
      // Shared meta types (DeleteOptions, WatchEvent) list every group; a real kind wins.
      if (existing && name.startsWith('io.k8s.apimachinery.')) continue;
      if (existing && !existing.source.startsWith('io.k8s.apimachinery.')) continue;
      files.set(file, { schema: standalone(name, gvk, definitions), source: name });
    }
  }
  return new Map([...files].map(([file, { schema }]) => [file, schema]));
}

function groupVersionKinds(def: JsonObject): GroupVersionKind[] {
  const raw = def['x-kubernetes-group-version-kind'];
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (g): g is GroupVersionKind =>
      typeof g === 'object' &&
      g !== null &&
      typeof (g as JsonObject)['kind'] === 'string' &&
      typeof (g as JsonObject)['version'] === 'string' &&
      typeof (g as JsonObject)['group'] === 'string',
  );
}

/** The kind's schema with every definition it reaches, so the file needs no other. */
function standalone(
  name: string,
  gvk: GroupVersionKind,
  definitions: Record<string, JsonObject>,
): JsonObject {
  const reached = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(REF_PREFIX)) {
        const target = child.slice(REF_PREFIX.length);
        if (!reached.has(target) && definitions[target]) {
          reached.add(target);
          visit(definitions[target]);
        }
      } else visit(child);
    }
  };
  const root = definitions[name] ?? {};
  visit(root);
  const properties = { ...((root['properties'] as JsonObject | undefined) ?? {}) };
  properties['apiVersion'] = { type: 'string', enum: [apiVersionOf(gvk)] };
  properties['kind'] = { type: 'string', enum: [gvk.kind] };
  return {
    ...root,
    properties,
    required: [
      ...new Set([...((root['required'] as string[] | undefined) ?? []), 'apiVersion', 'kind']),
    ],
    definitions: Object.fromEntries([...reached].sort().map((d) => [d, definitions[d]])),
  };
}

/** One definition, made strict and stripped of prose (descriptions make the files 5x larger). */
function strictify(def: JsonObject, name: string): JsonObject {
  if (name === QUANTITY) return { oneOf: [{ type: 'string' }, { type: 'number' }] };
  return transform(def) as JsonObject;
}

function transform(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(transform);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as JsonObject;
  if (object['format'] === 'int-or-string') {
    return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  }
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(object)) {
    if (key === 'description') continue;
    // Property names are data, not schema keywords: recurse into each property's schema only.
    out[key] =
      key === 'properties' && typeof child === 'object' && child !== null
        ? Object.fromEntries(Object.entries(child).map(([p, s]) => [p, transform(s)]))
        : transform(child);
  }
  if ('properties' in out && !('additionalProperties' in out)) out['additionalProperties'] = false;
  return out;
}
