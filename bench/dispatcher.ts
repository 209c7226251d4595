// Dispatcher overhead: workflow starts through HTTP (the dispatcher process) against the same
// starts by a bare SDK client in this process, on the same `temporal server start-dev`.
//  - throughput at concurrency C: starts/s via HTTP ÷ starts/s via the SDK — target ≥ 0.8;
//  - added latency, one request at a time: p95(HTTP) − p95(SDK) — target ≤ 5 ms.
// Rounds alternate SDK / HTTP so drift on a noisy machine hits both; medians of the rounds.
// Latency samples interleave SDK and HTTP request by request.
// Bounded: 127.0.0.1 only, N starts per round, R rounds. No workers: a start is what is measured.
// Run: npx tsx bench/dispatcher.ts [starts-per-round=1000] [concurrency=32] [rounds=3]
import { Client, Connection } from '@temporalio/client';
import { DefaultFailureConverter, type DataConverter } from '@temporalio/common';
import { create } from '@bufbuild/protobuf';
import { Agent, request as httpRequest } from 'node:http';
import { WorkflowDemoTypeScriptRequestSchema } from '../protos/gen/ts/timecop/workflows/v1/demo_pb.js';
import { payloadConverter } from '../protos/ts/payload-converter.js';
import { WORKFLOWS } from '../workers/typescript/src/routing.js';
import { startDispatcherProcess } from '../dispatcher/test/dispatcher-process.js';
import { NAMESPACE, startDevServer } from '../dispatcher/test/temporal-dev-server.js';
import { median } from './devenv-run.js';

const perRound = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 3);
const SEQUENTIAL = 500;

// In memory: with a SQLite file, fsync per start makes the server the bottleneck of both sides.
const temporal = await startDevServer({ persistent: false });
// The rate limit is per client and this benchmark is one client far above any human's rate.
const dispatcher = await startDispatcherProcess(
  { TEMPORAL_HOST: temporal.address, DISPATCHER_RATE_LIMIT_PER_MINUTE: '0' },
  { keepLogs: false },
);
const connection = await Connection.connect({ address: temporal.address });
const sdk = new Client({
  connection,
  namespace: NAMESPACE,
  // The dispatcher's converter, so both encode the same protobuf payload.
  dataConverter: {
    payloadConverter,
    failureConverter: new DefaultFailureConverter(),
    payloadCodecs: [],
  } as DataConverter,
});
const route = WORKFLOWS.demoTypeScript;
const url = new URL('/typescript/demo', dispatcher.httpUrl);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
let serial = 0;

const viaSdk = async () => {
  const n = serial++;
  await sdk.workflow.start(route.type, {
    args: [create(WorkflowDemoTypeScriptRequestSchema, { name: `bench-${n}` })],
    taskQueue: route.taskQueue,
    workflowId: `${route.idPrefix}-bench-${n}-${Date.now()}`,
  });
};

const body = (n: number) => JSON.stringify({ name: `bench-${n}` });
const viaHttp = () =>
  new Promise<void>((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body(serial++));
  });

/** `count` starts, `parallel` in flight; returns starts/s and each start's latency in ms. */
async function run(start: () => Promise<void>, count: number, parallel: number) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        const s = performance.now();
        await start();
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { perSecond: count / ((performance.now() - t0) / 1000), latencies };
}

const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

try {
  // Warm-up: connections, JIT, the dev server's caches.
  await run(viaSdk, 200, concurrency);
  await run(viaHttp, 200, concurrency);

  const sdkRate: number[] = [];
  const httpRate: number[] = [];
  const sdkP95: number[] = [];
  const httpP95: number[] = [];
  const sdkP50: number[] = [];
  const httpP50: number[] = [];
  for (let r = 0; r < rounds; r++) {
    sdkRate.push((await run(viaSdk, perRound, concurrency)).perSecond);
    httpRate.push((await run(viaHttp, perRound, concurrency)).perSecond);
    // One at a time, SDK and HTTP interleaved request by request: the server's jitter (GC,
    // SQLite, the other processes on the machine) then falls on both sides alike.
    const s: number[] = [];
    const h: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      s.push(...(await run(viaSdk, 1, 1)).latencies);
      h.push(...(await run(viaHttp, 1, 1)).latencies);
    }
    sdkP95.push(p(s, 0.95));
    httpP95.push(p(h, 0.95));
    sdkP50.push(p(s, 0.5));
    httpP50.push(p(h, 0.5));
  }
  const ratio = median(httpRate) / median(sdkRate);
  const addedP95 = median(httpP95) - median(sdkP95);
  console.log(
    `dispatcher bench: ${rounds} rounds × ${perRound} starts at concurrency ${concurrency}; ${SEQUENTIAL} sequential starts per round for latency`,
  );
  console.log(
    `  throughput  SDK ${median(sdkRate).toFixed(0)} starts/s   HTTP ${median(httpRate).toFixed(0)} starts/s   ratio ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `  latency p50 SDK ${median(sdkP50).toFixed(2)} ms   HTTP ${median(httpP50).toFixed(2)} ms   added ${(median(httpP50) - median(sdkP50)).toFixed(2)} ms`,
  );
  console.log(
    `  latency p95 SDK ${median(sdkP95).toFixed(2)} ms   HTTP ${median(httpP95).toFixed(2)} ms   added ${addedP95.toFixed(2)} ms (target ≤ 5 ms) ${addedP95 <= 5 ? 'OK' : 'MISSED'}`,
  );
  process.exitCode = ratio >= 0.8 && addedP95 <= 5 ? 0 : 1;
} finally {
  agent.destroy();
  await dispatcher.stop();
  await connection.close();
  await temporal.stop();
}
