import { describe, expect, it } from 'vitest';
import { actionFor } from './keymap.js';

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

  it('lists every key the footer shows in the help', async () => {
    const { KEY_HELP } = await import('./keymap.js');
    const keys = KEY_HELP.map(([key]) => key);
    for (const key of ['↑↓', 'enter', 'r', 's', '/', 't', 'k', 'o', '?', 'q'])
      expect(keys).toContain(key);
  });
});
