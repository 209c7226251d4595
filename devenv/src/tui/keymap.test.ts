import { describe, expect, it } from 'vitest';
import { actionFor, KEY_BINDINGS } from './keymap.js';

describe('keymap', () => {
  it('maps the footer keys to actions', () => {
    expect(actionFor('', { downArrow: true })).toEqual({ type: 'select', delta: 1 });
    expect(actionFor('', { upArrow: true })).toEqual({ type: 'select', delta: -1 });
    expect(actionFor('', { return: true })).toEqual({ type: 'focus-logs' });
    expect(actionFor('r', {})).toEqual({ type: 'restart' });
    expect(actionFor('s', {})).toEqual({ type: 'toggle-stop' });
    expect(actionFor('/', {})).toEqual({ type: 'search' });
    expect(actionFor('N', {})).toEqual({ type: 'next-match', delta: -1 });
    expect(actionFor('k', {})).toEqual({ type: 'pick-load' });
    expect(actionFor('o', {})).toEqual({ type: 'open-url' });
    expect(actionFor('q', {})).toEqual({ type: 'quit' });
    expect(actionFor('c', { ctrl: true })).toEqual({ type: 'quit' });
    expect(actionFor('x', {})).toEqual({ type: 'none' });
  });

  it('reaches every trigger of the key table: no binding shadows another', () => {
    for (const binding of KEY_BINDINGS)
      for (const trigger of binding.triggers) {
        const action =
          'key' in trigger
            ? actionFor('', { [trigger.key]: true })
            : actionFor(trigger.input, { ctrl: trigger.ctrl === true });
        expect(action, binding.label).toEqual(trigger.action);
      }
  });

  it('shows in the footer a subset of the help screen, each key once', () => {
    const labels = KEY_BINDINGS.map((binding) => binding.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(KEY_BINDINGS.filter((binding) => binding.footer).map((b) => b.label)).toEqual([
      '↑↓',
      'enter',
      'r',
      's',
      '/',
      't',
      'k',
      'o',
      '?',
      'q',
    ]);
  });
});
