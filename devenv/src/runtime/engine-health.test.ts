import { describe, expect, it } from 'vitest';
import { engineHealthOf } from './engine-health.js';

describe('engineHealthOf', () => {
  it('reads no healthcheck as none', () => {
    expect(engineHealthOf({})).toEqual({ status: 'none' });
    expect(engineHealthOf({ State: {} })).toEqual({ status: 'none' });
    expect(engineHealthOf({ State: { Health: null } })).toEqual({ status: 'none' });
    // What the Engine reports for a container whose healthcheck was switched off.
    expect(engineHealthOf({ State: { Health: { Status: 'none' } } })).toEqual({ status: 'none' });
  });

  it('says what the last check answered', () => {
    expect(engineHealthOf({ State: { Health: { Status: 'starting', Log: [] } } })).toEqual({
      status: 'starting',
      detail: 'healthcheck starting (no check has run yet)',
    });
    expect(
      engineHealthOf({
        State: {
          Health: {
            Status: 'unhealthy',
            FailingStreak: 3,
            Log: [
              { ExitCode: 0, Output: 'ok' },
              { ExitCode: 1, Output: 'pg_isready: no response\nsecond line\n' },
            ],
          },
        },
      }),
    ).toEqual({
      status: 'unhealthy',
      detail: 'healthcheck unhealthy (exit 1: pg_isready: no response, 3 failed in a row)',
    });
    const long = engineHealthOf({
      State: { Health: { Status: 'healthy', Log: [{ ExitCode: 0, Output: 'x'.repeat(500) }] } },
    });
    expect(long.status === 'healthy' && long.detail.length).toBeLessThan(200);
  });
});
