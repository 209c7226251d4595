import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProbe } from '../health/probe.js';
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

function supervise(stack: Stack) {
  const lines: string[] = [];
  const recorded = new Map<string, number>();
  const supervisor = createSupervisor({
    stack,
    runtimes: { native: nativeRuntime(noTools) },
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
      (s) => (s.services['looper']?.restarts ?? 0) >= 2,
      20_000,
    );
    expect(state.services['steady']!.phase).toBe('healthy');
    expect(state.services['steady']!.restarts).toBe(0);
    const looper = state.services['looper']!;
    expect(looper.lastExit?.code).toBe(3);
    const delays = lines
      .filter((l) => l.startsWith('looper: exited with code 3; restarting in'))
      .map((l) => Number(/restarting in ([\d.]+) s/.exec(l)![1]));
    // 1 s then 2 s (±20 % jitter): each wait longer than the one before.
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(delays[0]!).toBeGreaterThanOrEqual(0.8);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
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
});
