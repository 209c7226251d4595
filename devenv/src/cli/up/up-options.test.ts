import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../command.js';
import { UsageError } from '../usage-error.js';
import { parseScaleFlags, parseUpOptions, UP_USAGE } from './up-options.js';

const ctx: CommandContext = {
  projectRoot: '/proj',
  env: {},
  stdout: {},
  out: () => {},
  err: () => {},
};

describe('devenv up --scale', () => {
  it('takes SERVICE=N, repeatable, 0 included; the last one for a service wins', () => {
    const options = parseUpOptions(
      ['--scale', 'worker-typescript=3', '--scale', 'db=0', '--scale', 'db=1'],
      ctx,
    );
    expect(options.scale).toEqual({ 'worker-typescript': 3, db: 1 });
    expect(parseUpOptions([], ctx).scale).toEqual({});
  });

  it.each(['worker', 'worker=', 'worker=-1', 'worker=two', '=3', 'worker=1.5'])(
    'refuses %s as a usage error',
    (flag) => {
      expect(() => parseScaleFlags([flag], UP_USAGE)).toThrow(UsageError);
      expect(() => parseScaleFlags([flag], UP_USAGE)).toThrow(
        `${flag}: expected SERVICE=N, N a number of replicas`,
      );
    },
  );

  it('runs a replica where its service is told to run, unless it is named itself', () => {
    const options = parseUpOptions(
      ['--runtime', 'native', '--runtime', 'web=docker', '--runtime', 'web-2=native'],
      ctx,
    );
    expect(['web', 'web-1', 'web-2', 'api-1'].map(options.runtimeFor)).toEqual([
      'docker',
      'docker',
      'native',
      'native',
    ]);
  });
});

describe('devenv up --pull', () => {
  it.each([
    [['--pull', 'always'], 'always'],
    [['--pull=missing'], 'missing'],
    [['--pull', 'never'], 'never'],
    [[], undefined],
  ])('%j → %s', (args, pull) => {
    expect(parseUpOptions(args, ctx).pull).toBe(pull);
  });

  it.each(['build', 'Always', ''])('refuses --pull %j as a usage error', (value) => {
    expect(() => parseUpOptions(['--pull', value], ctx)).toThrow(UsageError);
    expect(() => parseUpOptions(['--pull', value], ctx)).toThrow(
      `--pull ${value}: expected always, missing or never`,
    );
  });
});
