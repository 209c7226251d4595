import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { TemporalOverview } from '../temporal/temporal-overview.js';
import { failureToOpen, TemporalPanel, temporalPanelHeight } from './temporal-panel.js';

const now = Date.parse('2026-12-05T01:00:00Z');

const overview: TemporalOverview = {
  address: '127.0.0.1:7233',
  namespace: 'default',
  uiUrl: 'http://127.0.0.1:8233',
  namespaces: ['default'],
  taskQueues: [
    {
      name: 'hello-world',
      source: 'executions',
      workflowPollers: 1,
      activityPollers: 1,
      backlog: 0,
      oldestTaskAgeMs: 0,
      failuresSinceReload: 2,
    },
    {
      name: 'nightly',
      source: 'schedules',
      workflowPollers: 0,
      activityPollers: 0,
      backlog: 3,
      oldestTaskAgeMs: 42_000,
      failuresSinceReload: 0,
    },
  ],
  failures: [
    {
      kind: 'workflow-task',
      taskQueue: 'hello-world',
      workflowId: 'throws-in-code',
      runId: 'run-1',
      type: 'throwsInCode',
      message: 'boom in workflow code',
      attempt: 4,
      at: now - 1_000,
    },
    {
      kind: 'activity',
      taskQueue: 'hello-world',
      workflowId: 'calls-failing-activity',
      runId: 'run-2',
      type: 'refuse',
      message: 'the activity refuses',
      attempt: 2,
      at: now - 2_000,
    },
  ],
  failed: [],
  reloadedAt: now - 12_000,
  error: undefined,
  at: now,
};

describe('the Temporal panel (ink-testing-library)', () => {
  it('shows each queue with its pollers, backlog, oldest task, failures and where it was found', () => {
    const ui = render(createElement(TemporalPanel, { overview, width: 160 }));
    const lines = (ui.lastFrame() ?? '').split('\n');
    expect(lines[0]).toContain('2 failing since reload 12s ago');
    expect(lines[1]).toMatch(
      /hello-world\s+pollers wf 1 \/ act 1 backlog 0 failing 2 \(from executions\)/,
    );
    expect(lines[2]).toMatch(
      /nightly\s+pollers wf 0 \/ act 0 backlog 3 \(oldest 42s\) \(from schedules\)/,
    );
    expect(lines[3]).toContain(
      '▸ workflow task throwsInCode throws-in-code boom in workflow code ×4 · w opens',
    );
    expect(lines[4]).toContain('activity refuse calls-failing-activity the activity refuses ×2');
    expect(lines).toHaveLength(temporalPanelHeight(overview));
    ui.unmount();
  });

  it("w's target is the newest failure's run in the Temporal UI, or just its id without a UI", () => {
    expect(failureToOpen(overview)).toEqual({
      workflowId: 'throws-in-code',
      url: 'http://127.0.0.1:8233/namespaces/default/workflows/throws-in-code/run-1/history',
    });
    expect(failureToOpen({ ...overview, uiUrl: undefined })?.url).toBeUndefined();
    expect(failureToOpen({ ...overview, failures: [] })).toBeUndefined();
  });
});
