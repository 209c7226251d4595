import { describe, expect, it } from 'vitest';
import {
  checkHost,
  checkOrigin,
  hostOf,
  isJsonContentType,
  isLoopbackHost,
} from './request-guard.js';

describe('Host', () => {
  it.each([
    ['127.0.0.1:7070', '127.0.0.1'],
    ['LOCALHOST', 'localhost'],
    ['[::1]:7070', '::1'],
    ['example.com.', 'example.com'],
    ['a:b', undefined],
    ['[::1', undefined],
    ['[::1]x', undefined],
    ['', undefined],
  ])('hostOf(%j) is %j', (header, host) => expect(hostOf(header)).toBe(host));

  it('loopback: localhost, *.localhost, 127/8, ::1, v4-mapped 127/8; nothing else', () => {
    for (const h of [
      'localhost',
      'app.localhost',
      '127.0.0.1',
      '127.9.8.7',
      '::1',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      'localhost.evil.com',
      '128.0.0.1',
      '10.0.0.1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
      'evil',
    ])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses a foreign or missing Host unless the configuration names it (or says *)', () => {
    expect(checkHost('127.0.0.1:7070', []).ok).toBe(true);
    expect(checkHost('evil.example:7070', []).ok).toBe(false);
    expect(checkHost(undefined, []).ok).toBe(false);
    expect(checkHost('svc:7070', ['svc']).ok).toBe(true);
    expect(checkHost('SVC', ['svc']).ok).toBe(true);
    expect(checkHost('evil.example', ['*']).ok).toBe(true);
    const refused = checkHost('evil.example', []);
    expect(!refused.ok && refused.message).toContain('DISPATCHER_ALLOWED_HOSTS');
  });
});

describe('Origin', () => {
  it('passes no Origin and the request’s own; refuses others, null and garbage', () => {
    expect(checkOrigin(undefined, '127.0.0.1:7070')).toBe(true);
    expect(checkOrigin('http://127.0.0.1:7070', '127.0.0.1:7070')).toBe(true);
    expect(checkOrigin('http://127.0.0.1:7071', '127.0.0.1:7070')).toBe(false);
    expect(checkOrigin('http://localhost:7070', '127.0.0.1:7070')).toBe(false);
    expect(checkOrigin('https://evil.example', '127.0.0.1:7070')).toBe(false);
    expect(checkOrigin('null', '127.0.0.1:7070')).toBe(false);
    expect(checkOrigin('file://', '127.0.0.1:7070')).toBe(false);
    expect(checkOrigin('http://127.0.0.1:7070', undefined)).toBe(false);
  });
});

describe('Content-Type', () => {
  it('application/json with or without parameters; form types and none are not', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/x-www-form-urlencoded')).toBe(false);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType('multipart/form-data; boundary=x')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});
