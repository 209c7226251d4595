import { describe, expect, it } from 'vitest';
import { testStack } from '../../../test/stack-builder.js';
import { initialEngineState, type ServicePhase } from '../../engine/service-state.js';
import { backgroundArgs } from './detach.js';
import { describeDetached, detachProgress } from './detach-progress.js';

const stack = testStack('/', { db: { command: ['x'] }, api: { command: ['x'] } });

function stateWith(db: ServicePhase, api: ServicePhase, reason?: string) {
  const base = initialEngineState(['db', 'api']);
  return {
    ...base,
    services: {
      db: { ...base.services['db']!, phase: db },
      api: { ...base.services['api']!, phase: api, reason },
    },
  };
}

describe('detachProgress: what `up -d` and `up --wait` wait for', () => {
  const table: [ServicePhase, ServicePhase, string, string][] = [
    ['pending', 'pending', 'started', 'waiting'],
    ['healthy', 'pending', 'started', 'waiting'],
    ['starting', 'starting', 'started', 'done'],
    ['healthy', 'completed', 'started', 'done'],
    ['healthy', 'unhealthy', 'started', 'done'],
    ['starting', 'starting', 'ready', 'waiting'],
    ['healthy', 'unhealthy', 'ready', 'waiting'],
    ['healthy', 'completed', 'ready', 'done'],
    ['healthy', 'crashed', 'started', 'failed'],
    ['healthy', 'blocked', 'ready', 'failed'],
    ['unavailable', 'pending', 'ready', 'failed'],
  ];
  for (const [db, api, target, expected] of table) {
    it(`db ${db}, api ${api}, until ${target}: ${expected}`, () => {
      const progress = detachProgress(stateWith(db, api, 'why'), stack, target as 'ready');
      expect(progress.kind).toBe(expected);
    });
  }

  it('prints one aligned line per service, in start order', () => {
    expect(describeDetached(stateWith('healthy', 'starting'))).toEqual([
      'db   Healthy',
      'api  Started',
    ]);
  });
});

describe('backgroundArgs', () => {
  it('drops the flags that detach, keeps the rest, and never echoes the services’ output', () => {
    expect(
      backgroundArgs([
        '-d',
        'api',
        '--wait',
        '--wait-timeout',
        '5',
        '-f',
        'x.yaml',
        '--wait-timeout=9',
      ]),
    ).toEqual(['--no-logs', 'api', '-f', 'x.yaml']);
    // After `--` everything is a service name, `-d` included.
    expect(backgroundArgs(['--scale', 'api=2', '--', '-d'])).toEqual([
      '--no-logs',
      '--scale',
      'api=2',
      '--',
      '-d',
    ]);
  });
});
