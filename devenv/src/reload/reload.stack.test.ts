/**
 * Hot reload on the real stack: `devenv up` on a copy of this project (real Postgres, Temporal,
 * both workers, the dispatcher; real watcher, buf, protoc).
 * - An activity edit is swapped into the running TypeScript worker (no restart, same process),
 *   and the next workflow runs the new code; an edit that does not load is refused, and the old
 *   code keeps serving.
 * - A workflow edit: a non-deterministic one is refused by the determinism guard and the old code
 *   completes the open workflow (the Worker the guard had the worker prepare with it is discarded
 *   without polling); a compatible one is swapped in (the Worker prepared while the guard
 *   replayed), and an execution that was open before the swap finishes on the new code.
 * - A field added to a .proto: the reload must lint, check it against the last commit,
 *   regenerate the TypeScript and Python code, restart both workers and the dispatcher (and
 *   nothing else), and the restarted dispatcher must accept and document the new field. A
 *   breaking edit afterwards must be refused with nothing restarted.
 *
 * A copy, not the working tree: the test edits sources, and other tests read them.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenvPs } from '../../test/devenv-process.js';
import { waitUntil } from '../../test/wait-until.js';
import { copyProject, devenvIn } from '../../test/project-copy.js';
import { startProjectStack } from '../../test/stack-lock.js';
import { bearerHeader, sessionTokenFrom } from '../session/session-secret.js';

const DISPATCHER = 'http://127.0.0.1:7070';
const DEMO_PROTO = join('protos', 'timecop', 'workflows', 'v1', 'demo.proto');
const SAY_HELLO = join('workers', 'typescript', 'src', 'activities', 'say-hello.ts');
const LONG_TIMER = join('workers', 'typescript', 'src', 'workflows', 'long-timer.ts');
const APP_SERVICES = ['worker-typescript', 'worker-python', 'dispatcher'];

const ps = (dir: string) => devenvPs(dir, [], devenvIn(dir));

/** Polls every 250 ms; a failure shows `describe()` (devenv's output, ps). */
const until = <T>(
  what: string,
  timeoutMs: number,
  read: () => Promise<T | undefined>,
  describe: () => string = () => '',
) => waitUntil(what, timeoutMs, read, { intervalMs: 250, describe });

/** The running devenv's session token, which the dispatcher's POST routes require. */
const auth = () => bearerHeader(sessionTokenFrom({}, join(dir, '.devenv')));

/** WorkflowDemoTypeScript through the dispatcher: the TypeScript greeting activity's answer. */
async function typeScriptGreeting(name: string): Promise<string> {
  const started = await fetch(`${DISPATCHER}/typescript/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth() },
    body: JSON.stringify({ name }),
    signal: AbortSignal.timeout(5000),
  });
  expect(started.status, await started.clone().text()).toBeLessThan(300);
  const { workflow_id: id } = (await started.json()) as { workflow_id: string };
  const result = await fetch(`${DISPATCHER}/workflows/${id}/result?wait=20`, {
    signal: AbortSignal.timeout(30_000),
  });
  return result.text();
}

async function post(path: string, body: unknown = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${DISPATCHER}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth() },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text() };
}

/** A LongTimerWorkflow of an hour, once its first workflow task ran (its timer is in the history). */
async function openReminder(label: string): Promise<string> {
  const started = await post('/typescript/reminders', { duration: '3600s', label });
  expect(started.status, started.text).toBeLessThan(300);
  const { workflow_id: id } = JSON.parse(started.text) as { workflow_id: string };
  await until('the reminder waiting', 30_000, async () => {
    const status = await fetch(`${DISPATCHER}/typescript/reminders/${id}/status`);
    return status.status === 200 ? true : undefined;
  });
  return id;
}

/** Fires the reminder now and returns its result's label. */
async function fireNow(id: string): Promise<string> {
  const fired = await post(`/typescript/reminders/${id}/fire-now`);
  expect(fired.status, fired.text).toBeLessThan(300);
  const result = await fetch(`${DISPATCHER}/workflows/${id}/result?wait=20`, {
    signal: AbortSignal.timeout(30_000),
  });
  return ((await result.json()) as { result?: { label?: string } }).result?.label ?? '';
}

/** The generations the TypeScript worker's /readyz reports. */
async function generations(): Promise<{ workflows: number; activities: number }> {
  const body = (await (await fetch('http://127.0.0.1:7081/readyz')).json()) as Record<
    string,
    { generation: number }
  >;
  return { workflows: body['workflows']!.generation, activities: body['activities']!.generation };
}

function startDemo(body: unknown): Promise<{ status: number; text: string }> {
  return fetch(`${DISPATCHER}/typescript/demo-mixed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth() },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
}

let dir: string;
let stack: Awaited<ReturnType<typeof startProjectStack>> | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devenv-reload-'));
  await copyProject(dir);
  stack = await startProjectStack(['up'], { cwd: dir, bin: devenvIn(dir) });
  await until(
    'the stack ready',
    240_000,
    async () => {
      const s = ps(dir);
      return APP_SERVICES.every((n) => s[n]?.phase === 'healthy') ? s : undefined;
    },
    () => `ps: ${JSON.stringify(ps(dir))}\ndevenv printed:\n${stack?.devenv.output().slice(-4000)}`,
  );
}, 900_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 90_000);

/** Waits for a line that devenv prints after `since` (an offset in its output). */
const printedSince = (since: number, pattern: RegExp) =>
  until(
    `a line matching ${pattern}`,
    30_000,
    async () => (pattern.test(stack!.devenv.output().slice(since)) ? true : undefined),
    () => devenvLines(),
  );

/** devenv's own lines and the worker's reload lines, for a failure message. */
const devenvLines = () =>
  stack!.devenv
    .output()
    .split('\n')
    .filter(
      (l) =>
        !/^(worker|dispatcher|temporal|postgres)/.test(l) ||
        /^worker-typescript.*(prepar|reload|bundle|discard)/.test(l),
    )
    .slice(-60)
    .join('\n');

describe('an activity edit on the running stack', () => {
  it('is swapped into the running worker: no restart, same process, the new code answers', async () => {
    const before = ps(dir);
    expect(await typeScriptGreeting('ada')).toContain('Hello from a TypeScript Worker, ada!');
    const file = join(dir, SAY_HELLO);
    const original = await readFile(file, 'utf8');
    const since = stack!.devenv.output().length;
    await writeFile(file, original.replace('Hello from a TypeScript Worker', 'Hot hello'));
    await printedSince(since, /worker-typescript reloaded in place/);
    expect(await typeScriptGreeting('ada')).toContain('Hot hello, ada!');
    const after = ps(dir);
    expect(after['worker-typescript']?.restarts, devenvLines()).toBe(
      before['worker-typescript']?.restarts,
    );
    expect(after['worker-typescript']?.pid).toBe(before['worker-typescript']?.pid);
    for (const name of ['worker-python', 'dispatcher'])
      expect(after[name]?.restarts).toBe(before[name]?.restarts);
  }, 120_000);

  it('refuses an edit that does not load; the running code keeps serving', async () => {
    const before = ps(dir);
    const file = join(dir, SAY_HELLO);
    const working = await readFile(file, 'utf8');
    let since = stack!.devenv.output().length;
    await writeFile(file, working.replace('Hot hello', 'Broken hello`'));
    await printedSince(since, /worker-typescript kept its running code/);
    expect(await typeScriptGreeting('bob')).toContain('Hot hello, bob!');
    since = stack!.devenv.output().length;
    await writeFile(file, working.replace('Hot hello', 'Mended hello'));
    await printedSince(since, /worker-typescript reloaded in place/);
    expect(await typeScriptGreeting('bob')).toContain('Mended hello, bob!');
    expect(ps(dir)['worker-typescript']?.restarts).toBe(before['worker-typescript']?.restarts);
  }, 120_000);
});

describe('a workflow edit on the running stack', () => {
  it('refuses a non-deterministic edit; the running code completes the open workflow', async () => {
    const before = ps(dir);
    const generation = (await generations()).workflows;
    const id = await openReminder('kept');
    const file = join(dir, LONG_TIMER);
    const original = await readFile(file, 'utf8');
    // No timer any more where the open workflow's history has one.
    const edited = original.replace(
      'await condition(() => changes !== seen, remaining);',
      'await condition(() => changes !== seen);',
    );
    expect(edited).not.toBe(original);
    const since = stack!.devenv.output().length;
    await writeFile(file, edited);
    await printedSince(since, /reload of worker-typescript blocked/);
    // The guard had the worker prepare a Worker with the refused code; it went without polling.
    await printedSince(since, /prepared workflow worker discarded; it never polled/);
    expect(await fireNow(id)).toBe('kept');
    expect((await generations()).workflows).toBe(generation);
    const sinceRestore = stack!.devenv.output().length;
    await writeFile(file, original);
    // Its Worker prepared while the guard replayed, as if no change had been refused before.
    await printedSince(
      sinceRestore,
      /worker-typescript reloaded in place \(reloaded workflows \(generation \d+, prepared during the guard\)/,
    );
    expect(ps(dir)['worker-typescript']?.restarts).toBe(before['worker-typescript']?.restarts);
  }, 120_000);

  it('swaps in a compatible edit: an execution open before it finishes on the new code', async () => {
    const before = ps(dir);
    const generation = (await generations()).workflows;
    const id = await openReminder('open');
    const file = join(dir, LONG_TIMER);
    const original = await readFile(file, 'utf8');
    const edited = original.replace(
      'label: request.label,\n    firedAt',
      'label: `${request.label} (new code)`,\n    firedAt',
    );
    expect(edited).not.toBe(original);
    const since = stack!.devenv.output().length;
    await writeFile(file, edited);
    // The Worker was prepared while the guard replayed, though a refused edit came before.
    await printedSince(
      since,
      new RegExp(
        `worker-typescript reloaded in place \\(reloaded workflows \\(generation ${generation + 1}, prepared during the guard\\)`,
      ),
    );
    expect((await generations()).workflows).toBe(generation + 1);
    expect(await fireNow(id)).toBe('open (new code)');
    const after = ps(dir);
    expect(after['worker-typescript']?.restarts).toBe(before['worker-typescript']?.restarts);
    expect(after['worker-typescript']?.pid).toBe(before['worker-typescript']?.pid);
  }, 120_000);
});

describe('a .proto edit on the running stack', () => {
  it('regenerates, restarts both workers and the dispatcher only, and the new field is served', async () => {
    const before = ps(dir);
    const rejected = await startDemo({ name: 'ada', nickname: 'countess' });
    expect(rejected.status).toBe(400);
    expect(rejected.text).toContain('nickname');

    const proto = join(dir, DEMO_PROTO);
    const original = await readFile(proto, 'utf8');
    const withField = original.replace(
      /(message WorkflowDemoMixedRequest \{[^}]*string name = 1;)/,
      '$1\n  // What to call them in the greeting; optional.\n  string nickname = 2;',
    );
    expect(withField).not.toBe(original);
    await writeFile(proto, withField);

    const after = await until(
      'the three app services restarted and healthy',
      180_000,
      async () => {
        const s = ps(dir);
        return APP_SERVICES.every(
          (n) => s[n]!.restarts === before[n]!.restarts + 1 && s[n]!.phase === 'healthy',
        )
          ? s
          : undefined;
      },
      () => `devenv printed:\n${devenvLines()}\nps: ${JSON.stringify(ps(dir))}`,
    );
    for (const name of ['postgres', 'temporal'])
      expect(after[name]?.restarts, `${name} must not restart`).toBe(before[name]?.restarts);

    const ts = await readFile(join(dir, 'protos/gen/ts/timecop/workflows/v1/demo_pb.ts'), 'utf8');
    expect(ts).toMatch(/nickname: string/);
    const py = await readFile(
      join(dir, 'protos/gen/python/timecop/workflows/v1/demo_pb2.pyi'),
      'utf8',
    );
    expect(py).toContain('nickname');

    const accepted = await startDemo({ name: 'ada', nickname: 'countess' });
    expect(accepted.status, accepted.text).toBeLessThan(300);
    const openapi = await fetch(`${DISPATCHER}/openapi.json`).then((r) => r.text());
    expect(openapi).toContain('"nickname"');
  }, 240_000);

  it('refuses a breaking edit: nothing regenerated, nothing restarted, the reason printed', async () => {
    const before = ps(dir);
    const proto = join(dir, DEMO_PROTO);
    const text = await readFile(proto, 'utf8');
    const generated = await readFile(
      join(dir, 'protos/gen/ts/timecop/workflows/v1/demo_pb.ts'),
      'utf8',
    );
    // Field 1 changes type: old clients' payloads would no longer decode.
    await writeFile(
      proto,
      text.replace(
        /(message WorkflowDemoMixedRequest \{[^}]*?)string name = 1;/,
        '$1int64 name = 1;',
      ),
    );
    await stack!.devenv.waitFor(/reload blocked \(proto-breaking\)/, 60_000);
    await sleep(2000);
    const after = ps(dir);
    for (const name of APP_SERVICES) expect(after[name]?.restarts).toBe(before[name]?.restarts);
    expect(await readFile(join(dir, 'protos/gen/ts/timecop/workflows/v1/demo_pb.ts'), 'utf8')).toBe(
      generated,
    );
  }, 120_000);
});
