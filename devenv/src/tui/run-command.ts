import type { DevenvController } from './controller.js';
import type { Command } from './input.js';

/**
 * Carries out what a key asked of the engine. `say` puts the outcome in the footer once it is
 * known (a restart settles later; a refused load run says why).
 */
export function runCommand(
  controller: DevenvController,
  command: Command,
  say: (status: string) => void,
  onQuit: () => void,
): void {
  switch (command.type) {
    case 'restart':
      void controller.restart(command.service).then(() => say(`${command.service} restarted`));
      return;
    case 'stop':
      void controller
        .stop(command.service)
        .then(() => say(`${command.service} stopped (s to start)`));
      return;
    case 'start':
      controller.start(command.service);
      return;
    case 'start-load': {
      const started = controller.startLoad(command.profile);
      say(
        started.started
          ? `load ${command.profile} started: k6's lines are in the logs (service k6)`
          : `load ${command.profile} not started: ${started.reason}`,
      );
      return;
    }
    case 'stop-load':
      if (controller.stopLoad()) say('stopping k6 (it still prints its summary)');
      return;
    case 'accept-breaking':
      controller.acceptBreaking();
      return;
    case 'toggle-tests':
      say(
        controller.toggleTests()
          ? 'test-on-save on: saving a file runs the tests related to it'
          : 'test-on-save off',
      );
      return;
    case 'open-url':
      void controller
        .openUrl(command.url)
        .then((opened) =>
          say(
            opened.ok
              ? `opened ${command.url}`
              : `${command.service}: ${command.url} (not opened: ${opened.error})`,
          ),
        );
      return;
    case 'quit':
      void controller.quit().then(onQuit);
      return;
  }
}
