import { execFileSync } from 'node:child_process';
import { afterEach } from 'vitest';

/**
 * A real terminal for end-to-end tests: a detached tmux session of the given size that runs
 * `command`, read with capture-pane and driven with send-keys, as a person at a keyboard would.
 * Registers an afterEach that kills the session.
 */
export function useTmuxSession(prefix: string) {
  const name = `${prefix}-${process.pid}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
  afterEach(() => {
    try {
      tmux('kill-session', '-t', name);
    } catch {
      // already gone
    }
  });
  const screen = () => tmux('capture-pane', '-t', name, '-p');
  return {
    start: (command: string, columns = 140, rows = 40) =>
      void tmux(
        'new-session',
        '-d',
        '-s',
        name,
        '-x',
        String(columns),
        '-y',
        String(rows),
        command,
      ),
    screen,
    keys: (...keys: string[]) => void tmux('send-keys', '-t', name, ...keys),
    /** The screen once it matches `pattern`; throws with the last screen after `timeoutMs`. */
    waitForScreen: async (pattern: RegExp, timeoutMs = 20_000): Promise<string> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`screen never matched ${pattern}:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
