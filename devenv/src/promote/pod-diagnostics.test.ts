import { describe, expect, it } from 'vitest';
import { addSights, describeSights, eventLines } from './pod-diagnostics.js';

const CRASHING = [
  'pod time-cop-dispatcher-new (Running): dispatcher waiting: CrashLoopBackOff (back-off 20s), 2 restarts',
  '  events:',
  '    Normal Scheduled: Successfully assigned',
  '    Warning BackOff: Back-off restarting failed container (×3)',
  '  logs of dispatcher (previous run):',
  '    broken-on-purpose',
].join('\n');
const STARTING = [
  'pod time-cop-dispatcher-old (Pending): dispatcher waiting: ContainerCreating',
  '  events:',
  '    Normal Scheduled: Successfully assigned',
].join('\n');
const PULL_ERROR = [
  'pod time-cop-worker-python-x (Pending): worker-python waiting: ImagePullBackOff (Back-off pulling image "nope:1")',
  '  events:',
  '    Warning Failed: Failed to pull image "nope:1": not found',
].join('\n');
const UNREADY = [
  'pod time-cop-worker-typescript-u (Running): worker-typescript running, not ready',
  '  events:',
  '    Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503 (×2)',
].join('\n');

describe('what a failed upgrade shows of the pods seen while helm waited', () => {
  it('keeps the failing pod as last seen when a later look no longer has it (helm rolled back)', () => {
    let sights = addSights(new Map(), `${CRASHING}\n${PULL_ERROR}\n${UNREADY}`, '10:00:05');
    sights = addSights(sights, STARTING, '10:00:09');
    expect(describeSights(sights, 'before the rollback')).toBe(
      [
        CRASHING,
        '(as seen at 10:00:05, before the rollback)',
        PULL_ERROR,
        '(as seen at 10:00:05, before the rollback)',
      ].join('\n'),
    );
  });

  it('shows a pod by its latest look', () => {
    const earlier = CRASHING.replace('2 restarts', '1 restarts');
    let sights = addSights(new Map(), earlier, '10:00:01');
    sights = addSights(sights, CRASHING, '10:00:03');
    expect(describeSights(sights, 'x')).toBe(`${CRASHING}\n(as seen at 10:00:03, x)`);
  });

  it('without a crash, shows the pods whose readiness probe failed (a Warning event)', () => {
    let sights = addSights(new Map(), UNREADY, '10:00:01');
    sights = addSights(sights, STARTING, '10:00:02');
    expect(describeSights(sights, 'x')).toBe(`${UNREADY}\n(as seen at 10:00:01, x)`);
  });

  it('without a failing pod, shows the pods of the last look only', () => {
    const other = STARTING.replaceAll('-old', '-other');
    let sights = addSights(new Map(), other, '10:00:01');
    sights = addSights(sights, STARTING, '10:00:02');
    expect(describeSights(sights, 'x')).toBe(`${STARTING}\n(as seen at 10:00:02, x)`);
    expect(describeSights(new Map(), 'x')).toBe('');
  });
});

describe('eventLines', () => {
  it("orders a pod's events by their first occurrence, so a repeated one keeps its place", () => {
    const events = JSON.stringify({
      items: [
        {
          type: 'Normal',
          reason: 'Pulled',
          message: 'Container image already present',
          count: 3,
          firstTimestamp: '2026-01-01T00:00:02Z',
          lastTimestamp: '2026-01-01T00:00:40Z',
        },
        {
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          count: 2,
          firstTimestamp: '2026-01-01T00:00:05Z',
          lastTimestamp: '2026-01-01T00:00:30Z',
        },
        {
          type: 'Normal',
          reason: 'Scheduled',
          message: 'Successfully assigned',
          eventTime: '2026-01-01T00:00:01.000000Z',
        },
      ],
    });
    expect(eventLines(events)).toEqual([
      'Normal Scheduled: Successfully assigned',
      'Normal Pulled: Container image already present (×3)',
      'Warning BackOff: Back-off restarting failed container (×2)',
    ]);
  });
});
