import type { LoadStatus } from '../load/load-runner.js';
import type { TestRun } from '../reload/related-tests.js';
import type { ReadyAfterSave } from '../reload/ready-after-save.js';
import type { ReloadBlock } from '../reload/reloader.js';
import type { TemporalOverview } from '../temporal/temporal-overview.js';

/**
 * What the session's subsystems report beside the services (tilt keeps one reducer per domain
 * in its store the same way): the reload banner, test-on-save, the k6 run, the Temporal panel.
 * Each subsystem keeps working on its own; what it last said is state here, so the TUI, `ps`
 * and anything else read one state and subscribe once.
 */
export interface Panels {
  /** Why the last save did not reload, until the next reload. */
  readonly reloadBlock: ReloadBlock | undefined;
  /** The last service a save restarted, once its new run was ready, and the time it took. */
  readonly reloadReady: ReadyAfterSave | undefined;
  /** The latest related-test run while test-on-save is on; undefined while off. */
  readonly tests: TestRun | undefined;
  /** The running or last k6 run. */
  readonly load: LoadStatus | undefined;
  /** The latest reading of the stack's Temporal. */
  readonly temporal: TemporalOverview | undefined;
}

export const NO_PANELS: Panels = {
  reloadBlock: undefined,
  reloadReady: undefined,
  tests: undefined,
  load: undefined,
  temporal: undefined,
};

export type PanelAction =
  | { readonly type: 'reload/block'; readonly block: ReloadBlock | undefined }
  | { readonly type: 'reload/ready'; readonly ready: ReadyAfterSave | undefined }
  | { readonly type: 'tests/run'; readonly run: TestRun | undefined }
  | { readonly type: 'load/status'; readonly status: LoadStatus | undefined }
  | { readonly type: 'temporal/overview'; readonly overview: TemporalOverview | undefined };

export function isPanelAction(action: { readonly type: string }): action is PanelAction {
  return PANEL_KEY[action.type as PanelAction['type']] !== undefined;
}

const PANEL_KEY: Record<PanelAction['type'], keyof Panels> = {
  'reload/block': 'reloadBlock',
  'reload/ready': 'reloadReady',
  'tests/run': 'tests',
  'load/status': 'load',
  'temporal/overview': 'temporal',
};

/** Pure: each action replaces its panel's value (the same value keeps the same state). */
export function reducePanels(panels: Panels, action: PanelAction): Panels {
  const key = PANEL_KEY[action.type];
  const value = valueOf(action);
  return panels[key] === value ? panels : { ...panels, [key]: value };
}

function valueOf(action: PanelAction): Panels[keyof Panels] {
  switch (action.type) {
    case 'reload/block':
      return action.block;
    case 'reload/ready':
      return action.ready;
    case 'tests/run':
      return action.run;
    case 'load/status':
      return action.status;
    case 'temporal/overview':
      return action.overview;
  }
}
