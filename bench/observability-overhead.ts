// Cost of observability on worker throughput (target: ≤ 10 %, i.e. ratio ≥ 0.9), in one run:
//  bare      a worker without metrics; its log lines go through devenv's log bus to the file sink
//  observed  the same worker with Prometheus telemetry (scraped every 5 s, as prometheus.yml does) and the real
//            workflow/activity metrics interceptors; its lines also go to devenv's Loki sink,
//            pushing to a local HTTP endpoint that accepts like Loki (no Loki binary here)
// against one real Temporal dev server, alternating the two, medians of the rounds.
// Run: npx tsx bench/observability-overhead.ts [workflows=400] [rounds=3] [concurrency=20]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFileSink } from '../devenv/src/logbus/file-sink.js';
import { createLogBus } from '../devenv/src/logbus/log-bus.js';
import type { LogSink } from '../devenv/src/logbus/log-sink.js';
import { createLokiSink } from '../devenv/src/logbus/loki-sink.js';
import { PROJECT_ROOT } from '../devenv/src/project-root.js';
import { createToolchain } from '../devenv/src/toolchain/toolchain.js';
import { loadVersions } from '../devenv/src/versions/versions-file.js';
import { median } from './devenv-run.js';

const workflows = Number(process.argv[2] ?? 400);
const rounds = Number(process.argv[3] ?? 3);
const concurrency = Number(process.argv[4] ?? 20);
const TEMPORAL_PORT = 17433;
const METRICS_PORT = 19474;

const versions = await loadVersions(join(PROJECT_ROOT, 'versions.yaml'));
if (!versions.ok) throw new Error('versions.yaml');
const temporal = await createToolchain({
  projectRoot: PROJECT_ROOT,
  versions: versions.value,
}).ensure('temporal');
if (!temporal.ok) throw new Error(`temporal CLI: ${temporal.error.reason}`);
const server = spawn(
  temporal.value.path,
  [
    'server',
    'start-dev',
    '--headless',
    '--port',
    String(TEMPORAL_PORT),
    '--http-port',
    '17434',
    '--metrics-port',
    '17435',
    '--log-level',
    'error',
  ],
  { stdio: 'ignore' },
);

// Accepts pushes like Loki: reads the whole body, answers 204.
let lokiLines = 0;
const loki = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    lokiLines += (body.match(/"\d{19}"/g) ?? []).length;
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => loki.listen(0, '127.0.0.1', resolve));
const lokiUrl = `http://127.0.0.1:${(loki.address() as { port: number }).port}`;

async function once(mode: 'bare' | 'observed'): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'overhead-'));
  const sinks: LogSink[] = [createFileSink({ directory: dir })];
  if (mode === 'observed') sinks.push(createLokiSink({ url: lokiUrl, project: 'bench' }));
  const bus = createLogBus({ sinks });
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(PROJECT_ROOT, 'bench/observability-overhead/worker.ts'),
      mode,
      `127.0.0.1:${TEMPORAL_PORT}`,
      String(METRICS_PORT),
      String(workflows),
      String(concurrency),
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => bus.write('worker', 'stdout', chunk));
  let scraping = mode === 'observed';
  const scraper = (async () => {
    while (scraping) {
      await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
      await sleep(5000);
    }
  })();
  let result: number | undefined;
  const errors: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    const m = /^RESULT (\d+(\.\d+)?)$/.exec(line);
    if (m) result = Number(m[1]);
    else errors.push(line);
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  scraping = false;
  await scraper;
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 || result === undefined)
    throw new Error(`${mode} worker failed (${code}):\n${errors.slice(-20).join('\n')}`);
  return (workflows / result) * 1000;
}

try {
  // The dev server answers once its frontend is up.
  for (let i = 0; i < 60; i++) {
    const up = await fetch('http://127.0.0.1:17434/api/v1/namespaces').then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await sleep(500);
  }
  const bare: number[] = [];
  const observed: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first: the machine's noise should not favour one side.
    if (r % 2 === 0) {
      bare.push(await once('bare'));
      observed.push(await once('observed'));
    } else {
      observed.push(await once('observed'));
      bare.push(await once('bare'));
    }
    console.log(
      `round ${r + 1}: bare ${bare.at(-1)!.toFixed(1)} wf/s, observed ${observed.at(-1)!.toFixed(1)} wf/s`,
    );
  }
  const ratio = median(observed) / median(bare);
  console.log(
    `bare     ${median(bare).toFixed(1)} workflows/s (median of ${rounds}, ${workflows} each, ${concurrency} at a time)`,
  );
  console.log(
    `observed ${median(observed).toFixed(1)} workflows/s; ${lokiLines} lines pushed to the Loki endpoint`,
  );
  console.log(`ratio = ${ratio.toFixed(3)} (observed / bare; target ≥ 0.90, i.e. ≤ 10 % cost)`);
} finally {
  server.kill('SIGTERM');
  loki.close();
}
