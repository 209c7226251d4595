import type { Problem } from './problem.js';
import type { ServiceInput } from './schema.js';
import type { Healthcheck } from './stack.js';
import type { TreePath } from './tree.js';

/** `healthcheck:` as the model has it: a string test becomes CMD-SHELL; disabled becomes [NONE]. */
export function toHealthcheck(
  input: ServiceInput['healthcheck'],
  path: TreePath,
  problems: Problem[],
): Healthcheck | undefined {
  if (!input) return undefined;
  const timings = {
    intervalMs: input.interval,
    timeoutMs: input.timeout,
    retries: input.retries,
    startPeriodMs: input.start_period,
    startIntervalMs: input.start_interval,
  };
  // Compose turns `disable: true` into `test: [NONE]`: the image's HEALTHCHECK is switched off.
  if (input.disable) return { test: ['NONE'], ...timings };
  let test: readonly string[] = [];
  if (typeof input.test === 'string') test = ['CMD-SHELL', input.test];
  else if (input.test) {
    const [kind] = input.test;
    if (kind === 'NONE') return { test: ['NONE'], ...timings };
    if (kind !== 'CMD' && kind !== 'CMD-SHELL') {
      problems.push({
        path: [...path, 'test', 0],
        message: `healthcheck test must start with CMD, CMD-SHELL or NONE, not ${kind === undefined ? 'nothing' : `"${kind}"`}`,
        hint: 'write test: ["CMD", "pg_isready"] or ["CMD-SHELL", "pg_isready -U app"]',
      });
    }
    test = input.test;
  }
  // No test: the image's own HEALTHCHECK applies (docker runtime), with these timings.
  return { test, ...timings };
}
