import { join } from 'node:path';
import { runCommand } from '../process/run-command.js';

/** The latest test-on-save run, for the TUI. */
export type TestRun =
  | { readonly state: 'running'; readonly files: number; readonly since: number }
  | {
      readonly state: 'done';
      readonly passed: number;
      readonly failed: number;
      /** True when vitest found no test related to the changed files. */
      readonly none: boolean;
      readonly files: number;
      readonly ms: number;
      /** The first failing test's name, when one failed. */
      readonly firstFailure: string | undefined;
    }
  | { readonly state: 'error'; readonly detail: string };

const TIMEOUT_MS = 10 * 60_000;

/** `vitest related --run <files>`: the tests whose imports reach the changed files. */
export async function runRelatedTests(root: string, files: readonly string[]): Promise<TestRun> {
  const started = Date.now();
  const outcome = await runCommand(
    join(root, 'node_modules', '.bin', 'vitest'),
    ['related', '--run', '--reporter=default', ...files],
    {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeoutMs: TIMEOUT_MS,
    },
  );
  if (outcome.spawnError) return { state: 'error', detail: outcome.spawnError };
  return {
    ...summarizeVitest(outcome.tail),
    state: 'done',
    files: files.length,
    ms: Date.now() - started,
  };
}

/** Pure: the counts in vitest's closing lines (`Tests  3 failed | 40 passed (43)`, `No test files found`). */
export function summarizeVitest(output: string): {
  passed: number;
  failed: number;
  none: boolean;
  firstFailure: string | undefined;
} {
  const tests = /^\s*Tests\s+(.*)$/m.exec(output)?.[1] ?? '';
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(tests)?.[1] ?? 0);
  const firstFailure = /^\s*(?:×|FAIL)\s+(.+)$/m.exec(output)?.[1]?.trim();
  return {
    passed: count('passed'),
    failed: count('failed'),
    none: /No test files found/.test(output) || tests === '',
    firstFailure,
  };
}
