import type { EngineController } from '../../engine/engine-controller.js';
import type { EngineState } from '../../engine/service-state.js';
import type { LogBus } from '../../logbus/log-bus.js';
import { startMetricsEndpoint } from '../../metrics/metrics-endpoint.js';
import {
  snapshotWriter,
  stateSnapshotPath,
  type SnapshotWriter,
} from '../../session/state-snapshot.js';
import type { CommandContext } from '../command.js';
import { jsonReporter, lineReporter, type Reporter } from '../reporter.js';
import { styleFor } from '../style.js';
import type { TeardownSteps } from './teardown.js';
import type { UpOptions } from './up-options.js';

/** The line or JSON reporter; it follows logs and state only when the TUI is not drawing. */
export function startReporter(
  engine: EngineController,
  bus: LogBus,
  options: UpOptions,
  ctx: CommandContext,
  interactive: boolean,
): Reporter {
  const nameWidth = Math.max(8, ...engine.stack.startOrder.map((n) => n.length));
  const reporter: Reporter = options.json
    ? jsonReporter(ctx.out, options.echoLogs)
    : lineReporter(ctx.out, styleFor(ctx.stdout, ctx.env), options.echoLogs, nameWidth);
  if (!interactive) {
    bus.subscribe({}, (records) => reporter.logs(records));
    let last: EngineState | undefined;
    engine.subscribe((state) => {
      reporter.state(last, state);
      last = state;
    });
  }
  return reporter;
}

/** `.devenv/state.json` for `devenv ps`, kept current. */
export function startSnapshot(
  engine: EngineController,
  bus: LogBus,
  stateDir: string,
): SnapshotWriter {
  const snapshot = snapshotWriter(stateSnapshotPath(stateDir), engine.projectName, (problem) =>
    bus.append('devenv', 'devenv', problem),
  );
  engine.subscribe(snapshot.update);
  return snapshot;
}

/**
 * devenv's own /metrics (supervisor state) for Prometheus. Not fatal: a second devenv (another
 * project) may hold the port; the stack runs regardless.
 */
export async function serveMetrics(
  engine: EngineController,
  bus: LogBus,
  port: number | 'off',
  reporter: Reporter,
  teardown: TeardownSteps,
): Promise<void> {
  if (port === 'off') return;
  const started = await startMetricsEndpoint(
    { getState: () => engine.getState(), logStats: () => bus.stats() },
    port,
  );
  if (started.ok) teardown.afterStop(() => started.value.close());
  else
    reporter.line(
      `devenv metrics not served: ${started.error.reason === 'port-in-use' ? `127.0.0.1:${started.error.port} is in use` : started.error.message} (set DEVENV_METRICS_PORT)`,
    );
}
