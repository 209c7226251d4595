import type { ControlServer } from '../../control/control-server.js';
import type { EngineController } from '../../engine/engine-controller.js';
import type { SnapshotWriter } from '../../session/state-snapshot.js';
import type { Reporter } from '../reporter.js';

/**
 * `devenv restart|stop|start` from other terminals reach this devenv through its control socket.
 * Not fatal when it cannot be served (the path is taken, say): the stack runs, and the commands
 * say that nothing answers.
 */
export async function serveControlSocket(options: {
  readonly stateDir: string;
  readonly engine: EngineController;
  readonly snapshot: SnapshotWriter;
  readonly reporter: Reporter;
}): Promise<ControlServer | undefined> {
  const { engine } = options;
  const { controlSocketPath } = await import('../../control/socket-path.js');
  const { createControlActions } = await import('../../control/control-actions.js');
  const { dependantsRestartedWith } = await import('../../engine/restart-policy.js');
  const { isRunStack } = await import('../../model/replicas.js');
  const { startControlServer, describeControlServerFailure } =
    await import('../../control/control-server.js');
  const served = await startControlServer({
    path: controlSocketPath(options.stateDir),
    actions: createControlActions({
      projectName: engine.projectName,
      store: engine,
      restart: (name) => engine.restart(name),
      stop: (name) => engine.stop(name),
      start: (name) => engine.start(name),
      scale: (service, replicas) => engine.scale(service, replicas),
      signal: engine.signal,
      instancesOf: (name) => (isRunStack(engine.stack) ? engine.stack.instances[name] : undefined),
      restartsAlong: (name) => dependantsRestartedWith(engine.stack, name),
      note: (service, text) => engine.logs.append(service, 'devenv', text),
      settled: () => options.snapshot.flush(engine.getState()),
      // A replica (`worker-2`) runs where its service does.
      workingDirOf: (name) =>
        (engine.stack.services[name] ?? engine.stack.services[name.replace(/-\d+$/, '')])?.devenv
          .native?.cwd,
    }),
  });
  if (served.ok) return served.value;
  options.reporter.line(
    `devenv restart/stop/start will not reach this stack: ${describeControlServerFailure(served.error)}`,
  );
  return undefined;
}
