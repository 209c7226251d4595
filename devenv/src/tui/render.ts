import { createElement } from 'react';
import { render } from 'ink';
import { App } from './app.js';
import type { DevenvController } from './controller.js';
import { createFrameBudget } from './frame-budget.js';

/** Shows the TUI on the terminal; settles when the user quits (after everything stopped). */
export function renderTui(controller: DevenvController): { exited: Promise<void>; close(): void } {
  // Ctrl-C is a key like q here: it stops everything with progress instead of killing the UI.
  // `devenv up` already chose the TUI (a terminal, no --ci); Ink's own CI sniffing would otherwise
  // draw nothing until exit whenever CI=true is exported, as it is in many shells and runners.
  const budget = createFrameBudget();
  const instance = render(createElement(App, { controller, budget }), {
    onRender: ({ renderTime }) => budget.recordOutput(renderTime),
    interactive: true,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: 20,
  });
  return {
    exited: instance.waitUntilExit().then(() => undefined),
    close: () => instance.unmount(),
  };
}
