import type { ProbeCheck } from '../model/stack.js';
import type { ProbedRun } from './probe-kind.js';
import type { ProbeOutcome } from './probe-outcome.js';
import { probeKindOf } from './probe-kinds.js';

/** Runs one check of any kind; never rejects. */
export type Prober = (
  check: ProbeCheck,
  timeoutMs: number,
  cwd: string,
  service?: ProbedRun,
) => Promise<ProbeOutcome>;

export const runProbe: Prober = (check, timeoutMs, cwd, service) =>
  probeKindOf(check).run(check, timeoutMs, cwd, service);
