// Business keys and idempotency keys that never collide across VUs, iterations or runs, so the
// dispatcher's `{Workflow}-{key}-{epochMs}` IDs stay unique and the Idempotency-Key path is only
// exercised when a script means to.
import exec from 'k6/execution';
import { PROFILE } from './config.js';

/** Per k6 process: two runs started in the same millisecond still differ. */
const RUN = Math.random().toString(36).slice(2, 8);

/** e.g. `k6-smoke-a1b2c3-v3-i17`: the profile, the run, the VU and its iteration. */
export function businessKey() {
  return `k6-${PROFILE}-${RUN}-v${exec.vu.idInTest}-i${exec.vu.iterationInScenario}`;
}

/** A fresh Idempotency-Key; reuse the returned value to replay a start. */
export function idempotencyKey() {
  return `${businessKey()}-${Date.now()}`;
}
