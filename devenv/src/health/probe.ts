import type { ProbeCheck } from '../model/stack.js';
import type { ProbeOutcome } from './probe-outcome.js';
import { probeKindOf } from './probe-kinds.js';

/** Runs one check of any kind; never rejects. */
export type Prober = (check: ProbeCheck, timeoutMs: number, cwd: string) => Promise<ProbeOutcome>;

export const runProbe: Prober = (check, timeoutMs, cwd) =>
  probeKindOf(check).run(check, timeoutMs, cwd);
