import type pg from 'pg';
import { CreateSummary } from './create-summary.js';
import { createFetchPatientEvents } from './fetch-patient-events.js';
import { createSayHello } from './say-hello.js';

export interface ActivityDeps {
  /** Postgres for FetchPatientEvents. */
  readonly pool: pg.Pool;
  /** Simulated work in the demo greeting (ms), for demos, load tests and the drain test. */
  readonly demoDelayMs?: number;
}

/**
 * The TypeScript worker's activity registration list (seeds pattern 5): the keys are the
 * registered activity names (routing.ts ACTIVITY_TYPES), which workflows call.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ActivitySayHelloTypeScript: createSayHello(deps.demoDelayMs ?? 0),
    FetchPatientEvents: createFetchPatientEvents(deps.pool),
    CreateSummary,
  };
}

export type Activities = ReturnType<typeof createActivities>;
