import { describe, expect, it } from 'vitest';
import { isDevenvProbe, probeLogLevels, requestLogLevel } from './probe-request.js';

describe('which requests a service logs', () => {
  it('recognises the probe header, set to anything but empty', () => {
    expect(isDevenvProbe({ 'x-devenv-probe': '1' })).toBe(true);
    expect(isDevenvProbe({ 'x-devenv-probe': '' })).toBe(false);
    expect(isDevenvProbe({ 'user-agent': 'curl/8' })).toBe(false);
  });

  it('a passing probe has no line, a failing one a warning, anything else info', () => {
    expect(requestLogLevel(true, 200)).toBeUndefined();
    expect(requestLogLevel(true, 304)).toBeUndefined();
    expect(requestLogLevel(true, 503)).toBe('warn');
    expect(requestLogLevel(false, 200)).toBe('info');
    expect(requestLogLevel(false, 503)).toBe('info');
  });

  it('a run of the same failure is one warning; a pass or another failure starts anew', () => {
    const levelOf = probeLogLevels();
    const levels = [
      levelOf(true, 503, 'GET /readyz 503'),
      levelOf(true, 503, 'GET /readyz 503'),
      levelOf(false, 503, 'GET /readyz 503'),
      levelOf(true, 500, 'GET /readyz 500'),
      levelOf(true, 200, 'GET /readyz 200'),
      levelOf(true, 500, 'GET /readyz 500'),
    ];
    expect(levels).toEqual(['warn', undefined, 'info', 'warn', undefined, 'warn']);
  });
});
