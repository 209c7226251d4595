import { describe, expect, it } from 'vitest';
import { dockerExecArgv } from './exec-command.js';
import { exitCodeOf } from './foreground-process.js';
import { instanceName, instancesOf } from './running-stack.js';
import { parseEnvFlags, parseServiceCommandLine } from './service-command-line.js';
import { UsageError } from './usage-error.js';

const OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  env: { type: 'string', short: 'e', multiple: true },
  'no-tty': { type: 'boolean', short: 'T' },
} as const;

describe('parseServiceCommandLine', () => {
  it("options end at the service: what follows is the command's, dashes and all", () => {
    const parsed = parseServiceCommandLine(
      ['-T', '-e', 'A=1', '--file=x.yaml', 'db', 'psql', '-e', '-c', 'select 1'],
      OPTIONS,
      'usage',
    );
    expect(parsed.service).toBe('db');
    expect(parsed.command).toEqual(['psql', '-e', '-c', 'select 1']);
    expect(parsed.values).toMatchObject({ 'no-tty': true, env: ['A=1'], file: ['x.yaml'] });
  });

  it('a -- after the service is dropped; one before it ends the options', () => {
    expect(parseServiceCommandLine(['db', '--', '-x'], OPTIONS, 'u').command).toEqual(['-x']);
    expect(parseServiceCommandLine(['-Te', 'A=1', '--', 'db', 'ls'], OPTIONS, 'u')).toMatchObject({
      service: 'db',
      command: ['ls'],
      values: { 'no-tty': true, env: ['A=1'] },
    });
  });

  it('an unknown option before the service is a usage error; none at all is no service', () => {
    expect(() => parseServiceCommandLine(['--nope', 'db', 'ls'], OPTIONS, 'u')).toThrow(UsageError);
    expect(parseServiceCommandLine(['-e', 'A=1'], OPTIONS, 'u').service).toBeUndefined();
  });
});

describe('parseEnvFlags', () => {
  it('KEY=VALUE as given, a bare KEY from this shell (left out when unset)', () => {
    expect(parseEnvFlags(['A=1=2', 'HOME', 'UNSET_HERE'], { HOME: '/root' }, 'u')).toEqual({
      A: '1=2',
      HOME: '/root',
    });
    expect(() => parseEnvFlags(['=x'], {}, 'u')).toThrow(UsageError);
  });
});

describe('instanceName', () => {
  it('the service itself, or its first replica; --index picks a replica', () => {
    expect(instanceName(['db', 'api'], 'db', undefined)).toBe('db');
    expect(instanceName(['worker-1', 'worker-2'], 'worker', undefined)).toBe('worker-1');
    expect(instanceName(['worker-1', 'worker-2'], 'worker', 2)).toBe('worker-2');
    // One replica keeps the plain name; the ones `devenv scale` adds are SERVICE-2…
    expect(instanceName(['worker', 'worker-2'], 'worker', 1)).toBe('worker');
    expect(instanceName(['worker', 'worker-2'], 'worker', 3)).toBeUndefined();
    expect(instanceName(['api'], 'db', undefined)).toBeUndefined();
  });

  it('instancesOf: every replica, not services that merely share a prefix', () => {
    expect(instancesOf(['w-1', 'w-2', 'w-x-1', 'db'], 'w')).toEqual(['w-1', 'w-2']);
    expect(instancesOf(['db', 'db-2'], 'db')).toEqual(['db']);
  });
});

describe('exitCodeOf', () => {
  it("a shell's $?: the code, or 128 + the signal's number", () => {
    expect(exitCodeOf(3, null)).toBe(3);
    expect(exitCodeOf(null, 'SIGTERM')).toBe(143);
    expect(exitCodeOf(null, 'SIGKILL')).toBe(137);
  });
});

describe('dockerExecArgv', () => {
  it('interactive always, a TTY only when asked, -e and -w before the container', () => {
    expect(dockerExecArgv('c1', ['sh', '-c', 'env'], { A: '1' }, '/tmp', false)).toEqual([
      'docker',
      'exec',
      '-i',
      '-e',
      'A=1',
      '-w',
      '/tmp',
      'c1',
      'sh',
      '-c',
      'env',
    ]);
    expect(dockerExecArgv('c1', ['sh'], {}, undefined, true)).toEqual([
      'docker',
      'exec',
      '-it',
      'c1',
      'sh',
    ]);
  });
});
