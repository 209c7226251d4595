import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProbe } from '../health/probe.js';
import { nativeRuntime } from '../runtime/native.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import { nodeService, testStack } from '../../test/stack-builder.js';
import { useTempDirs } from '../../test/temp-dir.js';
import type { EngineAction } from './actions.js';
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

/** Resolves once `predicate` holds, checking at each change the store reports to subscribers. */
function until(supervisor: Supervisor, predicate: (s: EngineState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (s: EngineState) => {
      if (!predicate(s)) return;
      unsubscribe();
      resolve();
    };
    const unsubscribe = supervisor.store.subscribe(check);
    check(supervisor.store.getState());
  });
}

async function linesOf(file: string): Promise<number> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').length - 1;
}

describe('health watch', () => {
  it('tells subscribers every change of a probe (healthy → unhealthy → healthy) and nothing for passes that repeat', async () => {
    const dir = await makeTempDir();
    const healthy = join(dir, 'healthy');
    const checks = join(dir, 'checks');
    await writeFile(healthy, '');
    const stack = testStack(dir, {
      api: {
        command: nodeService('setInterval(() => {}, 1000)'),
        // Each check leaves a line in `checks`; it passes while the file `healthy` exists.
        probe: { kind: 'exec', command: ['sh', '-c', `echo >> ${checks}; test -f ${healthy}`] },
        failureThreshold: 2,
        restartUnhealthy: false,
        probePeriodMs: 20,
      },
    });
    const supervisor = createSupervisor({
      stack,
      runtimes: { native: nativeRuntime(noTools) },
      runtimeFor: () => 'native',
      prober: runProbe,
      log: { write: () => {}, append: () => {} },
      leftovers: { record: () => {}, forget: () => {} },
    });
    running.push(supervisor);
    // What a subscriber such as the TUI is told: each notification's actions and the phase then.
    const told: { actions: readonly EngineAction[]; phase: string | undefined }[] = [];
    supervisor.store.subscribe((state, actions) =>
      told.push({ actions, phase: state.services['api']?.phase }),
    );
    supervisor.begin();

    await until(supervisor, (s) => s.services['api']?.phase === 'healthy');
    const firstReady = told.length;
    const checksWhenReady = await linesOf(checks);
    while ((await linesOf(checks)) < checksWhenReady + 6)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const probedSince = (from: number) =>
      told.slice(from).flatMap(({ actions }) => actions.filter((a) => a.type === 'service/probed'));
    // Five or more checks passed again with the same answer: none of them was news.
    expect(probedSince(firstReady)).toEqual([]);

    const beforeFailing = told.length;
    await rm(healthy);
    await until(supervisor, (s) => s.services['api']?.phase === 'unhealthy');
    await appendFile(healthy, '');
    await until(supervisor, (s) => s.services['api']?.phase === 'healthy');
    const phases = told.slice(beforeFailing).map(({ phase }) => phase);
    expect(phases.filter((phase, i) => phase !== phases[i - 1])).toEqual([
      'healthy',
      'unhealthy',
      'healthy',
    ]);
    const answers = probedSince(beforeFailing).map((a) => a.type === 'service/probed' && a.ok);
    // Each failure is dispatched (its count grows to the threshold), then the first pass again.
    expect(answers.slice(0, 2)).toEqual([false, false]);
    expect(answers.at(-1)).toBe(true);
    expect(supervisor.store.getState().services['api']).toMatchObject({
      restarts: 0,
      lastProbe: { ok: true, consecutiveFailures: 0, detail: 'sh exited 0' },
    });
  });
});
