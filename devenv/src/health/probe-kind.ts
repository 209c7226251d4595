import type { z } from 'zod';
import type { ProbeOutcome } from './probe-outcome.js';

/**
 * Everything devenv knows about one probe kind: how `x-devenv.probe.<kind>` is read, how
 * `devenv config` writes it back, and how it runs. probe-kinds.ts maps each kind to one of these.
 *
 * A definition is imported by the model (the schema), which stays free of sockets and child
 * processes: `run` imports its runner when it first runs, not when the definition loads.
 */
export interface ProbeKindDefinition<Check extends { readonly kind: string }> {
  /** The value under the kind's key, as written in the file, turned into the check. */
  readonly parse: z.ZodType<Check>;
  /** The check as an `x-devenv.probe.<kind>` value that parses back to the same check. */
  readonly write: (check: Check) => Record<string, unknown>;
  /** A typical check of this kind: probe-kinds.test.ts writes and parses back every kind's. */
  readonly example: Check;
  /** One attempt of the check; never rejects. */
  readonly run: (
    check: Check,
    timeoutMs: number,
    cwd: string,
    service?: ProbedRun,
  ) => Promise<ProbeOutcome>;
}

/** The run of the service being probed, for kinds that judge what they see by whose it is. */
export interface ProbedRun {
  /** The process group leader of a native run. */
  readonly pid: number | undefined;
  /** When this run started (epoch ms). */
  readonly startedAt: number | undefined;
  /** The service's environment as its native process gets it. */
  readonly environment: Readonly<Record<string, string>>;
}
