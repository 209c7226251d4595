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
  | { readonly type: 'open-failure' }
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
  readonly meta?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
}

type SpecialKey = 'upArrow' | 'downArrow' | 'return' | 'escape' | 'pageUp' | 'pageDown';

/** One way of pressing a binding: a typed character (with ctrl, when `ctrl` is set) or a named key. */
type Trigger =
  | { readonly input: string; readonly ctrl?: true; readonly action: KeyAction }
  | { readonly key: SpecialKey; readonly action: KeyAction };

export interface KeyBinding {
  /** How the help screen and the footer name the key(s). */
  readonly label: string;
  readonly help: string;
  /** Shown in the one-line footer, not only on the help screen. */
  readonly footer: boolean;
  readonly triggers: readonly Trigger[];
}

const on = (input: string, action: KeyAction): Trigger => ({ input, action });
const onKey = (key: SpecialKey, action: KeyAction): Trigger => ({ key, action });

/** The one key table: the keymap, the footer and the help screen are all read from it. */
export const KEY_BINDINGS: readonly KeyBinding[] = [
  {
    label: '↑↓',
    help: 'select',
    footer: true,
    triggers: [
      onKey('upArrow', { type: 'select', delta: -1 }),
      onKey('downArrow', { type: 'select', delta: 1 }),
    ],
  },
  {
    label: 'enter',
    help: 'logs of selected',
    footer: true,
    triggers: [onKey('return', { type: 'focus-logs' })],
  },
  {
    label: 'a/esc',
    help: 'all logs',
    footer: false,
    triggers: [on('a', { type: 'all-logs' }), onKey('escape', { type: 'all-logs' })],
  },
  { label: 'r', help: 'restart', footer: true, triggers: [on('r', { type: 'restart' })] },
  { label: 's', help: 'stop/start', footer: true, triggers: [on('s', { type: 'toggle-stop' })] },
  { label: '/', help: 'search', footer: true, triggers: [on('/', { type: 'search' })] },
  {
    label: 'n/N',
    help: 'next/prev match',
    footer: false,
    triggers: [
      on('n', { type: 'next-match', delta: 1 }),
      on('N', { type: 'next-match', delta: -1 }),
    ],
  },
  { label: 'l', help: 'level filter', footer: false, triggers: [on('l', { type: 'cycle-level' })] },
  { label: 'p', help: 'pause', footer: false, triggers: [on('p', { type: 'toggle-pause' })] },
  {
    label: 'PgUp/PgDn',
    help: 'scroll',
    footer: false,
    triggers: [
      onKey('pageUp', { type: 'scroll', delta: 10 }),
      onKey('pageDown', { type: 'scroll', delta: -10 }),
    ],
  },
  {
    label: 't',
    help: 'test-on-save on/off',
    footer: true,
    triggers: [on('t', { type: 'toggle-tests' })],
  },
  { label: 'k', help: 'load test', footer: true, triggers: [on('k', { type: 'pick-load' })] },
  { label: 'o', help: 'open page', footer: true, triggers: [on('o', { type: 'open-url' })] },
  {
    label: 'w',
    help: 'open the failing workflow (▸ in the Temporal panel) in its UI',
    footer: false,
    triggers: [on('w', { type: 'open-failure' })],
  },
  {
    label: 'b',
    help: 'accept a blocked breaking proto change',
    footer: false,
    triggers: [on('b', { type: 'accept-breaking' })],
  },
  { label: '?', help: 'help', footer: true, triggers: [on('?', { type: 'help' })] },
  {
    label: 'q',
    help: 'quit',
    footer: true,
    triggers: [on('q', { type: 'quit' }), { input: 'c', ctrl: true, action: { type: 'quit' } }],
  },
];

function fires(trigger: Trigger, input: string, key: KeyInfo): boolean {
  if ('key' in trigger) return key[trigger.key] === true;
  return trigger.input === input && (trigger.ctrl === true) === (key.ctrl === true);
}

export function actionFor(input: string, key: KeyInfo): KeyAction {
  for (const binding of KEY_BINDINGS)
    for (const trigger of binding.triggers) if (fires(trigger, input, key)) return trigger.action;
  return { type: 'none' };
}
