import type { Problem } from './problem.js';
import { KEY_NODES, ROOT_NODE, type KeyNode } from './schema-keys.js';
import { closestName } from './suggest.js';
import { isPlainObject, type TreePath } from './tree.js';

/** Where a reader finds every key the Compose Specification defines. */
const SPEC_REFERENCE = 'https://github.com/compose-spec/compose-spec/blob/main/spec.md';
/** Up to this many keys are listed in a hint; more would bury it. */
const LISTED_KEYS = 16;

/**
 * Keys the Compose Specification does not define where they are written, checked against the
 * spec's own schema (schema-keys.ts, generated from compose-go's copy). `x-` keys pass wherever
 * the spec allows extensions; devenv's own `x-devenv` is checked by its zod schema instead.
 */
export function unknownKeyProblems(document: unknown): Problem[] {
  const problems: Problem[] = [];
  walk(KEY_NODES[ROOT_NODE], document, [], problems);
  return problems;
}

function walk(
  node: KeyNode | undefined,
  value: unknown,
  path: TreePath,
  problems: Problem[],
): void {
  if (node === undefined) return;
  if (Array.isArray(value)) {
    const items = node.items === undefined ? undefined : KEY_NODES[node.items];
    value.forEach((item, i) => walk(items, item, [...path, i], problems));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, key];
    if (node.extensions && key.startsWith('x-')) continue;
    if (Object.hasOwn(node.keys, key)) {
      const next = node.keys[key];
      if (next) walk(KEY_NODES[next], child, at, problems);
    } else if (node.named !== undefined) {
      if (node.named) walk(KEY_NODES[node.named], child, at, problems);
    } else if (node.strict) problems.push(unknownKey(node, key, at));
  }
}

function unknownKey(node: KeyNode, key: string, path: TreePath): Problem {
  const known = Object.keys(node.keys);
  const suggestion = closestName(key, known);
  const own = node.extensions ? ' (keys of your own start with x-)' : '';
  if (suggestion)
    return {
      path,
      at: 'key',
      message: `unknown key "${key}"; did you mean "${suggestion}"?`,
      hint: `change it to "${suggestion}"${own}`,
    };
  const hint =
    known.length <= LISTED_KEYS
      ? `expected one of: ${known.join(', ')}${own}`
      : `check the spelling against the Compose Specification (${SPEC_REFERENCE})${own}`;
  return {
    path,
    at: 'key',
    message: `unknown key "${key}": the Compose Specification has no such key here`,
    hint,
  };
}

interface Unsupported {
  readonly key: string;
  readonly why: string;
  readonly hint: string;
  /** Whether this value is one devenv cannot honour; absent: any value. */
  readonly applies?: (value: unknown) => boolean;
}

/** Service keys that are valid Compose but that devenv cannot run as written. */
const UNSUPPORTED_SERVICE_KEYS: readonly Unsupported[] = [
  {
    key: 'provider',
    why: 'a provider service is set up by a Compose plugin (a cloud resource, a model runner …), which devenv cannot call',
    hint: 'run what the provider would set up yourself and give the service an image:, or put it behind a profile',
  },
  {
    key: 'models',
    why: 'AI models need Docker Model Runner, which devenv does not drive',
    hint: 'run the model server as a service of its own and pass its URL in environment:',
  },
  ...['pre_start', 'post_start', 'pre_stop'].map((key) => ({
    key,
    why: 'lifecycle hooks are not run by devenv',
    hint: 'run the step in the service’s command or entrypoint instead',
  })),
];

const UNSUPPORTED_TOP_LEVEL_KEYS: readonly Unsupported[] = [
  {
    key: 'jobs',
    why: 'run-to-completion jobs are not run by devenv',
    hint: 'write the job as a service with restart: "no" and depend on it with condition: service_completed_successfully',
  },
];

/**
 * Valid Compose that devenv cannot honour, as errors naming the key: silently running something
 * else than the file says would be worse. What devenv accepts and ignores is listed in the docs.
 */
export function unsupportedKeyProblems(document: unknown): Problem[] {
  if (!isPlainObject(document)) return [];
  const problems: Problem[] = [];
  const check = (rules: readonly Unsupported[], owner: Record<string, unknown>, base: TreePath) => {
    for (const rule of rules) {
      if (!Object.hasOwn(owner, rule.key)) continue;
      const value = owner[rule.key];
      if (rule.applies && !rule.applies(value)) continue;
      problems.push({
        path: [...base, rule.key],
        at: 'key',
        message: `not supported by devenv (yet): ${rule.key} — ${rule.why}`,
        hint: rule.hint,
      });
    }
  };
  check(UNSUPPORTED_TOP_LEVEL_KEYS, document, []);
  const services = document['services'];
  if (!isPlainObject(services)) return problems;
  for (const [name, service] of Object.entries(services)) {
    if (!isPlainObject(service)) continue;
    check(UNSUPPORTED_SERVICE_KEYS, service, ['services', name]);
  }
  return problems;
}
