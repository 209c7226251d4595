/** What a key press means in the normal (non-search) mode. Pure, so it is tested without a terminal. */
export type KeyAction =
  | { readonly type: 'select'; readonly delta: number }
  | { readonly type: 'focus-logs' }
  | { readonly type: 'restart' }
  | { readonly type: 'toggle-stop' }
  | { readonly type: 'search' }
  | { readonly type: 'next-match'; readonly delta: 1 | -1 }
  | { readonly type: 'cycle-level' }
  | { readonly type: 'toggle-pause' }
  | { readonly type: 'scroll'; readonly delta: number }
  | { readonly type: 'all-logs' }
  | { readonly type: 'accept-breaking' }
  | { readonly type: 'toggle-tests' }
  | { readonly type: 'pick-load' }
  | { readonly type: 'open-url' }
  | { readonly type: 'help' }
  | { readonly type: 'quit' }
  | { readonly type: 'none' };

export interface KeyInfo {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly ctrl?: boolean;
}

export function actionFor(input: string, key: KeyInfo): KeyAction {
  if (key.upArrow) return { type: 'select', delta: -1 };
  if (key.downArrow) return { type: 'select', delta: 1 };
  if (key.return) return { type: 'focus-logs' };
  if (key.escape) return { type: 'all-logs' };
  if (key.pageUp) return { type: 'scroll', delta: 10 };
  if (key.pageDown) return { type: 'scroll', delta: -10 };
  if (key.ctrl && input === 'c') return { type: 'quit' };
  switch (input) {
    case 'r':
      return { type: 'restart' };
    case 's':
      return { type: 'toggle-stop' };
    case '/':
      return { type: 'search' };
    case 'n':
      return { type: 'next-match', delta: 1 };
    case 'N':
      return { type: 'next-match', delta: -1 };
    case 'l':
      return { type: 'cycle-level' };
    case 'p':
      return { type: 'toggle-pause' };
    case 'a':
      return { type: 'all-logs' };
    case 'b':
      return { type: 'accept-breaking' };
    case 't':
      return { type: 'toggle-tests' };
    case 'k':
      return { type: 'pick-load' };
    case 'o':
      return { type: 'open-url' };
    case '?':
      return { type: 'help' };
    case 'q':
      return { type: 'quit' };
    default:
      return { type: 'none' };
  }
}

/** The footer and the help overlay list the same keys, from here. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['↑↓', 'select'],
  ['enter', 'logs of selected'],
  ['a/esc', 'all logs'],
  ['r', 'restart'],
  ['s', 'stop/start'],
  ['/', 'search'],
  ['n/N', 'next/prev match'],
  ['l', 'level filter'],
  ['p', 'pause'],
  ['PgUp/PgDn', 'scroll'],
  ['t', 'test-on-save on/off'],
  ['k', 'load test'],
  ['o', 'open page'],
  ['b', 'accept a blocked breaking proto change'],
  ['?', 'help'],
  ['q', 'quit'],
];
