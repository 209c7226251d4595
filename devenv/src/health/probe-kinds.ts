import { execProbe } from './kinds/exec.js';
import { grpcProbe } from './kinds/grpc.js';
import { httpProbe } from './kinds/http.js';
import { postgresProbe } from './kinds/postgres.js';
import { tcpProbe } from './kinds/tcp.js';
import { temporalProbe } from './kinds/temporal.js';
import { temporalWorkerProbe } from './kinds/temporal-worker.js';
import type { ProbeKindDefinition } from './probe-kind.js';

/**
 * Every probe kind, keyed as `x-devenv.probe` writes it. The check types, the schema, `devenv
 * config` and the prober all come from here: a new kind is one entry here plus its file in kinds/.
 * The order is the order error messages list the kinds in.
 */
export const PROBE_KIND_DEFINITIONS = {
  tcp: tcpProbe,
  http: httpProbe,
  exec: execProbe,
  grpc: grpcProbe,
  temporal: temporalProbe,
  temporal_worker: temporalWorkerProbe,
  postgres: postgresProbe,
} as const;

type Definitions = typeof PROBE_KIND_DEFINITIONS;
export type ProbeKind = keyof Definitions;

/** How devenv decides a service is ready (x-devenv.probe): one check of one kind. */
export type ProbeCheck = {
  [K in ProbeKind]: Definitions[K] extends ProbeKindDefinition<infer Check> ? Check : never;
}[ProbeKind];

// Each entry's key is its check's kind: a mismatch fails to compile here.
PROBE_KIND_DEFINITIONS satisfies {
  [K in ProbeKind]: ProbeKindDefinition<Extract<ProbeCheck, { readonly kind: K }>>;
};

export const PROBE_KINDS = Object.keys(PROBE_KIND_DEFINITIONS) as readonly ProbeKind[];

/** The definition of the check's own kind. */
export function probeKindOf(check: ProbeCheck): ProbeKindDefinition<ProbeCheck> {
  // The satisfies above pairs each key with its kind's check, which TypeScript cannot carry
  // through an index by `check.kind`.
  return PROBE_KIND_DEFINITIONS[check.kind] as unknown as ProbeKindDefinition<ProbeCheck>;
}
