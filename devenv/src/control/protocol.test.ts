import { describe, expect, it } from 'vitest';
import { DEFAULT_WAIT_MS, MAX_BODY_BYTES, parseControlRequest } from './protocol.js';

const post = (url: string, body: string) => parseControlRequest({ method: 'POST', url, body });

describe('parseControlRequest', () => {
  it('reads a list request', () => {
    expect(parseControlRequest({ method: 'GET', url: '/services', body: '' })).toEqual({
      ok: true,
      value: { kind: 'list' },
    });
    expect(parseControlRequest({ method: 'GET', url: '/state', body: '' })).toEqual({
      ok: true,
      value: { kind: 'state' },
    });
  });

  it('reads an action with its defaults, dropping repeated names', () => {
    expect(post('/services/restart?verbose=1', '{"services":["api","db","api"]}')).toEqual({
      ok: true,
      value: {
        kind: 'act',
        action: 'restart',
        services: ['api', 'db'],
        wait: true,
        timeoutMs: DEFAULT_WAIT_MS,
      },
    });
    expect(post('/services/start', '{"services":["db"],"wait":false,"timeoutMs":5}')).toEqual({
      ok: true,
      value: { kind: 'act', action: 'start', services: ['db'], wait: false, timeoutMs: 5 },
    });
  });

  const refusals: readonly [
    string,
    { method?: string; url?: string; body?: string },
    number,
    string,
  ][] = [
    [
      'an unknown endpoint',
      { url: '/health' },
      404,
      'no endpoint /health; endpoints: GET /services, GET /state',
    ],
    [
      'an unknown action',
      { url: '/services/freeze' },
      404,
      'no action "freeze"; actions: restart, stop, start, kill, pause, unpause, wait',
    ],
    [
      'a GET of an action',
      { method: 'GET', url: '/services/stop' },
      405,
      '/services/stop takes POST, not GET',
    ],
    ['a POST of the list', { url: '/services' }, 405, '/services takes GET, not POST'],
    ['a POST of the state', { url: '/state' }, 405, '/state takes GET, not POST'],
    [
      'an empty body',
      { body: '  ' },
      400,
      'the body is empty; send JSON such as {"services":["worker"]}',
    ],
    ['a body that is not JSON', { body: 'services=api' }, 400, 'the body is not JSON ('],
    ['a JSON array', { body: '["api"]' }, 400, 'the body must be a JSON object'],
    [
      'an unknown field',
      { body: '{"services":["api"],"force":true}' },
      400,
      'unknown field "force"; fields: services, wait, timeoutMs',
    ],
    ['no services', { body: '{}' }, 400, '"services" is missing: name at least one service'],
    [
      'services as a string',
      { body: '{"services":"api"}' },
      400,
      '"services" must be an array of service names',
    ],
    ['an empty services list', { body: '{"services":[]}' }, 400, '"services" is empty'],
    [
      'a name that is not a string',
      { body: '{"services":["api",7]}' },
      400,
      '"services"[1] must be a service name',
    ],
    ['an empty name', { body: '{"services":[""]}' }, 400, '"services"[0] must be a service name'],
    [
      'wait as a string',
      { body: '{"services":["api"],"wait":"yes"}' },
      400,
      '"wait" must be true or false',
    ],
    [
      'a fractional timeout',
      { body: '{"services":["api"],"timeoutMs":1.5}' },
      400,
      '"timeoutMs" must be a whole number of milliseconds from 1 to 3600000',
    ],
    ['a zero timeout', { body: '{"services":["api"],"timeoutMs":0}' }, 400, '"timeoutMs" must be'],
    [
      'an inherited field name',
      { body: '{"__proto__":{"services":["api"]}}' },
      400,
      'unknown field "__proto__"',
    ],
    [
      'a body too large',
      { body: `{"services":["${'a'.repeat(MAX_BODY_BYTES)}"]}` },
      413,
      `the body is over ${MAX_BODY_BYTES} bytes`,
    ],
  ];
  for (const [what, raw, status, message] of refusals) {
    it(`refuses ${what} with ${status}`, () => {
      const parsed = parseControlRequest({
        method: raw.method ?? 'POST',
        url: raw.url ?? '/services/restart',
        body: raw.body ?? '{"services":["api"]}',
      });
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.error.status).toBe(status);
      expect(parsed.error.message).toContain(message);
    });
  }

  it('says which method a 405 endpoint takes', () => {
    const parsed = parseControlRequest({ method: 'PUT', url: '/services', body: '' });
    expect(parsed.ok ? undefined : parsed.error.allow).toBe('GET');
  });

  it('clips echoed input', () => {
    const parsed = post(`/services/${'x'.repeat(500)}`, '{}');
    expect(parsed.ok ? '' : parsed.error.message.length).toBeLessThan(140);
  });
});

describe('parseControlRequest: kill, pause, unpause', () => {
  it('reads a kill, SIGKILL unless told, a signal by name, short name or number', () => {
    expect(post('/services/kill', '{"services":["api","api"]}')).toEqual({
      ok: true,
      value: { kind: 'signal', action: 'kill', services: ['api'], signal: 'SIGKILL' },
    });
    for (const given of ['"SIGHUP"', '"hup"', '1', '"1"'])
      expect(post('/services/kill', `{"services":["api"],"signal":${given}}`)).toMatchObject({
        ok: true,
        value: { signal: 'SIGHUP' },
      });
  });

  it('reads a wait', () => {
    expect(post('/services/wait', '{"services":["job","job","db"]}')).toEqual({
      ok: true,
      value: { kind: 'wait', services: ['job', 'db'] },
    });
    expect(post('/services/wait', '{"services":["job"],"timeoutMs":5}')).toMatchObject({
      ok: false,
      error: { status: 400, message: 'unknown field "timeoutMs"; fields: services' },
    });
  });

  it('reads a pause and an unpause', () => {
    expect(post('/services/pause', '{"services":["db"]}')).toEqual({
      ok: true,
      value: { kind: 'signal', action: 'pause', services: ['db'] },
    });
    expect(post('/services/unpause', '{"services":["db"]}')).toMatchObject({
      ok: true,
      value: { action: 'unpause' },
    });
  });

  const refusals: readonly [string, string, string, number, string][] = [
    [
      'an unknown signal',
      '/services/kill',
      '{"services":["a"],"signal":"SIGFOO"}',
      400,
      'unknown signal "SIGFOO"',
    ],
    [
      'a signal number this system lacks',
      '/services/kill',
      '{"services":["a"],"signal":99}',
      400,
      'no signal number 99',
    ],
    [
      'SIGSTOP, which pause sends',
      '/services/kill',
      '{"services":["a"],"signal":"STOP"}',
      400,
      '`devenv pause`',
    ],
    [
      'a signal that is not a name',
      '/services/kill',
      '{"services":["a"],"signal":[9]}',
      400,
      'signal name or number',
    ],
    [
      'a signal for pause',
      '/services/pause',
      '{"services":["a"],"signal":"SIGHUP"}',
      400,
      'unknown field "signal"',
    ],
    ['no services', '/services/unpause', '{}', 400, '"services" must name at least one'],
    ['a name that is not a string', '/services/kill', '{"services":[1]}', 400, '"services"[0]'],
  ];
  for (const [what, url, body, status, message] of refusals) {
    it(`refuses ${what} with ${status}`, () => {
      const parsed = post(url, body);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.error.status).toBe(status);
      expect(parsed.error.message).toContain(message);
    });
  }

  it('takes POST only', () => {
    const parsed = parseControlRequest({ method: 'GET', url: '/services/kill', body: '' });
    expect(parsed.ok ? undefined : parsed.error).toMatchObject({ status: 405, allow: 'POST' });
  });
});
