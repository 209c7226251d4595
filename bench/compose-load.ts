// Loading a Compose project: devenv's loader (loadStack: read, interpolate, extends/include,
// validate, normalise, dependency graph) against compose-go, the library Docker Compose uses (the
// oracle in devenv/test/compose-oracle/, timed inside its own process, so neither side pays for
// a process start). Two projects: compose/compose.yaml and a generated 200-service file.
//  - warm: many loads in one process each (devenv's JIT warmed up by a few loads first); rounds
//    alternate devenv and compose-go, and the ratio is taken per round (the machine is noisy);
//  - first load: the one load of a fresh process, as `devenv up` does it (modules imported).
// Wall-clock and CPU time (user + system, all threads) of each load, from each process's own
// accounting. Targets: devenv ≤ 100 ms for 200 services; the ratio is reported, devenv need not
// beat Go.
// Run: npx tsx bench/compose-load.ts [rounds]
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadStack } from '../devenv/src/model/load-stack.js';
import { PROJECT_ROOT } from '../devenv/src/project-root.js';
import { createToolchain } from '../devenv/src/toolchain/toolchain.js';
import { loadVersions } from '../devenv/src/versions/versions-file.js';
import { ensureComposeOracle } from '../devenv/test/compose-oracle-build.js';
import { startOracle, type OracleClient } from '../devenv/test/compose-oracle-client.js';
import { median } from './devenv-run.js';

const FIRST_LOAD = '--first-load';
const rounds = Number(process.argv[2] ?? 30);
const WARMUP = 5;
const FRESH_PROCESSES = 5;
const SERVICES = 200;

/** A service of each common shape, in turn: image or build, ports, env, volumes, healthchecks. */
function generatedProject(count: number): string {
  const lines = ['name: generated', 'services:'];
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(3, '0')}`;
    lines.push(`  ${name}:`);
    if (i % 4 === 3) lines.push(`    build: { context: ./app-${i}, dockerfile: Dockerfile }`);
    else lines.push(`    image: registry.example/team/${name}:\${TAG:-1.${i}}`);
    lines.push(
      `    command: ["serve", "--port", "${8000 + i}", "--name", "${name}"]`,
      '    restart: on-failure',
      '    environment:',
      `      SERVICE_NAME: ${name}`,
      `      LOG_LEVEL: \${LOG_LEVEL:-info}`,
      `      DATABASE_URL: postgres://app:\${DB_PASSWORD:-secret}@db:5432/app_${i}`,
      '      FEATURE_FLAGS: "a,b,c"',
      '    ports:',
      `      - "127.0.0.1:${20_000 + i}:${8000 + i}"`,
      '    volumes:',
      `      - ./data/${name}:/data`,
      '      - shared:/shared:ro',
      '    healthcheck:',
      `      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:${8000 + i}/healthz"]`,
      '      interval: 5s',
      '      timeout: 2s',
      '      retries: 10',
      '    labels:',
      `      com.example.index: "${i}"`,
    );
    if (i > 0) {
      lines.push('    depends_on:');
      lines.push(`      svc-${String(i - 1).padStart(3, '0')}:`);
      lines.push(`        condition: ${i % 2 === 0 ? 'service_healthy' : 'service_started'}`);
    }
  }
  lines.push('volumes:', '  shared: {}');
  return `${lines.join('\n')}\n`;
}

interface Figures {
  readonly devenvMs: number;
  readonly composeGoMs: number;
  readonly ratio: number;
  readonly devenvCpuMs: number;
  readonly composeGoCpuMs: number;
  readonly cpuRatio: number;
}

async function measure(label: string, file: string, oracle: OracleClient): Promise<Figures> {
  const samples: Record<keyof Figures, number[]> = {
    devenvMs: [],
    composeGoMs: [],
    ratio: [],
    devenvCpuMs: [],
    composeGoCpuMs: [],
    cpuRatio: [],
  };
  for (let round = 0; round < WARMUP + rounds; round++) {
    const { wallMs: ours, cpuMs: oursCpu } = await devenvLoad(file);
    const answer = await oracle.load({ files: [file], env: {}, repeat: 1 });
    const [nanos] = answer.ok ? (answer.nanos ?? []) : [];
    const [cpuNanos] = answer.ok ? (answer.cpuNanos ?? []) : [];
    if (nanos === undefined || cpuNanos === undefined)
      throw new Error(`compose-go: ${JSON.stringify(answer)}`);
    if (round < WARMUP) continue;
    samples.devenvMs.push(ours);
    samples.composeGoMs.push(nanos / 1e6);
    samples.ratio.push(ours / (nanos / 1e6));
    samples.devenvCpuMs.push(oursCpu);
    samples.composeGoCpuMs.push(cpuNanos / 1e6);
    samples.cpuRatio.push(oursCpu / (cpuNanos / 1e6));
  }
  const m = Object.fromEntries(
    Object.entries(samples).map(([key, values]) => [key, median(values)]),
  ) as unknown as Figures;
  console.log(`${label} (medians of ${rounds} paired rounds)`);
  console.log(
    `  wall  devenv ${m.devenvMs.toFixed(1)} ms   compose-go ${m.composeGoMs.toFixed(1)} ms   ` +
      `ratio ${m.ratio.toFixed(3)} (devenv ÷ compose-go)`,
  );
  console.log(
    `  cpu   devenv ${m.devenvCpuMs.toFixed(1)} ms   compose-go ${m.composeGoCpuMs.toFixed(1)} ms   ` +
      `ratio ${m.cpuRatio.toFixed(3)} (user + system time, all threads)`,
  );
  return m;
}

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** One load of `file` by devenv in this process, timed. */
async function devenvLoad(file: string): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const loaded = await loadStack({ files: [file], env: {} });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (!loaded.ok) throw new Error(`devenv does not load ${file}: ${JSON.stringify(loaded.error)}`);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Each side's first load in fresh processes, alternating: what one `devenv up` pays. */
async function firstLoads(label: string, file: string, executable: string): Promise<void> {
  const ours: Timing[] = [];
  const theirs: Timing[] = [];
  for (let i = 0; i < FRESH_PROCESSES; i++) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx/esm', fileURLToPath(import.meta.url), FIRST_LOAD, file],
      { cwd: PROJECT_ROOT },
    );
    ours.push(JSON.parse(stdout) as Timing);
    const oracle = startOracle(executable);
    const answer = await oracle.load({ files: [file], env: {}, repeat: 1 });
    await oracle.close();
    const [nanos] = answer.ok ? (answer.nanos ?? []) : [];
    const [cpuNanos] = answer.ok ? (answer.cpuNanos ?? []) : [];
    if (nanos === undefined || cpuNanos === undefined)
      throw new Error(`compose-go: ${JSON.stringify(answer)}`);
    theirs.push({ wallMs: nanos / 1e6, cpuMs: cpuNanos / 1e6 });
  }
  const m = (values: Timing[], key: keyof Timing) => median(values.map((t) => t[key]));
  console.log(`${label}, first load of a fresh process (medians of ${FRESH_PROCESSES})`);
  console.log(
    `  wall  devenv ${m(ours, 'wallMs').toFixed(1)} ms   compose-go ${m(theirs, 'wallMs').toFixed(1)} ms`,
  );
  console.log(
    `  cpu   devenv ${m(ours, 'cpuMs').toFixed(1)} ms   compose-go ${m(theirs, 'cpuMs').toFixed(1)} ms`,
  );
}

async function main(): Promise<void> {
  const versions = await loadVersions(join(PROJECT_ROOT, 'versions.yaml'));
  if (!versions.ok) throw new Error('versions.yaml does not parse');
  const toolchain = createToolchain({ projectRoot: PROJECT_ROOT, versions: versions.value });
  const go = await toolchain.find('go');
  if (!go.ok) throw new Error('Go is needed to build the compose-go oracle (versions.yaml: go)');
  const built = await ensureComposeOracle(PROJECT_ROOT, go.value.path);
  if (!built.ok) throw new Error(built.error);

  const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-compose-'));
  const oracle = startOracle(built.value.executable);
  try {
    const generated = join(dir, 'compose.yaml');
    await writeFile(generated, generatedProject(SERVICES));
    const projects = [
      ['compose/compose.yaml', join(PROJECT_ROOT, 'compose', 'compose.yaml')],
      [`generated, ${SERVICES} services`, generated],
    ] as const;
    let big: Figures | undefined;
    for (const [label, file] of projects) big = await measure(label, file, oracle);
    for (const [label, file] of projects) await firstLoads(label, file, built.value.executable);
    if (big)
      console.log(
        `${SERVICES} services, warm: devenv ${big.devenvMs.toFixed(1)} ms wall, ${big.devenvCpuMs.toFixed(1)} ms CPU = ` +
          `${(big.devenvMs / 100).toFixed(3)} of its 100 ms budget (load average ${loadavg()[0]?.toFixed(1)} ` +
          'on this machine: a busy machine inflates wall time, CPU time far less)',
      );
  } finally {
    await oracle.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === FIRST_LOAD) {
  const file = process.argv[3];
  if (file === undefined) throw new Error(`${FIRST_LOAD} FILE`);
  process.stdout.write(JSON.stringify(await devenvLoad(file)));
} else await main();
