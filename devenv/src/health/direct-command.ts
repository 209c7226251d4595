/**
 * `["sh", "-c", "pg_isready -q -h 127.0.0.1"]` runs a shell only to split words: such a command
 * runs as `["pg_isready", "-q", "-h", "127.0.0.1"]`, one fork and exec instead of two, every few
 * seconds per service. Pure.
 */

const SHELLS = new Set(['sh', '/bin/sh', '/usr/bin/sh', 'bash', '/bin/bash', '/usr/bin/bash']);

/** Characters that mean nothing to a shell outside of separating words. */
const PLAIN_WORDS = /^[A-Za-z0-9_\-./:,+@%^ \t]+$/;

/** Built into the shell with no program of the name (or one that would not do the same). */
const BUILTINS = new Set([
  '.',
  ':',
  'alias',
  'break',
  'cd',
  'command',
  'continue',
  'eval',
  'exec',
  'exit',
  'export',
  'hash',
  'local',
  'read',
  'readonly',
  'return',
  'set',
  'shift',
  'source',
  'times',
  'trap',
  'type',
  'ulimit',
  'umask',
  'unset',
  'wait',
]);

/** The command as the program it runs when a shell adds nothing; otherwise as it is. */
export function withoutNeedlessShell(command: readonly string[]): readonly string[] {
  if (command.length !== 3) return command;
  const [shell, flag, script] = command as [string, string, string];
  if (!SHELLS.has(shell) || flag !== '-c' || !PLAIN_WORDS.test(script)) return command;
  const words = script.trim().split(/[ \t]+/);
  const first = words[0];
  if (first === undefined || first === '' || BUILTINS.has(first)) return command;
  return words;
}
