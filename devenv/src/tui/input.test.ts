import { describe, expect, it } from 'vitest';
import { createLogBus } from '../logbus/log-bus.js';
import type { LogRecord } from '../logbus/log-record.js';
import { handleInput, type InputContext } from './input.js';
import { INITIAL_VIEW, logTitle, modeOf, type ViewState } from './view-state.js';

function records(...lines: string[]): LogRecord[] {
  const bus = createLogBus();
  for (const line of lines) bus.append('worker', 'stdout', line);
  return bus.tail(undefined, { limit: 100 });
}

const context = (overrides: Partial<InputContext> = {}): InputContext => ({
  services: ['temporal', 'worker'],
  shown: records('alpha', 'beta marker', 'gamma', 'delta marker'),
  logHeight: 10,
  loadProfiles: () => ['smoke', 'load'],
  loadRunning: false,
  canStop: () => true,
  breakingBlocked: false,
  urlOf: (name) => (name === 'worker' ? 'http://127.0.0.1:7081/' : undefined),
  ...overrides,
});

const view = (overrides: Partial<ViewState> = {}): ViewState => ({ ...INITIAL_VIEW, ...overrides });

describe('TUI input: one handler per mode, pure', () => {
  it('sends each key to the handler of the current mode', () => {
    expect(modeOf(view())).toBe('normal');
    expect(modeOf(view({ typing: '' }))).toBe('typing');
    expect(modeOf(view({ help: true }))).toBe('help');
    expect(modeOf(view({ picker: 0 }))).toBe('picker');
    // `q` quits in the normal mode, is text while typing, and closes help and the picker.
    expect(handleInput(view(), 'q', {}, context()).command).toEqual({ type: 'quit' });
    expect(handleInput(view({ typing: 'a' }), 'q', {}, context()).view.typing).toBe('aq');
    expect(handleInput(view({ help: true }), 'q', {}, context())).toEqual({ view: view() });
    expect(handleInput(view({ picker: 1 }), 'q', {}, context())).toEqual({ view: view() });
  });

  it.each([
    ['r', {}, { type: 'restart', service: 'worker' }, 'restarting worker…'],
    ['s', {}, { type: 'stop', service: 'worker' }, 'stopping worker…'],
    ['o', {}, { type: 'open-url', service: 'worker', url: 'http://127.0.0.1:7081/' }, 'opening'],
    ['t', {}, { type: 'toggle-tests' }, ''],
  ] as const)(
    '%s on the selected service asks the engine for %j',
    (input, key, command, status) => {
      const { view: next, command: asked } = handleInput(
        view({ selected: 1 }),
        input,
        key,
        context(),
      );
      expect(asked).toEqual(command);
      expect(next.status).toContain(status);
    },
  );

  it('s starts a service the engine would not stop, and o says why a service has no page', () => {
    const stopped = handleInput(view(), 's', {}, context({ canStop: () => false }));
    expect(stopped.command).toEqual({ type: 'start', service: 'temporal' });
    const noPage = handleInput(view(), 'o', {}, context());
    expect(noPage.command).toBeUndefined();
    expect(noPage.view.status).toContain('temporal has no page to open');
  });

  it('confirms a search with Enter (also pasted with it), jumps to the last match, n/N cycle', () => {
    const typed = handleInput(view({ typing: 'mark' }), 'er\r', {}, context()).view;
    expect(typed).toMatchObject({ typing: undefined, search: 'marker', current: 3 });
    expect(typed.status).toBe('2 matches for "marker"');
    const next = handleInput(typed, 'n', {}, context()).view;
    expect(next).toMatchObject({ current: 1, status: 'match 1/2' });
    expect(handleInput(next, 'N', {}, context()).view).toMatchObject({ current: 3 });
    expect(
      handleInput(view({ typing: 'ab' }), '', { backspace: true }, context()).view.typing,
    ).toBe('a');
    expect(handleInput(view({ typing: 'ab' }), '', { escape: true }, context()).view).toEqual(
      view(),
    );
  });

  it('finds a workflow ID across the dispatcher and both workers with a field search', () => {
    const id = 'WorkflowDemoMixed-Ada-idem-b9f2dc6a6c51d50e907e4b6c';
    const bus = createLogBus();
    // Shaped like the services' real lines: pino numbers and snake_case in the dispatcher,
    // pino strings in the TypeScript worker, logs.py's JSON in the Python worker.
    bus.append(
      'dispatcher',
      'stdout',
      `{"level":30,"time":1796412797453,"service":"dispatcher","method":"POST","route":"/typescript/demo-mixed","status":201,"workflow_id":"${id}","run_id":"01a2","msg":"request completed"}`,
    );
    bus.append(
      'dispatcher',
      'stdout',
      '{"level":30,"time":1796412797460,"workflow_id":"other","msg":"request completed"}',
    );
    bus.append(
      'worker-typescript',
      'stdout',
      `{"level":"info","time":"2026-12-04T19:33:17.721Z","service":"worker-typescript","sdkComponent":"activity","activityType":"ActivitySayHelloTypeScript","workflowId":"${id}","msg":"saying hello"}`,
    );
    bus.append('temporal', 'stdout', `plain text mentioning workflowId=${id}`);
    bus.append(
      'worker-python',
      'stdout',
      `{"level": "warn", "time": "2026-12-04T19:33:17.916Z", "service": "worker-python", "logger": "temporalio.activity", "workflowId": "${id}", "attempt": 2, "msg": "saying hello"}`,
    );
    const shown = bus.tail(undefined, { limit: 100 });
    const found = handleInput(view({ typing: `workflowId=${id}` }), '\r', {}, context({ shown }));
    expect(found.view.status).toBe(`3 matches for "workflowId=${id}"`);
    const services = (at: number | undefined) =>
      at === undefined ? undefined : shown[at]?.service;
    expect(services(found.view.current)).toBe('worker-python');
    const first = handleInput(found.view, 'n', {}, context({ shown })).view;
    expect(services(first.current)).toBe('dispatcher');
    const second = handleInput(first, 'n', {}, context({ shown })).view;
    expect(services(second.current)).toBe('worker-typescript');

    const warn = handleInput(view({ typing: 'level>=warn' }), '\r', {}, context({ shown })).view;
    expect(warn.status).toBe('1 match for "level>=warn"');
    const loud = handleInput(view({ typing: 'level>=loud' }), '\r', {}, context({ shown })).view;
    expect(loud.status).toContain('no level named loud');
  });

  it('picks a load profile by number or Enter, stops a run with x, and closes with esc', () => {
    expect(handleInput(view({ picker: 0 }), '2', {}, context()).command).toEqual({
      type: 'start-load',
      profile: 'load',
    });
    expect(handleInput(view({ picker: 0 }), '', { downArrow: true }, context()).view.picker).toBe(
      1,
    );
    expect(
      handleInput(view({ picker: 0 }), 'x', {}, context({ loadRunning: true })).command,
    ).toEqual({
      type: 'stop-load',
    });
    expect(handleInput(view({ picker: 0 }), 'x', {}, context()).command).toBeUndefined();
  });

  it('o in the picker opens the last run’s report, when there is one', () => {
    const report = 'file:///p/.devenv/load/smoke-20261205-000559.html';
    expect(handleInput(view({ picker: 0 }), 'o', {}, context({ loadReport: report }))).toEqual({
      view: view({ status: `opening ${report}…` }),
      command: { type: 'open-url', service: 'k6', url: report },
    });
    expect(handleInput(view({ picker: 0 }), 'o', {}, context()).command).toBeUndefined();
  });

  it('moves the selection within the table, and quits only once', () => {
    expect(handleInput(view(), '', { upArrow: true }, context()).view.selected).toBe(0);
    expect(
      handleInput(view({ selected: 1 }), '', { downArrow: true }, context()).view.selected,
    ).toBe(1);
    const quitting = handleInput(view(), 'q', {}, context()).view;
    expect(handleInput(quitting, 'q', {}, context()).command).toBeUndefined();
  });

  it('accepts a breaking proto change only while one is blocked', () => {
    expect(handleInput(view(), 'b', {}, context()).command).toBeUndefined();
    expect(handleInput(view(), 'b', {}, context({ breakingBlocked: true })).command).toEqual({
      type: 'accept-breaking',
    });
  });

  it('names the filters in the log title', () => {
    expect(logTitle(view({ target: 'worker', level: 2, paused: true, scroll: 4 }))).toBe(
      'logs: worker · level ≥ warn · PAUSED · scrolled 4',
    );
    expect(logTitle(view({ typing: 'ab' }))).toBe('logs: all services · search: ab█');
  });
});
