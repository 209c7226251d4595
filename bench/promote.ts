// Edit → new pods Ready on the test suite's Kubernetes cluster (issue #18), three ways in one run:
// (a) `devenv promote` (build, import into the cluster's containerd, helm upgrade, rollout; its
// helm test comes after and is timed apart), (b) `tilt up` with the project's Tiltfile, whose
// live update syncs the file and restarts the process in the running pod, and the baseline (c)
// a plain `helm upgrade` of the same chart and the same, already built and imported images, with
// only the Python worker's pod annotation changed so that its Deployment rolls. The edit is a comment in the
// Python worker's workers/python/timecop_worker/activities.py (its image holds the sources, so
// the image changes; a comment in the dispatcher's compiled TypeScript leaves its image as it was,
// and nothing would roll), different each round, in a copy of the committed project
// (other work in this tree is not touched; the copy's file is restored even on failure/Ctrl-C).
// (a), (c): from the save (or helm's start) until the Python worker's Deployment has rolled out
// (all replicas new and available, none old left); promote rolls only the components whose image
// changed, and the bench prints which ones rolled. (b): from the save until the Python worker's new
// process logs "worker polling" in the same pod and the pod is Ready.
// The bench leases the test cluster (devenv/test/local-cluster.ts; started if needed, stopped at
// the end when no one else holds it) and a Docker Engine, and deploys into namespaces of its own.
// Run: npx tsx bench/promote.ts [rounds]   (tool output on stderr, figures on stdout);
// PROMOTE_BENCH_TILT=off leaves out the Tilt rounds.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { helmUpgradeArgs, rolloutArgs } from '../devenv/src/promote/promote-plan.js';
import { runCommand } from '../devenv/src/process/run-command.js';
import { PROJECT_ROOT } from '../devenv/src/project-root.js';
import { createToolchain } from '../devenv/src/toolchain/toolchain.js';
import { leaseDockerEngine, type EngineLease } from '../devenv/test/docker-engine.js';
import {
  leaseTestCluster,
  stopTestClusterWhenUnused,
  type TestCluster,
} from '../devenv/test/local-cluster.js';
import { loadProjectVersions } from '../devenv/test/project-versions.js';
import * as rig from '../k8s/test/promote-rig.js';
import { median } from './devenv-run.js';
import { freePort } from '../devenv/src/process/free-port.js';

const rounds = Number(process.argv[2] ?? 3);
/** PROMOTE_BENCH_TILT=off leaves out the Tilt rounds (a cold `tilt up` alone is ~6 minutes). */
const withTilt = process.env['PROMOTE_BENCH_TILT'] !== 'off';
const NAMESPACE = `bench-promote-${process.pid}`;
const TILT_NAMESPACE = `bench-tilt-${process.pid}`;
const EDITED = join('workers', 'python', 'timecop_worker', 'activities.py');
/** The service whose source the bench edits. */
const APP = 'worker-python';
const POLL_MS = 500;
const run = promisify(execFile);
const say = (line: string) =>
  process.stderr.write(`bench ${new Date().toISOString().slice(11, 19)} ${line}\n`);

interface Rig {
  cluster: TestCluster;
  target: rig.PromoteTarget;
  copy: string;
  original: string;
  values: string[];
  helm: string;
  tilt: string;
}

/** The copy's chart with the offline values; ClusterIP (no NodePorts another release may hold). */
function valuesOf(copy: string): string[] {
  const chart = join(copy, 'k8s', 'charts', 'time-cop');
  return [
    ...['values-kind.yaml', 'values-self-contained.yaml', 'values-offline.yaml'].map((f) =>
      join(chart, f),
    ),
    join(copy, 'k8s', 'test', 'tilt-ci-values.yaml'),
  ];
}

let round = 0;
function edit(r: Rig): number {
  writeFileSync(
    join(r.copy, EDITED),
    `${r.original}\n# bench/promote.ts round ${++round} ${Date.now()}\n`,
  );
  return performance.now();
}

async function deployments(r: Rig, namespace: string): Promise<string> {
  const listed = await r.cluster.kubectl(['get', 'deployments', '-n', namespace, '-o', 'json']);
  if (!listed.ok) throw new Error(listed.error);
  return listed.value;
}

/** The Deployment the edit changes; promote rolls only the components whose image changed. */
const EDITED_DEPLOYMENT = 'time-cop-worker-python';

/**
 * Polls until the edited app's Deployment has rolled out past `before`. `rolledOut` gives the time it
 * was first seen (waiting up to a minute more); `stop` ends the polling (call it in a finally: a
 * poll left running would outlive the cluster).
 */
function watchRollout(r: Rig, before: ReadonlyMap<string, number>) {
  let stopped = false;
  let seenAt: number | undefined;
  const watching = (async () => {
    while (!stopped && seenAt === undefined) {
      // A failed look (the API server busy) is a look that did not see it yet.
      const listed = await r.cluster.kubectl(['get', 'deployments', '-n', NAMESPACE, '-o', 'json']);
      if (listed.ok && rig.appsRolledOut(listed.value, before, [EDITED_DEPLOYMENT]))
        seenAt = performance.now();
      else await sleep(POLL_MS);
    }
  })();
  const stop = async () => {
    stopped = true;
    await watching;
  };
  const rolledOut = async () => {
    const deadline = Date.now() + 60_000;
    while (seenAt === undefined && Date.now() < deadline) await sleep(POLL_MS);
    await stop();
    if (seenAt === undefined) throw new Error(`${EDITED_DEPLOYMENT} did not roll out`);
    return seenAt;
  };
  return { stop, rolledOut };
}

/** Promote's step lines name commands with their paths and arguments: a short name for each. */
function stepName(line: string): string {
  const known = /^build |docker save|helm (upgrade|test|get manifest)/.exec(
    line.replace(/^\S*\/(?=helm )/, ''),
  );
  return known === null ? line.slice(0, 20) : known[0].trim();
}

interface PromoteRound {
  readyMs: number;
  totalMs: number;
  /** Step description → seconds from its start to the next step's (or the exit). */
  steps: Map<string, number>;
  /** The app Deployments whose pods the promote replaced. */
  rolled: string[];
}

/**
 * devenv promote can stay alive after it reported success: when ctr stops reading the `docker
 * save` stream before its last bytes, the Engine's export response is left paused and open
 * (devenv/src/promote/image-import.ts). The success line is its end here; a process still alive
 * 15 s after it is ended and counted.
 */
let hungAfterSuccess = 0;

async function promoteRound(r: Rig): Promise<PromoteRound> {
  const before = rig.appGenerations(await deployments(r, NAMESPACE));
  const saved = edit(r);
  const watch = watchRollout(r, before);
  try {
    const { end, starts } = await timedPromote(r);
    const steps = new Map(
      starts.map((s, i) => [s.step, ((starts[i + 1]?.at ?? end) - s.at) / 1000] as const),
    );
    const readyMs = (await watch.rolledOut()) - saved;
    const after = rig.appGenerations(await deployments(r, NAMESPACE));
    const rolled = [...after].filter(([name, g]) => g > (before.get(name) ?? 0)).map(([n]) => n);
    return { readyMs, totalMs: end - saved, steps, rolled };
  } finally {
    await watch.stop();
  }
}

/** `devenv promote` from the copy: when it reported success, and when each of its steps began. */
async function timedPromote(r: Rig) {
  const starts: { step: string; at: number }[] = [];
  const hang = new AbortController();
  let succeededAt: number | undefined;
  const outcome = await rig.promote(
    { ...r.target, bin: join(r.copy, 'devenv', 'bin', 'devenv.js') },
    NAMESPACE,
    [...r.values.flatMap((f) => ['--values', f]), '--timeout', '10m'],
    (chunk) => {
      process.stderr.write(chunk);
      for (const m of chunk.matchAll(/devenv promote: \[\d+\/\d+\] ([^\n]*)/g))
        starts.push({ step: stepName(m[1]!), at: performance.now() });
      if (succeededAt === undefined && /and its tests passed/.test(chunk)) {
        succeededAt = performance.now();
        setTimeout(() => hang.abort(), 15_000).unref();
      }
    },
    hang.signal,
  );
  if (hang.signal.aborted) {
    hungAfterSuccess++;
    say('devenv promote did not exit 15 s after its success line: ended');
  } else if (outcome.code !== 0) throw new Error(`devenv promote failed: ${outcome.tail}`);
  return { end: succeededAt ?? performance.now(), starts };
}

/** The baseline: promote's own helm upgrade, the images as they are, a new pod annotation. */
async function helmRound(r: Rig): Promise<{ readyMs: number; totalMs: number }> {
  const before = rig.appGenerations(await deployments(r, NAMESPACE));
  const request = {
    chart: join(r.copy, 'k8s', 'charts', 'time-cop'),
    valuesFiles: r.values,
    release: 'time-cop',
    namespace: NAMESPACE,
    timeout: '10m',
    appImages: [],
    images: [],
  };
  const args = [
    ...helmUpgradeArgs(request, r.target.context),
    ...rolloutArgs([{ service: 'worker-python', id: `bench-baseline-${Date.now()}` }]),
  ];
  const started = performance.now();
  const watch = watchRollout(r, before);
  try {
    const outcome = await runCommand(r.helm, args, {
      env: r.target.env,
      timeoutMs: 15 * 60_000,
      onOutput: (chunk) => process.stderr.write(chunk),
    });
    const end = performance.now();
    if (outcome.code !== 0) throw new Error(`helm upgrade failed: ${outcome.tail}`);
    return { readyMs: (await watch.rolledOut()) - started, totalMs: end - started };
  } finally {
    await watch.stop();
  }
}

interface TiltSession {
  port: string;
  child: ChildProcess;
  args: string[];
  env: NodeJS.ProcessEnv;
}

interface UiResource {
  metadata: { name: string };
  status: {
    updateStatus?: string;
    buildHistory?: { startTime?: string; finishTime?: string; error?: string }[];
  };
}

async function uiResources(r: Rig, tilt: TiltSession): Promise<UiResource[]> {
  const args = ['get', 'uiresource', '-o', 'json', '--port', tilt.port];
  const { stdout } = await run(r.tilt, args, { maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(stdout) as { items: UiResource[] }).items;
}

/** Until no resource is building or waiting to build (the edit also reaches other resources). */
async function tiltIdle(r: Rig, tilt: TiltSession): Promise<UiResource[]> {
  for (const deadline = Date.now() + 15 * 60_000; Date.now() < deadline; await sleep(1000)) {
    const items = await uiResources(r, tilt);
    if (items.every((i) => !['pending', 'in_progress'].includes(i.status.updateStatus ?? '')))
      return items;
  }
  throw new Error('Tilt did not become idle within 15 min');
}

async function startTilt(r: Rig): Promise<TiltSession> {
  const port = String(await freePort());
  const socket = r.target.containerdArgs[1];
  const env = {
    ...r.target.env,
    ...(socket === undefined ? {} : { DEVENV_CONTAINERD_ADDRESS: socket }),
  };
  const args = [
    ...['--context', r.target.context, '-f', 'Tiltfile', '--'],
    ...['--namespace', TILT_NAMESPACE, '--no-port-forwards'],
    ...r.values.flatMap((f) => ['--values', f]),
  ];
  const child = spawn(r.tilt, ['up', '--stream', '--port', port, ...args], {
    cwd: r.copy,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => process.stderr.write(c));
  child.stderr.on('data', (c: Buffer) => process.stderr.write(c));
  const session = { port, child, args, env };
  const wanted = ['temporal', 'postgres', 'dispatcher', 'worker-typescript', 'worker-python'];
  // Until Tilt's API answers and has loaded the Tiltfile, `tilt wait` fails at once: again.
  for (const deadline = Date.now() + 30 * 60_000; ; await sleep(2000)) {
    if (child.exitCode !== null) throw new Error(`tilt up exited with ${child.exitCode}`);
    const waited = await runCommand(
      r.tilt,
      ['wait', '--for=condition=Ready', ...wanted.map((w) => `uiresource/${w}`)].concat([
        ...['--timeout', '30m', '--port', port],
      ]),
      { env, timeoutMs: 31 * 60_000 },
    );
    if (waited.code === 0) return session;
    if (Date.now() > deadline) throw new Error(`tilt up did not become ready: ${waited.tail}`);
  }
}

async function pods(r: Rig) {
  const listed = await r.cluster.kubectl(['get', 'pods', '-n', TILT_NAMESPACE, '-o', 'json']);
  if (!listed.ok) throw new Error(listed.error);
  return rig.workloadPods(listed.value);
}

/** In the pod: the synced file carries the round's comment, and the worker answers /readyz. */
async function checkServing(r: Rig, pod: string, marker: string): Promise<string> {
  const script = [
    'import os, sys, urllib.request, urllib.error',
    "marked = sys.argv[1] in open('/tmp/live/workers/python/timecop_worker/activities.py').read()",
    "url = 'http://127.0.0.1:%s/readyz' % os.environ.get('HEALTH_PORT', '7090')",
    'try: status = urllib.request.urlopen(url, timeout=5).status',
    'except urllib.error.HTTPError as e: status = e.code',
    "print('synced', marked, 'readyz', status)",
  ].join('\n');
  const exec = ['exec', '-n', TILT_NAMESPACE, pod, '-c', APP, '--'];
  const checked = await r.cluster.kubectl([...exec, 'python', '-c', script, marker]);
  if (!checked.ok) throw new Error(checked.error);
  if (!checked.value.includes('synced True'))
    throw new Error(`the pod does not hold the edit: ${checked.value}`);
  return checked.value.trim();
}

interface TiltRound {
  readyMs: number;
  /** Tilt's own figure: its update of the worker, start → finish. */
  tiltMs: number;
  rebuilt: string[];
}

async function tiltRound(r: Rig, tilt: TiltSession): Promise<TiltRound> {
  const pod = (await pods(r)).find((p) => p.metadata.name.startsWith(`time-cop-${APP}-`));
  if (pod === undefined) throw new Error(`no ${APP} pod`);
  const name = pod.metadata.name;
  const logs = spawn(
    r.cluster.kubectlPath,
    [
      '--kubeconfig',
      r.cluster.kubeconfig,
      'logs',
      '-f',
      '--tail=0',
      '-n',
      TILT_NAMESPACE,
      name,
      '-c',
      APP,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  try {
    let text = '';
    const listening = new Promise<number>((resolve, reject) => {
      logs.stdout.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('worker polling')) resolve(performance.now());
      });
      logs.once('close', () => reject(new Error(`${name}'s log ended: replaced, not updated?`)));
    });
    listening.catch(() => undefined); // Awaited below; ending the stream early is no crash.
    await sleep(2000); // The log stream attaches.
    const wallStart = Date.now();
    const saved = edit(r);
    const listenedAt = await Promise.race([
      listening,
      sleep(300_000, undefined, { ref: false }).then(() => -1),
    ]);
    if (listenedAt < 0) throw new Error(`no new ${APP} process within 5 min of the save`);
    let readyAt = listenedAt;
    while (!(await pods(r)).some((p) => p.metadata.name === name && rig.isReady(p))) {
      await sleep(POLL_MS);
      readyAt = performance.now();
    }
    say(`${name}: ${await checkServing(r, name, `round ${round} `)}`);
    const items = await tiltIdle(r, tilt);
    const since = (i: UiResource) => Date.parse(i.status.buildHistory?.[0]?.startTime ?? '');
    const own = items.find((i) => i.metadata.name === APP)?.status.buildHistory?.[0];
    if (own?.error) throw new Error(`Tilt's update of ${APP} failed: ${own.error}`);
    return {
      readyMs: readyAt - saved,
      tiltMs: Date.parse(own?.finishTime ?? '') - Date.parse(own?.startTime ?? ''),
      rebuilt: items
        .filter((i) => i.metadata.name !== APP && since(i) >= wallStart)
        .map((i) => i.metadata.name),
    };
  } finally {
    logs.kill();
  }
}

const secs = (ms: readonly number[]) => (median(ms) / 1000).toFixed(1);
const each = (ms: readonly number[]) => ms.map((m) => (m / 1000).toFixed(1)).join(', ');

function report(
  promoted: PromoteRound[],
  helmed: { readyMs: number; totalMs: number }[],
  tilted: TiltRound[],
) {
  const ready = promoted.map((p) => p.readyMs);
  const base = helmed.map((h) => h.readyMs);
  const live = tilted.map((t) => t.readyMs);
  const stepNames = [...(promoted[0]?.steps.keys() ?? [])];
  const stepMedians = stepNames.map(
    (s) => `${s} ${secs(promoted.map((p) => (p.steps.get(s) ?? 0) * 1000))}`,
  );
  console.log(
    `devenv promote    edit → ${EDITED_DEPLOYMENT} rolled out: median ${secs(ready)} s (${each(ready)}); whole command with helm test ${secs(promoted.map((p) => p.totalMs))} s`,
  );
  console.log(`  its steps (median s): ${stepMedians.join(' · ')}`);
  console.log(`  rolled: ${promoted.map((p) => p.rolled.join(' + ') || 'nothing').join('; ')}`);
  console.log(
    `helm upgrade      annotation → rolled out: median ${secs(base)} s (${each(base)}); helm's exit ${secs(helmed.map((h) => h.totalMs))} s`,
  );
  if (tilted.length > 0) {
    console.log(
      `tilt live update  edit → new ${APP} process polling, pod Ready: median ${secs(live)} s (${each(live)}); Tilt's own update ${secs(tilted.map((t) => t.tiltMs))} s`,
    );
    console.log(
      `  the same edit also rebuilt: ${[...new Set(tilted.flatMap((t) => t.rebuilt))].join(', ') || 'nothing else'}`,
    );
  } else console.log('tilt live update  not run (PROMOTE_BENCH_TILT=off)');
  console.log(`ratio devenv promote ÷ helm upgrade = ${(median(ready) / median(base)).toFixed(2)}`);
  if (tilted.length > 0)
    console.log(
      `ratio tilt live update ÷ helm upgrade = ${(median(live) / median(base)).toFixed(3)}`,
    );
  console.log(`(medians of ${rounds} rounds)`);
  if (hungAfterSuccess > 0)
    console.log(
      `devenv promote stayed alive after its success line in ${hungAfterSuccess} of ${rounds + 1} runs (ended after 15 s; timed to the line)`,
    );
}

let engine: EngineLease | undefined;
let cluster: TestCluster | undefined;
let bench: Rig | undefined;
let tilt: TiltSession | undefined;
const scratch = await mkdtemp(join(tmpdir(), 'bench-promote-'));

async function cleanup(): Promise<void> {
  if (bench !== undefined) writeFileSync(join(bench.copy, EDITED), bench.original);
  if (tilt !== undefined && bench !== undefined) {
    tilt.child.kill('SIGINT');
    const downed = await runCommand(bench.tilt, ['down', ...tilt.args], {
      cwd: bench.copy,
      env: tilt.env,
      timeoutMs: 5 * 60_000,
    });
    if (downed.code !== 0) say(`tilt down failed: ${downed.tail}`);
    const refs = join(bench.copy, '.devenv', 'tilt', TILT_NAMESPACE);
    for (const file of (await readdir(refs).catch(() => [])).filter((f) => f.endsWith('.ref')))
      await runCommand('docker', [
        'image',
        'rm',
        (await readFile(join(refs, file), 'utf8')).trim(),
      ]);
  }
  if (cluster !== undefined) {
    for (const namespace of [NAMESPACE, TILT_NAMESPACE])
      await cluster.kubectl([
        'delete',
        'namespace',
        namespace,
        '--ignore-not-found',
        '--wait=true',
        '--timeout=180s',
      ]);
    await cluster.release();
    const stopped = await stopTestClusterWhenUnused(say);
    say(
      stopped === 'in-use'
        ? 'left the test cluster to its other users'
        : 'stopped the test cluster',
    );
  }
  await engine?.release();
  await rm(scratch, { recursive: true, force: true });
}

process.once('SIGINT', () => {
  say('interrupted: cleaning up');
  void cleanup().finally(() => process.exit(130));
});

try {
  const toolchain = createToolchain({
    projectRoot: PROJECT_ROOT,
    versions: await loadProjectVersions(),
  });
  const tools = await Promise.all(
    ['dockerd', 'helm', 'tilt'].map((id) => toolchain.ensure(id as 'helm')),
  );
  const [dockerd, helm, tiltBin] = tools.map((t) => (t.ok ? t.value.path : undefined));
  if (helm === undefined || tiltBin === undefined)
    throw new Error('helm or tilt is missing: npx devenv doctor --fix --all');
  engine = await leaseDockerEngine(dockerd);
  if (engine.status.kind === 'unavailable')
    throw new Error(`no Docker Engine: ${engine.status.why}`);
  cluster = await leaseTestCluster(say);
  const target = await rig.promoteTarget(cluster);
  await rig.buildOfflineImages();
  const copy = await rig.checkoutCopy(join(scratch, 'checkout'));
  const original = await readFile(join(copy, EDITED), 'utf8');
  bench = { cluster, target, copy, original, values: valuesOf(copy), helm, tilt: tiltBin };
  say('installing the release with devenv promote (not counted)');
  const install = await promoteRound(bench);
  say(`installed in ${(install.totalMs / 1000).toFixed(0)} s`);
  const promoted: PromoteRound[] = [];
  const helmed: { readyMs: number; totalMs: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    promoted.push(await promoteRound(bench));
    say(`promote round ${i + 1}: ${(promoted[i]!.readyMs / 1000).toFixed(1)} s`);
    helmed.push(await helmRound(bench));
    say(`helm round ${i + 1}: ${(helmed[i]!.readyMs / 1000).toFixed(1)} s`);
  }
  // One release at a time on 2 cores: the promote namespace goes before Tilt's comes.
  await cluster.kubectl(['delete', 'namespace', NAMESPACE, '--wait=true', '--timeout=180s']);
  const tilted: TiltRound[] = [];
  if (withTilt) {
    say('tilt up (not counted)');
    const session = await startTilt(bench);
    tilt = session;
    await tiltIdle(bench, session);
    for (let i = 0; i < rounds; i++) {
      tilted.push(await tiltRound(bench, session));
      say(`tilt round ${i + 1}: ${(tilted[i]!.readyMs / 1000).toFixed(1)} s`);
    }
  }
  report(promoted, helmed, tilted);
} finally {
  await cleanup();
}
