import { describe, expect, it } from 'vitest';
import { withoutNeedlessShell } from './direct-command.js';

describe('withoutNeedlessShell', () => {
  it('runs the program itself when the script is only words', () => {
    expect(withoutNeedlessShell(['sh', '-c', 'pg_isready -q -h 127.0.0.1 -p 5432'])).toEqual([
      'pg_isready',
      '-q',
      '-h',
      '127.0.0.1',
      '-p',
      '5432',
    ]);
    expect(withoutNeedlessShell(['/bin/bash', '-c', '  true  '])).toEqual(['true']);
  });

  it('keeps the shell for anything a shell does: syntax, quotes, variables, builtins', () => {
    for (const script of [
      'a && b',
      'a | b',
      'a; b',
      'echo $HOME',
      "echo 'x y'",
      'ls *.ts',
      'FOO=1 run',
      'exit 0',
      'cd /tmp',
      'a > out',
      '',
    ])
      expect(withoutNeedlessShell(['sh', '-c', script])).toEqual(['sh', '-c', script]);
  });

  it('leaves other commands alone', () => {
    expect(withoutNeedlessShell(['true'])).toEqual(['true']);
    expect(withoutNeedlessShell(['sh', '-c', 'true', 'arg0'])).toEqual([
      'sh',
      '-c',
      'true',
      'arg0',
    ]);
    expect(withoutNeedlessShell(['python3', '-c', 'print(1)'])).toEqual([
      'python3',
      '-c',
      'print(1)',
    ]);
  });
});
