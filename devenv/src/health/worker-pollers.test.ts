import { describe, expect, it } from 'vitest';
import type { Poller } from './temporal-pollers.js';
import { judgePollers, POLLER_STALE_AFTER_MS, type PollerOwner } from './worker-pollers.js';

const NOW = 1_000_000_000;
const poller = (identity: string, agoMs: number): Poller => ({
  identity,
  lastAccessMs: NOW - agoMs,
});
const run = (startedAgoMs: number, owners: Record<string, PollerOwner> = {}) => ({
  startedAtMs: NOW - startedAgoMs,
  ownerOf: (identity: string) => owners[identity] ?? 'unknown',
});

describe('judgePollers', () => {
  it('is ready once each requested kind has a poller of this run', () => {
    const pollers = { workflow: [poller('7@host', 100)], activity: [poller('7@host', 120)] };
    const verdict = judgePollers('q', pollers, ['workflow', 'activity'], run(5_000), NOW);
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.detail).toBe('workflow and activity pollers on q (7@host)');
  });

  it('waits for a missing kind, naming it', () => {
    const pollers = { workflow: [poller('7@host', 100)], activity: [] };
    const verdict = judgePollers('q', pollers, ['workflow', 'activity'], run(5_000), NOW);
    expect(verdict).toEqual({ ok: false, detail: 'no activity poller of this run on q' });
    expect(judgePollers('q', pollers, ['workflow'], run(5_000), NOW).ok).toBe(true);
  });

  it("does not count the previous run's lingering poller, whose identity says nothing", () => {
    // The server lists a stopped poller for minutes: it last polled before this run started.
    const pollers = { workflow: [poller('custom-id', 3_000)], activity: [] };
    const verdict = judgePollers('q', pollers, ['workflow'], run(2_000), NOW);
    expect(verdict).toEqual({
      ok: false,
      detail: 'no workflow poller of this run on q (last polls: custom-id 3 s ago)',
    });
  });

  it("goes by the identity when it names a process: ours counts from any time, another's never", () => {
    const owners = { '7@host': 'ours', '8@host': 'other' } as const;
    const ours = { workflow: [poller('7@host', 3_000)], activity: [] };
    expect(judgePollers('q', ours, ['workflow'], run(2_000, owners), NOW).ok).toBe(true);
    const another = { workflow: [poller('8@host', 10)], activity: [] };
    expect(judgePollers('q', another, ['workflow'], run(2_000, owners), NOW).ok).toBe(false);
  });

  it('is not ready when the poller stopped polling (no new poll for longer than a long poll)', () => {
    const owners = { '7@host': 'ours' } as const;
    const stale = { workflow: [poller('7@host', POLLER_STALE_AFTER_MS + 1)], activity: [] };
    expect(judgePollers('q', stale, ['workflow'], run(600_000, owners), NOW).ok).toBe(false);
    const fresh = { workflow: [poller('7@host', POLLER_STALE_AFTER_MS - 1)], activity: [] };
    expect(judgePollers('q', fresh, ['workflow'], run(600_000, owners), NOW).ok).toBe(true);
  });
});
