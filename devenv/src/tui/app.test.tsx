import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { testStack } from '../../test/stack-builder.js';
import { reduce } from '../engine/reducer.js';
import { initialEngineState, type EngineState } from '../engine/service-state.js';
import { createLogBus } from '../logbus/log-bus.js';
import { App } from './app.js';
import type { TemporalOverview } from '../temporal/temporal-overview.js';
import { err } from '../../shared/result.js';
import type { DevenvController } from './controller.js';

/**
 * An in-memory controller standing in for the engine: the component tests drive the UI with
 * keys and inspect what it asks the engine to do. The real engine is driven in tui.e2e.test.ts.
 */
function inMemoryController() {
  const stack = testStack('/tmp', {
    temporal: { command: ['temporal'] },
    worker: {
      command: ['worker'],
      dependsOn: { temporal: 'service_healthy' },
      probe: { kind: 'http', url: 'http://127.0.0.1:7081/readyz', expectStatus: undefined },
    },
  });
  let state: EngineState = initialEngineState(stack.startOrder);
  const listeners = new Set<() => void>();
  const calls: string[] = [];
  const bus = createLogBus();
  let testsOn = false;
  const dispatch = (action: Parameters<typeof reduce>[1]) => {
    state = reduce(state, action);
    for (const l of listeners) l();
  };
  const controller: DevenvController = {
    projectName: 'demo',
    stack,
    getState: () => state,
    subscribe: (onChange) => {
      const listener = () => onChange(state, []);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    logs: bus,
    restart: async (name) => void calls.push(`restart ${name}`),
    stop: async (name) => void calls.push(`stop ${name}`),
    start: (name) => void calls.push(`start ${name}`),
    scale: async (name, count) => {
      calls.push(`scale ${name}=${count}`);
      return err('not in this test');
    },
    quit: async () => void calls.push('quit'),
    toggleTests: () => {
      testsOn = !testsOn;
      dispatch({
        type: 'tests/run',
        run: testsOn
          ? {
              state: 'done',
              passed: 14,
              failed: 1,
              none: false,
              files: 2,
              ms: 900,
              firstFailure: 'a.test.ts > adds',
            }
          : undefined,
      });
      return testsOn;
    },
    acceptBreaking: () => void calls.push('accept'),
    loadProfiles: () => ['smoke', 'load', 'stress'],
    startLoad: (profile) => {
      calls.push(`load ${profile}`);
      dispatch({
        type: 'load/status',
        status: { state: 'running', profile, progress: `${profile} 3s · 120 req/s` },
      });
      return { started: true };
    },
    stopLoad: () => {
      calls.push('stop load');
      return true;
    },
    openUrl: async (url) => {
      calls.push(`open ${url}`);
      return err('no display in this terminal session');
    },
  };
  const setTemporal = (overview: TemporalOverview) =>
    dispatch({ type: 'temporal/overview', overview });
  return { controller, calls, bus, dispatch, setTemporal };
}

const tick = (ms = 120) => new Promise((r) => setTimeout(r, ms));

describe('TUI (ink-testing-library, in-memory controller)', () => {
  it('shows each service with its state, grouped, and updates when the state changes', async () => {
    const { controller, dispatch } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    await tick();
    expect(ui.lastFrame()).toMatch(/temporal\s+pending/);
    dispatch({
      type: 'service/started',
      service: 'temporal',
      runtime: 'native',
      pid: 4242,
      containerId: undefined,
      at: Date.now(),
    });
    dispatch({
      type: 'service/probed',
      service: 'temporal',
      ok: true,
      detail: 'namespace ready',
      at: Date.now(),
      failureThreshold: 3,
    });
    await tick();
    expect(ui.lastFrame()).toMatch(/temporal\s+healthy/);
    expect(ui.lastFrame()).toContain('namespace ready');
    expect(ui.lastFrame()).toContain('1/2 healthy');
    // Paused, it answers nothing: the header no longer counts it.
    dispatch({ type: 'service/paused', service: 'temporal', paused: true });
    await tick();
    expect(ui.lastFrame()).toContain('0/2 healthy');
    ui.unmount();
  });

  it('shows a paused service as paused, and its phase again once unpaused', async () => {
    const { controller, dispatch } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    dispatch({
      type: 'service/started',
      service: 'temporal',
      runtime: 'native',
      pid: 4242,
      containerId: undefined,
      at: Date.now(),
    });
    dispatch({ type: 'service/paused', service: 'temporal', paused: true });
    await tick();
    expect(ui.lastFrame()).toMatch(/temporal\s+paused/);
    dispatch({ type: 'service/paused', service: 'temporal', paused: false });
    await tick();
    expect(ui.lastFrame()).toMatch(/temporal\s+starting/);
    ui.unmount();
  });

  it('follows logs, and / finds a line and says how many matched', async () => {
    const { controller, bus } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    bus.append('temporal', 'stdout', 'server starting');
    bus.append('worker', 'stdout', 'polling task queue time-cop-typescript');
    bus.append('temporal', 'stdout', 'namespace time-cop registered');
    await tick();
    expect(ui.lastFrame()).toContain('worker | polling task queue');
    ui.stdin.write('/');
    await tick(30);
    ui.stdin.write('time-cop');
    await tick(30);
    ui.stdin.write('\r');
    await tick();
    expect(ui.lastFrame()).toContain('2 matches for "time-cop"');
    ui.unmount();
  });

  it('sends restart, stop and quit for the selected service', async () => {
    const { controller, calls } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    await tick();
    ui.stdin.write('\u001B[B'); // down: select the second service
    await tick(30);
    ui.stdin.write('r');
    await tick(30);
    ui.stdin.write('s');
    await tick(30);
    ui.stdin.write('q');
    await tick();
    expect(calls).toEqual(['restart worker', 'stop worker', 'quit']);
    ui.unmount();
  });

  it('k picks a load profile by number and shows its progress; x in the picker stops it', async () => {
    const { controller, calls } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    await tick();
    ui.stdin.write('k');
    await tick(30);
    expect(ui.lastFrame()).toMatch(/1\s+smoke[\s\S]*2\s+load[\s\S]*3\s+stress/);
    ui.stdin.write('2');
    await tick(30);
    expect(calls).toEqual(['load load']);
    expect(ui.lastFrame()).toContain('load 3s · 120 req/s');
    expect(ui.lastFrame()).not.toContain('(loadtest/profiles/)');
    ui.stdin.write('k');
    await tick(30);
    ui.stdin.write('x');
    await tick(30);
    expect(calls).toEqual(['load load', 'stop load']);
    ui.unmount();
  });

  it('o opens the selected service page, and says why when it cannot', async () => {
    const { controller, calls } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    await tick();
    ui.stdin.write('o'); // temporal: no probe URL, no published port
    await tick(30);
    expect(ui.lastFrame()).toContain('temporal has no page to open');
    ui.stdin.write('\u001B[B');
    await tick(30);
    ui.stdin.write('o');
    await tick(50);
    expect(calls).toEqual(['open http://127.0.0.1:7081/']);
    expect(ui.lastFrame()).toContain('http://127.0.0.1:7081/ (not opened: no display');
    ui.unmount();
  });

  it('shows task queues with their pollers and backlog, and failed workflows with the reason', async () => {
    const { controller, setTemporal } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    setTemporal({
      address: '127.0.0.1:7233',
      namespace: 'time-cop',
      uiUrl: undefined,
      namespaces: ['default', 'time-cop'],
      taskQueues: [
        {
          name: 'time-cop-typescript',
          source: 'declared',
          workflowPollers: 2,
          activityPollers: 1,
          backlog: 0,
          oldestTaskAgeMs: 0,
          failuresSinceReload: 0,
        },
      ],
      failures: [],
      reloadedAt: Date.now(),
      failed: [
        {
          workflowId: 'WorkflowDemoMixed-x-1',
          type: 'WorkflowDemoMixed',
          message: 'CorruptProtobufPayload: bad bytes',
        },
      ],
      error: undefined,
      at: Date.now(),
    });
    await tick();
    const frame = ui.lastFrame() ?? '';
    expect(frame).toContain('namespaces: default, time-cop');
    expect(frame).toMatch(/time-cop-typescript\s+pollers wf 2 \/ act 1\s+backlog 0/);
    expect(frame).toContain('failed WorkflowDemoMixed-x-1 CorruptProtobufPayload: bad bytes');
    ui.unmount();
  });

  it('w opens the failing workflow marked in the Temporal panel in the Temporal UI', async () => {
    const { controller, calls, setTemporal } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    await tick();
    ui.stdin.write('w');
    await tick(30);
    expect(ui.lastFrame()).toContain('no failing workflow in the Temporal panel');
    const failing: TemporalOverview = {
      address: '127.0.0.1:7233',
      namespace: 'default',
      uiUrl: undefined,
      namespaces: ['default'],
      taskQueues: [],
      failures: [
        {
          kind: 'workflow-task',
          taskQueue: 'hello-world',
          workflowId: 'throws-in-code',
          runId: 'run-1',
          type: 'throwsInCode',
          message: 'boom in workflow code',
          attempt: 3,
          at: Date.now(),
        },
      ],
      failed: [],
      reloadedAt: Date.now(),
      error: undefined,
      at: Date.now(),
    };
    setTemporal(failing);
    await tick();
    ui.stdin.write('w');
    await tick(30);
    expect(ui.lastFrame()).toContain('throws-in-code: no Temporal UI known');
    setTemporal({ ...failing, uiUrl: 'http://127.0.0.1:8233' });
    await tick();
    ui.stdin.write('w');
    await tick(50);
    expect(calls).toEqual([
      'open http://127.0.0.1:8233/namespaces/default/workflows/throws-in-code/run-1/history',
    ]);
    ui.unmount();
  });

  it('turns test-on-save on with t and shows the result in the header', async () => {
    const { controller } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    await tick();
    expect(ui.lastFrame()).not.toContain('tests');
    ui.stdin.write('t');
    await tick();
    expect(ui.lastFrame()).toContain('tests ✗ 1 of 15: a.test.ts > adds');
    expect(ui.lastFrame()).toContain('test-on-save on');
    ui.unmount();
  });

  it('filters logs by level with l', async () => {
    const { controller, bus } = inMemoryController();
    const ui = render(createElement(App, { controller }));
    bus.append('worker', 'stdout', 'routine detail', 'info');
    bus.append('worker', 'stdout', 'something broke', 'error');
    await tick();
    for (let i = 0; i < 3; i++) {
      ui.stdin.write('l');
      await tick(30);
    }
    await tick();
    expect(ui.lastFrame()).toContain('level ≥ error');
    expect(ui.lastFrame()).toContain('something broke');
    expect(ui.lastFrame()).not.toContain('routine detail');
    ui.unmount();
  });
});
