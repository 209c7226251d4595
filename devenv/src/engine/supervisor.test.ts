import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProbe } from '../health/probe.js';
import { freePort } from '../process/free-port.js';
import { runCommand } from '../process/run-command.js';
import { nativeRuntime } from '../runtime/native.js';
import { groupExists } from '../runtime/process-group.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import { nodeService, testStack } from '../../test/stack-builder.js';
import { useTempDirs } from '../../test/temp-dir.js';
import type { Stack } from '../model/stack.js';
import type { EngineState } from './service-state.js';
import { createSupervisor, type Supervisor } from './supervisor.js';

const makeTempDir = useTempDirs();
const noTools: Toolchain = {
  find: () => Promise.reject(new Error('no tools in this test')),
  ensure: () => Promise.reject(new Error('no tools in this test')),
};
const running: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.shutdown()));
});

function supervise(stack: Stack, toolchain: Toolchain = noTools, abort?: AbortController) {
  const lines: string[] = [];
  const recorded = new Map<string, number>();
  const supervisor = createSupervisor({
    stack,
    ...(abort ? { abort } : {}),
    runtimes: { native: nativeRuntime(toolchain) },
    runtimeFor: () => 'native',
    prober: runProbe,
    log: {
      write: (service, _stream, chunk) => lines.push(`${service}| ${chunk.toString().trim()}`),
      append: (service, _stream, text) => lines.push(`${service}: ${text}`),
    },
    leftovers: {
      record: (service, leftover) =>
        leftover.kind === 'process-group' && recorded.set(service, leftover.pgid),
      forget: (service) => recorded.delete(service),
    },
  });
  running.push(supervisor);
  supervisor.begin();
  return { supervisor, lines, recorded };
}

function until(
  supervisor: Supervisor,
  predicate: (s: EngineState) => boolean,
  timeoutMs = 15_000,
): Promise<EngineState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `timed out; state: ${JSON.stringify(supervisor.store.getState().services, null, 1)}`,
        ),
      );
    }, timeoutMs);
    const check = (s: EngineState) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
    };
    const unsubscribe = supervisor.store.subscribe(check);
    check(supervisor.store.getState());
  });
}

/** A service that listens on a free port after `delayMs`, writing "<name> <start ms>" to a file. */
function listenerScript(name: string, file: string, portFile: string, delayMs: number): string {
  return `
    require('fs').appendFileSync(${JSON.stringify(file)}, ${JSON.stringify(name)} + ' ' + Date.now() + '\\n');
    setTimeout(() => {
      const s = require('net').createServer(c => c.end()).listen(0, '127.0.0.1', () => {
        require('fs').writeFileSync(${JSON.stringify(portFile)}, String(s.address().port));
      });
    }, ${delayMs});
    process.on('SIGTERM', () => process.exit(0));`;
}

describe('supervisor with real processes', () => {
  it('starts services in dependency order, each only once its dependency is healthy', async () => {
    const dir = await makeTempDir();
    const starts = join(dir, 'starts.log');
    const port = (n: string) => join(dir, `${n}.port`);
    // Each probe reads the port its service wrote: ready only after the service's delay.
    const probeFor = (n: string) => ({
      kind: 'exec' as const,
      command: nodeService(
        `const fs = require('fs'); if (!fs.existsSync(${JSON.stringify(port(n))})) process.exit(1);
         require('net').connect(+fs.readFileSync(${JSON.stringify(port(n))}, 'utf8'), '127.0.0.1')
           .on('connect', () => process.exit(0)).on('error', () => process.exit(1));`,
      ),
    });
    const stack = testStack(dir, {
      db: {
        command: nodeService(listenerScript('db', starts, port('db'), 400)),
        probe: probeFor('db'),
      },
      api: {
        command: nodeService(listenerScript('api', starts, port('api'), 200)),
        probe: probeFor('api'),
        dependsOn: { db: 'service_healthy' },
      },
      web: {
        command: nodeService(listenerScript('web', starts, port('web'), 0)),
        dependsOn: { api: 'service_healthy' },
      },
      side: { command: nodeService(listenerScript('side', starts, port('side'), 0)) },
    });
    const { supervisor } = supervise(stack);
    const state = await until(supervisor, (s) =>
      Object.values(s.services).every((x) => x.phase === 'healthy'),
    );
    // Services without a probe count as ready at spawn; give the last one a moment to write its line.
    let lines: string[] = [];
    for (let i = 0; i < 100 && lines.length < 4; i++) {
      lines = (await readFile(starts, 'utf8')).trim().split('\n');
      await new Promise((r) => setTimeout(r, 20));
    }
    const startedAt = Object.fromEntries(
      lines.map((l) => l.split(' ')).map(([n, t]) => [n, Number(t)]),
    );
    const readyAt = (n: string) => state.services[n]!.readyAt!;
    expect(startedAt['api']!).toBeGreaterThanOrEqual(readyAt('db') - 5);
    expect(startedAt['web']!).toBeGreaterThanOrEqual(readyAt('api') - 5);
    // Independent services do not wait for the chain.
    expect(startedAt['side']!).toBeLessThan(readyAt('db'));
  });

  it('sees a slow starter ready within a quarter second of it being ready, even after seconds', async () => {
    const dir = await makeTempDir();
    const ready = join(dir, 'ready');
    const checks = join(dir, 'checks');
    const stack = testStack(dir, {
      slow: {
        command: nodeService(
          `setTimeout(() => require('fs').writeFileSync(${JSON.stringify(ready)}, String(Date.now())), 6000);
           process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`,
        ),
        probe: { kind: 'exec', command: ['sh', '-c', `echo >> ${checks}; test -f ${ready}`] },
        probePeriodMs: 5_000,
        startTimeoutMs: 30_000,
      },
    });
    const { supervisor } = supervise(stack);
    const state = await until(supervisor, (s) => s.services['slow']?.phase === 'healthy', 20_000);
    const readyAt = Number(await readFile(ready, 'utf8'));
    expect(state.services['slow']!.readyAt! - readyAt).toBeLessThan(600);
    // Growing ×1.2 from 50 ms without a cap: ~17 checks in 6 s, ~1 s apart by the end.
    const count = (await readFile(checks, 'utf8')).split('\n').length - 1;
    expect(count).toBeGreaterThanOrEqual(26);
  }, 30_000);

  it('backs off a crash-looping service while the others stay healthy', async () => {
    const dir = await makeTempDir();
    const stack = testStack(dir, {
      steady: { command: nodeService('setInterval(() => {}, 1000)') },
      looper: {
        command: nodeService('console.log("boom"); process.exit(3)'),
        restart: 'on-failure',
      },
    });
    const { supervisor, lines } = supervise(stack);
    const state = await until(
      supervisor,
      (s) => (s.services['looper']?.restarts ?? 0) >= 3,
      20_000,
    );
    expect(state.services['steady']!.phase).toBe('healthy');
    expect(state.services['steady']!.restarts).toBe(0);
    const looper = state.services['looper']!;
    expect(looper.lastExit?.code).toBe(3);
    const delays = lines
      .filter((l) => l.startsWith('looper: exited with code 3; restarting in'))
      .map((l) => Number(/restarting in ([\d.]+) s/.exec(l)![1]));
    // At once, then 0.1 s, then 0.2 s (±20 % jitter): each wait longer than the one before.
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(delays[0]!).toBe(0);
    expect(delays[1]!).toBeGreaterThanOrEqual(0.08);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
  });

  it('stops the whole process group of a service, grandchildren included', async () => {
    const dir = await makeTempDir();
    // The service's child ignores SIGTERM: only the group SIGKILL after the grace period ends it.
    const stack = testStack(dir, {
      parent: {
        command: [
          '/bin/sh',
          '-c',
          `${process.execPath} -e "process.on('SIGTERM',()=>{}); setInterval(()=>{},1000)" & wait`,
        ],
        stopGracePeriodMs: 300,
      },
    });
    const { supervisor, recorded } = supervise(stack);
    await until(supervisor, (s) => s.services['parent']?.phase === 'healthy');
    const pgid = recorded.get('parent')!;
    await new Promise((r) => setTimeout(r, 200));
    expect(groupExists(pgid)).toBe(true);
    await supervisor.shutdown();
    expect(groupExists(pgid)).toBe(false);
    expect(supervisor.store.getState().services['parent']!.phase).toBe('stopped');
  });

  it('marks a service unavailable with the reason, and blocks what needs it, but starts the rest', async () => {
    const dir = await makeTempDir();
    const stack = testStack(dir, {
      missing: { command: ['definitely-not-installed-tool-xyz'] },
      needy: {
        command: nodeService('setInterval(() => {}, 1000)'),
        dependsOn: { missing: 'service_started' },
      },
      free: { command: nodeService('setInterval(() => {}, 1000)') },
    });
    const { supervisor } = supervise(stack);
    const state = await until(
      supervisor,
      (s) => s.services['needy']?.phase === 'blocked' && s.services['free']?.phase === 'healthy',
    );
    expect(state.services['missing']).toMatchObject({
      phase: 'unavailable',
      reason: expect.stringContaining('"definitely-not-installed-tool-xyz" is not on PATH'),
    });
    expect(state.services['needy']!.reason).toContain('needs missing, which is unavailable');
  });

  it('restarts a service that turns unhealthy after being healthy, whatever its restart policy', async () => {
    const dir = await makeTempDir();
    const port = await freePort();
    const sick = join(dir, 'sick');
    const stack = testStack(dir, {
      api: {
        // Answers 500 while the file `sick` exists; a new instance starts well (it removes it).
        command: nodeService(
          `const fs = require('fs'); fs.rmSync(${JSON.stringify(sick)}, { force: true });
           require('http').createServer((q, r) => { r.statusCode = fs.existsSync(${JSON.stringify(sick)}) ? 500 : 200; r.end(); })
             .listen(${port}, '127.0.0.1');
           process.on('SIGTERM', () => process.exit(0));`,
        ),
        probe: { kind: 'http', url: `http://127.0.0.1:${port}/`, expectStatus: 200 },
        restart: 'no',
      },
    });
    const { supervisor, lines } = supervise(stack);
    const first = await until(supervisor, (s) => s.services['api']?.phase === 'healthy');
    await writeFile(sick, '');
    const back = await until(
      supervisor,
      (s) => s.services['api']?.phase === 'healthy' && s.services['api'].restarts === 1,
    );
    expect(back.services['api']!.pid).not.toBe(first.services['api']!.pid);
    expect(lines).toContainEqual(
      expect.stringMatching(/^api: unhealthy: 3 failed checks \(.* HTTP 500\); stopping it$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^api: exited with code 0 \(stopped by devenv: unhealthy: .*\); restarting in [\d.]+ s \(restart 1\)$/,
      ),
    );
  });

  it('restarts a service that is not ready within its start timeout, backing off each time', async () => {
    const dir = await makeTempDir();
    const stack = testStack(dir, {
      stuck: {
        command: nodeService(
          `process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`,
        ),
        probe: { kind: 'exec', command: ['false'] },
        startTimeoutMs: 500,
        restart: 'no',
      },
    });
    const { supervisor, lines } = supervise(stack);
    const state = await until(supervisor, (s) => (s.services['stuck']?.restarts ?? 0) >= 2, 20_000);
    expect(state.services['stuck']!.readyAt).toBeUndefined();
    const delays = lines
      .filter((l) =>
        l.startsWith('stuck: exited with code 0 (stopped by devenv: not ready after 0.5 s'),
      )
      .map((l) => Number(/restarting in ([\d.]+) s/.exec(l)![1]));
    // It never got ready, so each timeout extends the crash streak: at once, then 0.1 s (±20 %).
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
  });

  it('keeps an unhealthy service running when its probe says restart_unhealthy: false', async () => {
    const dir = await makeTempDir();
    const healthy = join(dir, 'healthy');
    await writeFile(healthy, '');
    const stack = testStack(dir, {
      api: {
        command: nodeService('setInterval(() => {}, 1000)'),
        probe: { kind: 'exec', command: ['test', '-f', healthy] },
        restartUnhealthy: false,
      },
    });
    const { supervisor } = supervise(stack);
    const ready = await until(supervisor, (s) => s.services['api']?.phase === 'healthy');
    await rm(healthy);
    await until(supervisor, (s) => (s.services['api']?.lastProbe?.consecutiveFailures ?? 0) >= 10);
    const after = supervisor.store.getState().services['api']!;
    expect(after).toMatchObject({
      phase: 'unhealthy',
      restarts: 0,
      pid: ready.services['api']!.pid,
    });
  });

  it('shows a launch that throws as crashed with the reason and keeps supervising the rest (a toolchain that throws)', async () => {
    const dir = await makeTempDir();
    const stack = testStack(dir, {
      broken: { command: ['true'], requires: ['temporal'] },
      fine: { command: nodeService('setInterval(() => {}, 1000)') },
    });
    const { supervisor } = supervise(stack);
    const state = await until(
      supervisor,
      (s) => s.services['broken']?.phase === 'crashed' && s.services['fine']?.phase === 'healthy',
    );
    expect(state.services['broken']!.reason).toBe(
      'devenv could not start it: no tools in this test',
    );
    // Nothing is left waiting on the failed launch: shutdown settles.
    await supervisor.shutdown();
    expect(supervisor.store.getState().services['fine']!.phase).toBe('stopped');
  });

  it('kills an install in flight when it shuts down, instead of waiting for it (an installer stand-in that sleeps)', async () => {
    const dir = await makeTempDir();
    const pidFile = join(dir, 'installer.pid');
    const abort = new AbortController();
    // The real toolchain runs its installers through runCommand with devenv's abort signal; this
    // one runs a shell that would take a minute, with a grandchild, as pip or go would.
    const slowInstaller: Toolchain = {
      find: () => Promise.reject(new Error('unused')),
      ensure: async () => {
        await runCommand('sh', ['-c', `sleep 60 & echo $$ > ${pidFile}; wait`], {
          signal: abort.signal,
        });
        return {
          ok: false,
          error: {
            reason: 'tool-install-failed',
            tool: 'temporal',
            wanted: '1',
            detail: 'aborted',
            remediation: '-',
          },
        };
      },
    };
    const stack = testStack(dir, { server: { command: ['true'], requires: ['temporal'] } });
    const { supervisor } = supervise(stack, slowInstaller, abort);
    // The installer's shell leads its own process group: the sleep is in it.
    let installerGroup = 0;
    for (let i = 0; i < 200 && !installerGroup; i++) {
      installerGroup = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(groupExists(installerGroup)).toBe(true);
    await supervisor.shutdown();
    expect(groupExists(installerGroup)).toBe(false);
    expect(supervisor.store.getState().services['server']!.phase).toBe('pending');
  }, 10_000);

  it('restarts dependants with depends_on restart: true along with their dependency, and only those', async () => {
    const dir = await makeTempDir();
    const forever = nodeService(
      `process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`,
    );
    const stack = testStack(dir, {
      db: { command: forever },
      api: { command: forever, dependsOn: { db: 'service_started' }, restartWith: ['db'] },
      jobs: { command: forever, dependsOn: { db: 'service_started' } },
    });
    const { supervisor } = supervise(stack);
    const before = await until(supervisor, (s) =>
      Object.values(s.services).every((x) => x.phase === 'healthy'),
    );
    await supervisor.restart('db');
    const after = await until(supervisor, (s) =>
      Object.values(s.services).every((x) => x.phase === 'healthy'),
    );
    const pid = (s: EngineState, n: string) => s.services[n]!.pid;
    expect(pid(after, 'db')).not.toBe(pid(before, 'db'));
    expect(pid(after, 'api')).not.toBe(pid(before, 'api'));
    expect(after.services['api']!.restarts).toBe(1);
    expect(pid(after, 'jobs')).toBe(pid(before, 'jobs'));
    expect(after.services['jobs']!.restarts).toBe(0);
  });
});
