import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { Header } from './header.js';

const header = (reloaded?: { service: string; savedAt: number; readyAt: number; detail: string }) =>
  render(
    createElement(Header, {
      projectName: 'temporal-sample',
      healthy: 2,
      total: 2,
      quitting: false,
      tests: undefined,
      load: undefined,
      reloaded,
    }),
  );

describe('header: the last reload', () => {
  it('says how long after the save the restarted service was ready', () => {
    const ui = header({ service: 'worker', savedAt: 1_000, readyAt: 7_840, detail: 'pollers' });
    expect(ui.lastFrame()).toContain('2/2 healthy · worker ready 6.8 s after save');
    ui.unmount();
  });

  it('says nothing before the first reload', () => {
    const ui = header();
    expect(ui.lastFrame()).not.toContain('after save');
    ui.unmount();
  });
});
