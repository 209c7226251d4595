import { describe, expect, it } from 'vitest';
import { killEndsRun, parseKillSignal, parseSignal, stopSignalOf } from './signal-names.js';

describe('signal names', () => {
  it('reads a signal as docker kill --signal does: full or short name, any case, or number', () => {
    for (const text of ['SIGHUP', 'HUP', 'hup', 'sighup', ' 1 '])
      expect(parseSignal(text)).toEqual({ ok: true, value: 'SIGHUP' });
    expect(parseSignal('9')).toEqual({ ok: true, value: 'SIGKILL' });
    expect(parseSignal('SIGFOO')).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown signal "SIGFOO"'),
    });
    expect(parseSignal('999')).toMatchObject({
      ok: false,
      error: 'no signal number 999 on this system',
    });
  });

  it('keeps the signals of pause and unpause out of kill', () => {
    for (const text of ['STOP', 'SIGCONT', 'tstp'])
      expect(parseKillSignal(text)).toMatchObject({
        ok: false,
        error: expect.stringContaining('`devenv pause`'),
      });
    expect(parseKillSignal('TERM')).toEqual({ ok: true, value: 'SIGTERM' });
  });

  it("reads a service's stop_signal from its container options; SIGTERM's default when unknown", () => {
    expect(stopSignalOf({ container: { stopSignal: 'SIGINT' } })).toBe('SIGINT');
    expect(stopSignalOf({ container: { stopSignal: 'usr1' } })).toBe('SIGUSR1');
    expect(stopSignalOf({ container: { stopSignal: 'SIGFOO' } })).toBeUndefined();
    expect(stopSignalOf({ container: {} })).toBeUndefined();
    expect(stopSignalOf({})).toBeUndefined();
    expect(stopSignalOf(undefined)).toBeUndefined();
  });

  it('ends the run for SIGKILL and the stop signal, SIGTERM when none is set', () => {
    expect(killEndsRun('SIGKILL', 'SIGTERM')).toBe(true);
    expect(killEndsRun('SIGQUIT', 'SIGQUIT')).toBe(true);
    expect(killEndsRun('SIGTERM', undefined)).toBe(true);
    expect(killEndsRun('SIGTERM', 'SIGQUIT')).toBe(false);
    expect(killEndsRun('SIGHUP', undefined)).toBe(false);
    expect(killEndsRun('SIGHUP', 'SIGTERM')).toBe(false);
    expect(killEndsRun('SIGINT', 'SIGQUIT')).toBe(false);
  });
});
