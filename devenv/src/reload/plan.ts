import { join, relative, sep } from 'node:path';
import type { Stack, WatchRule } from '../model/stack.js';

/** What one batch of file changes asks for. */
export interface ReloadPlan {
  /** Changed `.proto` files: lint, breaking check and regeneration come before any restart. */
  readonly protos: readonly string[];
  /** Services whose watched files changed, to restart (after regeneration when protos changed). */
  readonly restart: readonly string[];
  /**
   * Services whose changed files all fall under their `x-devenv.hot_reload` paths: the running
   * process takes the change itself (never also in `restart`).
   */
  readonly hotReload: readonly string[];
  /** For each of those, its changed files (what it is told to reload). */
  readonly hotPaths: Readonly<Record<string, readonly string[]>>;
  /**
   * Of `restart` and `hotReload`, the ones whose reload guard covers a changed file: it must pass
   * before the restart or the swap.
   */
  readonly guarded: readonly string[];
  /** Changed files that no rule covers. */
  readonly unmatched: readonly string[];
}

/**
 * Pure: classifies changed paths by the stack's `develop.watch` rules. A service appears once per
 * batch however many of its files changed, so a save storm is one restart. When protos change,
 * every service watching a directory that contains them restarts too (it uses the generated code).
 */
export function planReload(paths: readonly string[], stack: Stack): ReloadPlan {
  const protos = paths.filter((p) => p.endsWith('.proto'));
  const restart = new Set<string>();
  const matchedBy = new Map<string, string[]>();
  const unmatched: string[] = [];
  // Services usually watch the generated code, which the watcher ignores: a .proto change counts
  // as a change of what it generates.
  const generated = protos.flatMap(generatedPaths);
  for (const path of [...paths, ...generated]) {
    let matched = false;
    for (const [name, spec] of Object.entries(stack.services)) {
      if (spec.watch.some((rule) => covers(rule, path) && wantsRestart(rule))) {
        restart.add(name);
        matchedBy.set(name, [...(matchedBy.get(name) ?? []), path]);
        matched = true;
      }
    }
    if (!matched && !path.endsWith('.proto') && !generated.includes(path)) unmatched.push(path);
  }
  const hotReload = new Set(
    [...restart].filter((name) => {
      const hot = stack.services[name]?.devenv.hotReload;
      return hot !== undefined && (matchedBy.get(name) ?? []).every((p) => within(hot.paths, p));
    }),
  );
  for (const name of hotReload) restart.delete(name);
  const guarded = new Set(
    [...restart, ...hotReload].filter((name) => {
      const guard = stack.services[name]?.devenv.reloadGuard;
      return guard !== undefined && paths.some((path) => within(guard.paths, path));
    }),
  );
  return {
    protos,
    restart: stack.startOrder.filter((n) => restart.has(n)),
    hotReload: stack.startOrder.filter((n) => hotReload.has(n)),
    hotPaths: Object.fromEntries([...hotReload].map((n) => [n, matchedBy.get(n) ?? []])),
    guarded: stack.startOrder.filter((n) => guarded.has(n)),
    unmatched,
  };
}

/** `path` is one of `roots` or inside one. */
function within(roots: readonly string[], path: string): boolean {
  return roots.some((root) => path === root || path.startsWith(root + sep));
}

/** `<root>/protos/a/b.proto` → the TypeScript and Python files generated from it under `protos/gen/`. */
export function generatedPaths(proto: string): string[] {
  const at = proto.lastIndexOf(`${sep}protos${sep}`);
  if (at < 0) return [];
  const root = proto.slice(0, at + `${sep}protos`.length);
  const rel = proto.slice(root.length + 1, -'.proto'.length);
  return [join(root, 'gen', 'ts', `${rel}_pb.ts`), join(root, 'gen', 'python', `${rel}_pb2.py`)];
}

function wantsRestart(rule: WatchRule): boolean {
  // `sync` alone copies files into a running container: a native process already sees them.
  return rule.action !== 'sync';
}

/** The rule's path is the file or one of its directories, and no ignore pattern matches. */
export function covers(rule: WatchRule, path: string): boolean {
  if (path !== rule.path && !path.startsWith(rule.path.endsWith(sep) ? rule.path : rule.path + sep))
    return false;
  const rel = relative(rule.path, path);
  return !rule.ignore.some((pattern) => ignoreMatches(pattern, rel));
}

/** `.dockerignore`-style patterns relative to the rule's path: `node_modules/`, `*.test.ts`, `dist/**`. */
export function ignoreMatches(pattern: string, rel: string): boolean {
  const clean = pattern.replace(/^\.?\//, '').replace(/\/$/, '');
  if (!/[*?]/.test(clean))
    return rel === clean || rel.startsWith(`${clean}/`) || rel.split('/').includes(clean);
  const regex = new RegExp(
    `^${clean
      .split('**')
      .map((part) =>
        part
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]'),
      )
      .join('.*')}$`,
  );
  return regex.test(rel) || regex.test(rel.split('/').at(-1) ?? rel);
}
