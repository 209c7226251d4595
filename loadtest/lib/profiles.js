// The five load profiles: scenarios (how load arrives) and thresholds (what passes). A failed
// threshold makes k6 exit 99, which `devenv load` turns into a non-zero exit.
//
// Rates stay under the dispatcher's default rate limit (DISPATCHER_RATE_LIMIT_PER_MINUTE 6,000 per
// client, i.e. 100 requests/s from k6's one address), so a 429 means something else went wrong.

/** Latency and error budgets shared by every profile; profiles only tighten or relax them. */
function thresholds({ p95 = 500, p99 = 1500, errorRate = 0.01, abort = false } = {}) {
  const guard = (threshold) =>
    abort ? { threshold, abortOnFail: true, delayAbortEval: '30s' } : threshold;
  return {
    http_req_failed: [guard(`rate<${errorRate}`)],
    http_req_duration: [`p(95)<${p95}`, `p(99)<${p99}`],
    grpc_req_duration: [`p(95)<${p95}`, `p(99)<${p99}`],
    checks: [guard(`rate>${1 - errorRate}`)],
  };
}

/** HTTP and gRPC at a steady arrival rate (requests start on schedule, however slow answers are). */
function steady(rate, duration, grpcShare = 0.25) {
  return {
    http: {
      executor: 'constant-arrival-rate',
      exec: 'httpStarts',
      rate: Math.max(1, Math.round(rate * (1 - grpcShare))),
      timeUnit: '1s',
      duration,
      preAllocatedVUs: Math.max(2, Math.ceil(rate / 2)),
      maxVUs: Math.max(10, rate * 2),
    },
    grpc: {
      executor: 'constant-arrival-rate',
      exec: 'grpcStarts',
      rate: Math.max(1, Math.round(rate * grpcShare)),
      timeUnit: '1s',
      duration,
      preAllocatedVUs: 2,
      maxVUs: Math.max(4, rate),
    },
  };
}

/** HTTP and gRPC through the given arrival-rate stages. */
function staged(stages, grpcShare = 0.25) {
  const share = (f) =>
    stages.map((s) => ({ duration: s.duration, target: Math.round(s.target * f) }));
  const peak = Math.max(...stages.map((s) => s.target));
  return {
    http: {
      executor: 'ramping-arrival-rate',
      exec: 'httpStarts',
      startRate: 1,
      timeUnit: '1s',
      stages: share(1 - grpcShare),
      preAllocatedVUs: Math.max(2, Math.ceil(peak / 4)),
      maxVUs: Math.max(10, peak * 2),
    },
    grpc: {
      executor: 'ramping-arrival-rate',
      exec: 'grpcStarts',
      startRate: 1,
      timeUnit: '1s',
      stages: share(grpcShare),
      preAllocatedVUs: 2,
      maxVUs: Math.max(4, peak),
    },
  };
}

export const PROFILES = {
  /** Does everything work at all: a few VUs for 20 s, every route and gRPC once a second or so. */
  smoke: {
    scenarios: {
      http: { executor: 'constant-vus', exec: 'httpStarts', vus: 2, duration: '20s' },
      grpc: { executor: 'constant-vus', exec: 'grpcStarts', vus: 1, duration: '20s' },
    },
    thresholds: thresholds(),
  },
  /** The expected daily load: 20 starts/s for 2 minutes after a 30 s ramp. */
  load: {
    scenarios: staged([
      { duration: '30s', target: 20 },
      { duration: '2m', target: 20 },
      { duration: '15s', target: 0 },
    ]),
    thresholds: thresholds({ abort: true }),
  },
  /** Beyond the expected load in steps up to 80 starts/s: where does latency bend? */
  stress: {
    scenarios: staged([
      { duration: '1m', target: 20 },
      { duration: '1m', target: 40 },
      { duration: '1m', target: 60 },
      { duration: '1m', target: 80 },
      { duration: '30s', target: 0 },
    ]),
    thresholds: thresholds({ p95: 1000, p99: 3000, errorRate: 0.05, abort: true }),
  },
  /** A sudden burst from 2 to 60 starts/s and back: does it recover without errors? */
  spike: {
    scenarios: staged([
      { duration: '20s', target: 2 },
      { duration: '10s', target: 60 },
      { duration: '30s', target: 60 },
      { duration: '10s', target: 2 },
      { duration: '30s', target: 2 },
    ]),
    thresholds: thresholds({ p95: 1000, p99: 3000, errorRate: 0.02 }),
  },
  /** Moderate load for 30 minutes: leaks, growing queues, slow drift. */
  soak: {
    scenarios: steady(10, '30m'),
    thresholds: thresholds({ abort: true }),
  },
};

/** A profile's k6 `options`. */
export function optionsFor(name) {
  const profile = PROFILES[name];
  if (profile === undefined) throw new Error(`unknown profile ${name}`);
  return {
    scenarios: profile.scenarios,
    thresholds: profile.thresholds,
    // p(99) in the end-of-test summary as well as k6's default stats; count for the gRPC row of
    // `devenv load`'s table (gRPC has no request counter of its own).
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
    // Tags: every sample says which profile produced it (the k6 dashboard's filter).
    tags: { profile: name },
    // Setup is a single readiness request: if it hangs, give up quickly.
    setupTimeout: '10s',
  };
}
