import type { z } from 'zod';
import { knownKeys, PROBE_KINDS, type IssueParams } from './schema.js';
import { closestName } from './suggest.js';
import { formatPath, valueAt, type TreePath } from './tree.js';

/**
 * A problem found in the merged document, located by path; the loader turns the path into
 * `file:line:col` through the merge's origins.
 */
export interface Problem {
  readonly path: TreePath;
  readonly message: string;
  readonly hint?: string;
  /** `key`: point at the key that introduces `path` (unknown keys, dependency names). */
  readonly at?: 'key' | 'value';
}

// In tree.ts so that code that only names paths (replica counts, at every `up`) does not load the
// schema this file reports against.
export { formatPath } from './tree.js';

const FIELD_HINTS: Readonly<Record<string, string>> = {
  image: 'write an image reference like postgres:16',
  build: 'write a context path, or {context: ., dockerfile: Dockerfile}',
  command: 'write a string or a list of strings',
  entrypoint: 'write a string or a list of strings',
  environment: 'write KEY: value pairs, or a list of "KEY=value" strings',
  env_file: 'write a path, a list of paths, or {path, required}',
  ports: 'write "HOST:CONTAINER" (e.g. "8080:80"), or {target: 80, published: 8080}',
  depends_on: 'list service names, or map name: {condition: service_healthy}',
  condition: 'use service_started, service_healthy or service_completed_successfully',
  healthcheck: 'write {test: ["CMD-SHELL", "…"], interval: 10s}',
  profiles: 'write a list of profile names',
  restart: 'use no, always, on-failure or unless-stopped',
  watch: 'write a list of {path, action}',
  action: 'use sync, rebuild, sync+restart, restart or sync+exec',
  probe: `write the probe as {${PROBE_KINDS.join('|')}: …}`,
  tool: 'use a tool id from versions.yaml',
  services: 'write services: as a mapping of name: {image: …}',
};

/** Zod issues as problems with messages in the user's terms (not zod's). */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], data: unknown): Problem[] {
  return issues.flatMap((issue) => fromIssue(issue, [], data));
}

function fromIssue(issue: z.core.$ZodIssue, prefix: TreePath, data: unknown): Problem[] {
  const path: TreePath = [...prefix, ...(issue.path as (string | number)[])];
  const value = valueAt(data, path);
  const fieldHint = hintFor(path);
  switch (issue.code) {
    case 'invalid_union':
      return fromUnion(issue, path, data, fieldHint);
    case 'invalid_type':
      if (value === undefined)
        return [withHint({ path, message: `${formatPath(path)} is missing` }, fieldHint)];
      return [
        withHint(
          {
            path,
            message: `${formatPath(path)}: expected ${article(issue.expected)}, got ${describe(value)}`,
          },
          fieldHint,
        ),
      ];
    case 'invalid_value':
      return [
        withHint(
          {
            path,
            message: `${formatPath(path)}: ${describe(value)} is not one of ${issue.values.map(String).join(', ')}`,
          },
          fieldHint,
        ),
      ];
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKey(path, key));
    case 'custom': {
      const params = (issue.params ?? {}) as IssueParams;
      return [
        withHint(
          {
            path,
            message: `${formatPath(path)}: ${issue.message}`,
            ...(params.at ? { at: params.at } : {}),
          },
          params.hint ?? fieldHint,
        ),
      ];
    }
    default:
      return [withHint({ path, message: `${formatPath(path)}: ${issue.message}` }, fieldHint)];
  }
}

function fromUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: TreePath,
  data: unknown,
  fieldHint: string | undefined,
): Problem[] {
  // When one alternative got past the outer type, its deeper issue is the useful one.
  const deeper = issue.errors
    .filter((option) => option.length > 0 && option.every((i) => i.path.length > 0))
    .sort((a, b) => depth(b) - depth(a))[0];
  if (deeper) return deeper.flatMap((i) => fromIssue(i, path, data));
  return [
    withHint(
      {
        path,
        message: `${formatPath(path)}: ${issue.message}, got ${describe(valueAt(data, path))}`,
      },
      fieldHint,
    ),
  ];
}

/** A key the spec does not define at `path`, with the closest one it does. */
function unknownKey(path: TreePath, key: string): Problem {
  const known = knownKeys(path);
  const suggestion = known && closestName(key, known);
  return withHint(
    {
      path: [...path, key],
      at: 'key',
      message: `unknown key "${formatPath([...path, key])}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
    },
    known ? `expected one of: ${known.join(', ')}` : undefined,
  );
}

function depth(option: readonly z.core.$ZodIssue[]): number {
  return Math.max(...option.map((i) => i.path.length));
}

function hintFor(path: TreePath): string | undefined {
  // Only the field's own name (or an enclosing field's) inside a service: `services` and the
  // service name above it say nothing about how to fix a nested value.
  const lowest = path[0] === 'services' && path.length > 1 ? 2 : 0;
  for (let i = path.length - 1; i >= lowest; i--) {
    const step = path[i];
    if (typeof step === 'string' && FIELD_HINTS[step]) return FIELD_HINTS[step];
  }
  return undefined;
}

function withHint(problem: Problem, hint: string | undefined): Problem {
  return hint ? { ...problem, hint } : problem;
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object' || expected === 'record') return 'a mapping';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** What the user wrote, briefly: `a string "abc"`, `a list`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}
