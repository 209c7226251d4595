import { describe, expect, it } from 'vitest';
import { stackFlagArgs } from './run-background-stack.js';

describe('stackFlagArgs: the same stack for the background devenv', () => {
  it('passes files, project name, profiles and env file on', () => {
    expect(
      stackFlagArgs(
        {
          file: ['a.yaml', 'b.yaml'],
          'project-name': 'shop',
          profile: ['debug'],
          'env-file': 'x.env',
        },
        false,
      ),
    ).toEqual([
      '-f',
      'a.yaml',
      '-f',
      'b.yaml',
      '-p',
      'shop',
      '--profile',
      'debug',
      '--env-file',
      'x.env',
    ]);
    expect(stackFlagArgs({}, false)).toEqual([]);
  });

  it('every profile when the one-off service came from a profile that was not enabled', () => {
    expect(stackFlagArgs({ profile: ['debug'] }, true)).toEqual(['--profile', '*']);
  });
});
