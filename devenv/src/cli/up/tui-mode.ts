import type { EngineController } from '../../engine/engine-controller.js';
import type { LogBus } from '../../logbus/log-bus.js';
import type { Toolchain } from '../../toolchain/toolchain.js';
import type { CommandContext } from '../command.js';
import type { StopRequest } from './stop-request.js';
import type { TeardownSteps } from './teardown.js';

/**
 * The interactive mode: the TUI, with the Temporal panel and k6 runs attached to the engine.
 * Settles when the user quits or a stop is requested; 1 when devenv itself failed.
 */
export async function runTui(options: {
  readonly engine: EngineController;
  readonly bus: LogBus;
  readonly toolchain: Toolchain;
  readonly ctx: CommandContext;
  readonly stopRequest: StopRequest;
  readonly teardown: TeardownSteps;
}): Promise<number> {
  const { engine, teardown, ctx } = options;
  const { renderTui } = await import('../../tui/render.js');
  const { watchStackTemporal } = await import('../../temporal/temporal-source.js');
  const { createLoadRunner } = await import('../../load/load-runner.js');
  const { openUrl } = await import('../../process/open-url.js');
  const temporal = await watchStackTemporal(engine.stack);
  teardown.beforeStop(() => temporal.close());
  const load = createLoadRunner({
    projectRoot: ctx.projectRoot,
    toolchain: options.toolchain,
    log: (stream, text) => options.bus.append('k6', stream, text),
  });
  teardown.beforeStop(() => load.close());
  teardown.beforeStop(engine.attach({ temporal, load, openUrl: (url) => openUrl(url, ctx.env) }));
  const ui = renderTui(engine);
  // Closed once everything is down, so that it shows the stopping progress until then.
  teardown.afterStop(() => ui.close());
  const ended = await Promise.race([ui.exited, options.stopRequest.requested]);
  return ended?.kind === 'fault' ? 1 : 0;
}
