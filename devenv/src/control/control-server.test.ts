import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  readFileSync,
  mkdirSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
  chmodSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeService, testStack, type TestService } from '../../test/stack-builder.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { dependantsRestartedWith } from '../engine/restart-policy.js';
import { createSupervisor, type Supervisor } from '../engine/supervisor.js';
import { runProbe } from '../health/probe.js';
import { freePort } from '../process/free-port.js';
import { nativeRuntime } from '../runtime/native.js';
import { groupExists } from '../runtime/process-group.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import { createControlActions } from './control-actions.js';
import { getState, listServices, requestAction } from './control-client.js';
import { privateDirectory, startControlServer, type ControlServer } from './control-server.js';
import { controlSocketPath } from './socket-path.js';
import { initialEngineState } from '../engine/service-state.js';

const makeTempDir = useTempDirs('devenv-control-');
const noTools: Toolchain = {
  find: () => Promise.reject(new Error('no tools in this test')),
  ensure: () => Promise.reject(new Error('no tools in this test')),
};
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const forever = nodeService('setInterval(() => {}, 1000)');

/** A real supervisor running real processes, served on a real socket in a fresh state directory. */
async function servedStack(services: Readonly<Record<string, TestService>>) {
  const dir = await makeTempDir();
  const groups = new Map<string, number>();
  const stack = testStack(dir, services);
  const supervisor = createSupervisor({
    stack,
    runtimes: { native: nativeRuntime(noTools) },
    runtimeFor: () => 'native',
    prober: runProbe,
    log: { write: () => {}, append: () => {} },
    leftovers: {
      record: (service, leftover) =>
        leftover.kind === 'process-group' && groups.set(service, leftover.pgid),
      forget: () => {},
    },
  });
  cleanups.push(() => supervisor.shutdown());
  supervisor.begin();
  let settledCalls = 0;
  const path = controlSocketPath(join(dir, '.devenv'));
  mkdirSync(join(dir, '.devenv'));
  const served = await startControlServer({
    path,
    actions: createControlActions({
      projectName: 'test',
      store: supervisor.store,
      restart: (name) => supervisor.restart(name),
      stop: (name) => supervisor.stop(name),
      start: (name) => supervisor.start(name),
      settled: () => void settledCalls++,
      restartsAlong: (name) => dependantsRestartedWith(stack, name),
    }),
  });
  if (!served.ok) throw new Error(`not served: ${JSON.stringify(served.error)}`);
  cleanups.push(() => served.value.close());
  await until(supervisor, (s) => Object.values(s).every((x) => x.phase !== 'pending'));
  return { dir, path, supervisor, groups, server: served.value, settled: () => settledCalls };
}

function until(
  supervisor: Supervisor,
  predicate: (services: ReturnType<Supervisor['store']['getState']>['services']) => boolean,
): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!predicate(supervisor.store.getState().services)) return;
      unsubscribe();
      resolve();
    };
    const unsubscribe = supervisor.store.subscribe(check);
    check();
  });
}

/** A raw HTTP exchange over the socket, as curl --unix-socket makes it. */
function http(
  socketPath: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; allow: string | undefined; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          allow: res.headers.allow,
          json: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('control server', () => {
  it('listens on a socket only its user may use, and removes it on close', async () => {
    const { path, server } = await servedStack({ api: { command: forever } });
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const listed = await listServices(path);
    expect(listed).toEqual({
      ok: true,
      value: {
        project: 'test',
        services: [
          { name: 'api', phase: 'healthy', pid: expect.any(Number), restarts: 0, paused: false },
        ],
      },
    });
    await server.close();
    expect(existsSync(path)).toBe(false);
    expect(await listServices(path)).toMatchObject({ ok: false, error: { reason: 'unreachable' } });
  });

  it('restarts a service: a new process, one more restart, the old process group gone', async () => {
    const { path, supervisor, groups, settled } = await servedStack({ api: { command: forever } });
    const oldPid = supervisor.store.getState().services['api']!.pid!;
    const oldGroup = groups.get('api')!;
    const answer = await requestAction(
      path,
      { action: 'restart', services: ['api'], wait: true, timeoutMs: 20_000 },
      30_000,
    );
    expect(answer.ok && answer.value.results['api']).toMatchObject({
      ok: true,
      phase: 'healthy',
      restarts: 1,
    });
    const now = supervisor.store.getState().services['api']!;
    expect(now.pid).not.toBe(oldPid);
    expect(answer.ok && answer.value.results['api']?.pid).toBe(now.pid);
    // GET /state (what `devenv ps` shows) has the new process at once: no state file lags here.
    const state = await getState(path);
    expect(state.ok && state.value.state.services['api']).toMatchObject({
      pid: now.pid,
      restarts: 1,
      phase: 'healthy',
    });
    expect(state.ok && state.value.project).toBe('test');
    expect(groupExists(oldGroup)).toBe(false);
    expect(settled()).toBe(1);
  });

  it('answers per service in start order, dependencies first', async () => {
    const { path } = await servedStack({
      api: { command: forever, dependsOn: { db: 'service_started' } },
      db: { command: forever },
    });
    const answer = await requestAction(
      path,
      { action: 'restart', services: ['api', 'db'], wait: true, timeoutMs: 20_000 },
      30_000,
    );
    expect(answer.ok && Object.keys(answer.value.results)).toEqual(['db', 'api']);
    expect(answer.ok && Object.values(answer.value.results).map((r) => r.restarts)).toEqual([1, 1]);
  });

  it('restarts several at once dependants first, with what restarts along with them', async () => {
    const dir = await makeTempDir();
    const stops = join(dir, 'stops');
    const ups = join(dir, 'ups');
    // Each records its stop (all of them exit at once on SIGTERM), and says when it listens for it.
    const recording = (name: string) =>
      nodeService(
        `const fs = require('fs'); process.on('SIGTERM', () => { fs.appendFileSync(${JSON.stringify(stops)}, '${name}\\n'); process.exit(0); }); fs.appendFileSync(${JSON.stringify(ups)}, '${name}\\n'); setInterval(() => {}, 1000)`,
      );
    const { path, supervisor } = await servedStack({
      db: { command: recording('db') },
      api: { command: recording('api'), dependsOn: { db: 'service_healthy' } },
      // Not named in the request: it restarts because db does (depends_on: restart: true).
      cache: {
        command: recording('cache'),
        dependsOn: { db: 'service_started' },
        restartWith: ['db'],
      },
    });
    while (readFileSync(ups, { encoding: 'utf8', flag: 'a+' }).trim().split('\n').length < 3)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const answer = await requestAction(
      path,
      { action: 'restart', services: ['api', 'db'], wait: true, timeoutMs: 20_000 },
      30_000,
    );
    expect(answer.ok && Object.keys(answer.value.results)).toEqual(['db', 'api']);
    const stopOrder = readFileSync(stops, 'utf8').trim().split('\n');
    expect(stopOrder.sort()).toEqual(['api', 'cache', 'db']);
    expect(readFileSync(stops, 'utf8').trim().split('\n').at(-1)).toBe('db');
    await until(supervisor, (s) => s['cache']?.phase === 'healthy');
    expect(
      Object.values(supervisor.store.getState().services).map((s) => [s.name, s.restarts]),
    ).toEqual([
      ['db', 1],
      ['api', 1],
      ['cache', 1],
    ]);
  });

  it('stops a service until it is started again', async () => {
    const { path, supervisor, groups } = await servedStack({
      api: { command: forever, restart: 'always' },
    });
    const stopped = await requestAction(
      path,
      { action: 'stop', services: ['api'], wait: true, timeoutMs: 20_000 },
      30_000,
    );
    expect(stopped.ok && stopped.value.results['api']).toMatchObject({
      ok: true,
      phase: 'stopped',
      pid: null,
    });
    // The answer comes once the process is gone, and its restart policy does not bring it back.
    expect(groupExists(groups.get('api')!)).toBe(false);
    expect(supervisor.store.getState().services['api']).toMatchObject({
      phase: 'stopped',
      userStopped: true,
    });
    const started = await requestAction(
      path,
      { action: 'start', services: ['api'], wait: true, timeoutMs: 20_000 },
      30_000,
    );
    expect(started.ok && started.value.results['api']).toMatchObject({
      ok: true,
      phase: 'healthy',
    });
    expect(supervisor.store.getState().services['api']?.userStopped).toBe(false);
  });

  it('reports a service that crashes instead of getting ready', async () => {
    const port = await freePort();
    const { path } = await servedStack({
      api: {
        command: nodeService('setTimeout(() => process.exit(3), 300)'),
        probe: { kind: 'tcp', host: '127.0.0.1', port },
      },
    });
    const answer = await requestAction(
      path,
      { action: 'restart', services: ['api'], wait: true, timeoutMs: 20_000 },
      30_000,
    );
    expect(answer.ok && answer.value.results['api']).toMatchObject({
      ok: false,
      reason: 'crashed',
      message: 'crashed: exited with code 3',
    });
  });

  it('gives up on a service that is not ready within the timeout', async () => {
    const port = await freePort();
    const { path } = await servedStack({
      api: { command: forever, probe: { kind: 'tcp', host: '127.0.0.1', port } },
    });
    const answer = await requestAction(
      path,
      { action: 'restart', services: ['api'], wait: true, timeoutMs: 1_500 },
      30_000,
    );
    expect(answer.ok && answer.value.results['api']).toMatchObject({
      ok: false,
      reason: 'timeout',
      phase: 'starting',
    });
    expect(answer.ok && answer.value.results['api']?.message).toMatch(
      /^not ready after 1\.5 s: still starting \(.+\)$/,
    );
  });

  it('refuses malformed requests with what is wrong', async () => {
    const { path } = await servedStack({ api: { command: forever } });
    expect(await http(path, 'POST', '/services/restart', '{"services":"api"}')).toMatchObject({
      status: 400,
      json: { error: '"services" must be an array of service names' },
    });
    expect(await http(path, 'GET', '/services/restart')).toMatchObject({
      status: 405,
      allow: 'POST',
    });
    expect(
      await http(path, 'POST', '/services/restart', `{"services":["${'a'.repeat(70_000)}"]}`),
    ).toMatchObject({ status: 413 });
    expect(await http(path, 'POST', '/services/stop', '{"services":["api","web"]}')).toEqual({
      status: 404,
      allow: undefined,
      json: {
        error: 'no service named "web" in the running stack; services: api',
        unknown: ['web'],
        services: ['api'],
      },
    });
  });

  it('refuses changes once the stack is stopping', async () => {
    const { path, supervisor } = await servedStack({ api: { command: forever } });
    const stopping = supervisor.shutdown();
    expect(await http(path, 'POST', '/services/start', '{"services":["api"]}')).toMatchObject({
      status: 503,
      json: { error: 'devenv is stopping the stack' },
    });
    await stopping;
  });
});

describe('control socket file', () => {
  const actions = createControlActions({
    projectName: 'idle',
    store: {
      getState: () => initialEngineState([]),
      subscribe: () => () => {},
    },
    restart: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    start: () => {},
  });
  const serve = async (path: string) => {
    const served = await startControlServer({ path, actions });
    if (served.ok) cleanups.push(() => served.value.close());
    return served;
  };

  it('replaces the socket a killed devenv left', async () => {
    const path = join(await makeTempDir(), 'control.sock');
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(lstatSync(path).isSocket()).toBe(true);
    const served = await serve(path);
    expect(served.ok).toBe(true);
    expect((await listServices(path)).ok).toBe(true);
  });

  it('leaves a live socket, and anything that is not a socket, alone', async () => {
    const dir = await makeTempDir();
    const live = join(dir, 'live.sock');
    const other = createServer().listen(live);
    cleanups.push(() => void other.close());
    await new Promise((resolve) => other.once('listening', resolve));
    expect(await serve(live)).toEqual({ ok: false, error: { reason: 'in-use', path: live } });

    const file = join(dir, 'control.sock');
    writeFileSync(file, 'notes');
    expect(await serve(file)).toEqual({ ok: false, error: { reason: 'not-a-socket', path: file } });
    expect(statSync(file).isFile()).toBe(true);
  });

  it('moves a path too deep for a socket into a private directory', async () => {
    const deep = join(await makeTempDir(), 'x'.repeat(90), '.devenv');
    const path = controlSocketPath(deep);
    expect(path.startsWith(deep)).toBe(false);
    const served = await serve(path);
    expect(served.ok).toBe(true);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect((await listServices(path)).ok).toBe(true);
    await (served as { value: ControlServer }).value.close();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a fallback directory that others could enter or that belongs to someone else', async () => {
    const dir = join(await makeTempDir(), 'sockets');
    const uid = process.getuid!();
    expect(privateDirectory(dir, uid)).toEqual({ ok: true, value: undefined });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o755);
    expect(privateDirectory(dir, uid)).toEqual({
      ok: false,
      error: 'is open to other users (mode 755); chmod 700 it',
    });
    chmodSync(dir, 0o700);
    expect(privateDirectory(dir, uid + 1)).toEqual({
      ok: false,
      error: `belongs to uid ${uid}, not ${uid + 1}`,
    });
    rmSync(dir, { recursive: true });
    writeFileSync(dir, '');
    expect(privateDirectory(dir, uid)).toEqual({ ok: false, error: 'is not a directory' });
  });
});
