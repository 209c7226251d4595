import { describe, expect, it } from 'vitest';
import { describeStartFailure, type StartFailure } from './runtime.js';

// The messages are the ones the runtimes wrote as strings before failures had reasons.
const TABLE: readonly [StartFailure, string][] = [
  [{ reason: 'unavailable', why: '"api" is not on PATH' }, '"api" is not on PATH'],
  [
    { reason: 'spawn-failed', executable: '/srv/api', message: 'spawn /srv/api EACCES' },
    'cannot start /srv/api: spawn /srv/api EACCES',
  ],
  [
    { reason: 'nothing-to-run' },
    'the service has neither image: nor build:, so there is nothing to run',
  ],
  [{ reason: 'image-build-failed', detail: 'building x failed: 7' }, 'building x failed: 7'],
  [
    { reason: 'external-volume-missing', volume: 'pgdata' },
    'external volume pgdata does not exist: create it (docker volume create pgdata) or drop external: true',
  ],
  [
    { reason: 'container-name-taken', name: 'demo-api-1' },
    "a container named demo-api-1 exists and is not devenv's: remove or rename it (docker rm demo-api-1)",
  ],
  [
    { reason: 'engine-refused', detail: 'cannot create network n: 500' },
    'cannot create network n: 500',
  ],
];

describe('describeStartFailure', () => {
  it.each(TABLE)('%o reads as %s', (failure, message) => {
    expect(describeStartFailure(failure)).toBe(message);
  });
});
