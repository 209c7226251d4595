import type { LogLevel } from '../logbus/log-record.js';

/** Everything the screen remembers between key presses; the engine's state is not here. */
export interface ViewState {
  /** Index of the selected row in the service table. */
  readonly selected: number;
  /** The service whose logs are shown, or undefined for all. */
  readonly target: string | undefined;
  readonly paused: boolean;
  /** Index into LEVELS: the lowest level shown. */
  readonly level: number;
  /** The search text being typed after `/`; undefined when not typing. */
  readonly typing: string | undefined;
  /** The search last confirmed with Enter. */
  readonly search: string;
  /** Index of the highlighted match in the shown records. */
  readonly current: number | undefined;
  /** Lines up from the newest (0 follows the tail). */
  readonly scroll: number;
  readonly help: boolean;
  readonly quitting: boolean;
  /** The footer's message: what the last key did. */
  readonly status: string;
  /** The highlighted row of the load picker, or undefined when it is closed. */
  readonly picker: number | undefined;
}

/** `l` cycles through these minimum levels (undefined shows everything). */
export const LEVELS: readonly (LogLevel | undefined)[] = [undefined, 'info', 'warn', 'error'];

export const INITIAL_VIEW: ViewState = {
  selected: 0,
  target: undefined,
  paused: false,
  level: 0,
  typing: undefined,
  search: '',
  current: undefined,
  scroll: 0,
  help: false,
  quitting: false,
  status: '',
  picker: undefined,
};

/** The mode decides which handler a key goes to; exactly one applies at a time. */
export type InputMode = 'typing' | 'help' | 'picker' | 'normal';

export function modeOf(view: ViewState): InputMode {
  if (view.typing !== undefined) return 'typing';
  if (view.help) return 'help';
  if (view.picker !== undefined) return 'picker';
  return 'normal';
}

/** Puts match `index` of the shown records in the middle of a log pane `height` rows high. */
export function jumpTo(
  view: ViewState,
  index: number | undefined,
  shownCount: number,
  height: number,
): ViewState {
  if (index === undefined) return { ...view, current: undefined };
  return {
    ...view,
    current: index,
    scroll: Math.max(0, shownCount - index - 1 - Math.floor(height / 2)),
  };
}

/** The log pane's title: which logs, which filters, and the search. */
export function logTitle(view: ViewState): string {
  const minLevel = LEVELS[view.level];
  return [
    view.target ? `logs: ${view.target}` : 'logs: all services',
    minLevel ? `level ≥ ${minLevel}` : '',
    view.paused ? 'PAUSED' : '',
    view.scroll > 0 ? `scrolled ${view.scroll}` : '',
    view.typing !== undefined
      ? `search: ${view.typing}█`
      : view.search
        ? `search: ${view.search} (n/N)`
        : '',
  ]
    .filter(Boolean)
    .join(' · ');
}
