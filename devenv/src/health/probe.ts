import type { ProbeCheck } from '../model/stack.js';
import type { ProbedRun } from './probe-kind.js';
import type { ProbeOutcome } from './probe-outcome.js';
import type * as ProbeKinds from './probe-kinds.js';

/** Runs one check of any kind; never rejects. */
export type Prober = (
  check: ProbeCheck,
  timeoutMs: number,
  cwd: string,
  service?: ProbedRun,
) => Promise<ProbeOutcome>;

// The kinds are imported at the first probe, not with the engine: their definitions carry the
// schemas the model parses them with (zod), which a stack served from the stack cache never needs
// before its first spawn, nor at all when no service has a probe.
let kinds: typeof ProbeKinds | undefined;
export const runProbe: Prober = async (check, timeoutMs, cwd, service) => {
  kinds ??= await import('./probe-kinds.js');
  return kinds.probeKindOf(check).run(check, timeoutMs, cwd, service);
};
