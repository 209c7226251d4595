import { describe, expect, it } from 'vitest';
import { UsageError } from './usage-error.js';
import { parsePullOptions, type PullOptions } from './pull-command.js';

const none: PullOptions = {
  services: [],
  includeDeps: false,
  ignoreBuildable: false,
  ignoreFailures: false,
  quiet: false,
  help: false,
};

describe("devenv pull's command line, as docker compose pull's", () => {
  it.each<[string[], Partial<PullOptions>]>([
    [[], {}],
    [['db', 'cache'], { services: ['db', 'cache'] }],
    [['-q'], { quiet: true }],
    [['--quiet', 'db'], { quiet: true, services: ['db'] }],
    [['--ignore-pull-failures'], { ignoreFailures: true }],
    [['web', '--include-deps'], { services: ['web'], includeDeps: true }],
    [['--ignore-buildable'], { ignoreBuildable: true }],
    [['-h'], { help: true }],
  ])('%j', (args, expected) => {
    expect(parsePullOptions(args).options).toEqual({ ...none, ...expected });
  });

  it.each([['--policy', 'always'], ['--parallel'], ['-x']])(
    'refuses %j as a usage error',
    (...args) => {
      expect(() => parsePullOptions(args)).toThrow(UsageError);
    },
  );
});
