import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatcherProcess, type DispatcherProcess } from './dispatcher-process.js';
import { startDevServer, type DevServer } from './temporal-dev-server.js';

/**
 * Property: every malformed request gets a 4xx with a JSON error body; no 5xx; the process stays
 * up. Against the real dispatcher process and a real dev server (so "valid-looking" IDs really are
 * looked up in Temporal).
 */
let temporal: DevServer;
let dispatcher: DispatcherProcess;

beforeAll(async () => {
  temporal = await startDevServer();
  dispatcher = await startDispatcherProcess({ TEMPORAL_HOST: temporal.address });
}, 90_000);

afterAll(async () => {
  await dispatcher?.stop();
  await temporal?.stop();
});

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** node:http rather than fetch: fetch refuses methods such as TRACE, which clients do send. */
function send(request: FuzzRequest): Promise<{ status: number; type: string; text: string }> {
  const url = new URL(request.path, dispatcher.httpUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: request.method, headers: request.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

interface FuzzRequest {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const START_ROUTES = {
  '/typescript/demo-mixed': { name: 'alice' },
  '/typescript/demo': { name: 'alice' },
  '/python/demo': { name: 'alice' },
  '/typescript/summarize-patient-context': {
    patient_id: 'p-1',
    max_events: 3,
    since: '2024-01-01T00:00:00Z',
  },
  '/typescript/reminders': { duration: '60s', label: 'x' },
} as const;
type StartPath = keyof typeof START_ROUTES;
const startPath = fc.constantFrom(...(Object.keys(START_ROUTES) as StartPath[]));

/** A value of the wrong JSON type for a field that wants `want`. */
const wrongFor = (want: 'string' | 'int' | 'duration' | 'timestamp') =>
  want === 'string'
    ? fc.oneof(
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 3 }),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
      )
    : want === 'int'
      ? fc.oneof(
          fc.string(),
          fc.double({ noInteger: true, noNaN: true }),
          fc.boolean(),
          fc.constant(2 ** 40),
          fc.constant(-1),
          fc.array(fc.integer(), { maxLength: 2 }),
        )
      : fc.oneof(
          fc.integer(),
          fc.constant('-5s'),
          fc.constant('0s'),
          fc.constant('1 day'),
          fc.string().filter((s) => !/^\d+(\.\d+)?s$/.test(s)),
          fc.constant(true),
        );
const FIELD_TYPES: Record<string, 'string' | 'int' | 'duration' | 'timestamp'> = {
  name: 'string',
  patient_id: 'string',
  label: 'string',
  max_events: 'int',
  duration: 'duration',
  since: 'timestamp',
};

const wrongType = startPath.chain((path) => {
  const valid = START_ROUTES[path] as Record<string, unknown>;
  return fc.constantFrom(...Object.keys(valid)).chain((field) =>
    (FIELD_TYPES[field] === 'timestamp'
      ? fc.oneof(fc.integer(), fc.constant('yesterday'), fc.constant('2024-13-45T00:00:00Z'))
      : wrongFor(FIELD_TYPES[field]!)
    ).map((bad): FuzzRequest => ({
      kind: 'wrong-type',
      method: 'POST',
      path,
      headers: JSON_TYPE,
      body: JSON.stringify({ ...valid, [field]: bad }),
    })),
  );
});

const hugeString = fc
  .tuple(startPath, fc.integer({ min: 1_025, max: 20_000 }), fc.boolean())
  .map(([path, length, overLimit]): FuzzRequest => {
    const valid = START_ROUTES[path] as Record<string, unknown>;
    const field = Object.keys(valid).find((k) => FIELD_TYPES[k] === 'string')!;
    // Either a field over its 1024-character limit (400) or a body over the 64 KiB limit (413).
    const text = 'ü'.repeat(overLimit ? 70_000 : length);
    return {
      kind: 'huge-string',
      method: 'POST',
      path,
      headers: JSON_TYPE,
      body: JSON.stringify({ ...valid, [field]: text }),
    };
  });

const unicode = fc
  .tuple(startPath, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.nat(2))
  .map(([path, text, variant]): FuzzRequest => {
    const valid = START_ROUTES[path] as Record<string, unknown>;
    const field = Object.keys(valid).find((k) => FIELD_TYPES[k] === 'string')!;
    const body =
      variant === 0
        ? JSON.stringify({ ...valid, [`✗${text}`]: text }) // unknown (unicode) field
        : variant === 1
          ? JSON.stringify({ ...valid }).replace(
              /}$/,
              `,"${field}_":"${text.replace(/["\\]/g, '')}"}`,
            ) // unknown field
          : JSON.stringify({ ...valid, [field]: 'x' }).replace(
              '"x"',
              '"\\ud800' + text.replace(/["\\]/g, '') + '"',
            ); // lone surrogate
    return { kind: 'unicode', method: 'POST', path, headers: JSON_TYPE, body };
  });

const missingFields = startPath
  .filter((p) => p !== '/typescript/summarize-patient-context' || true)
  .chain((path) => {
    const valid = START_ROUTES[path] as Record<string, unknown>;
    const required =
      path === '/typescript/reminders'
        ? 'duration'
        : path.includes('patient')
          ? 'patient_id'
          : 'name';
    return fc.boolean().map((empty): FuzzRequest => {
      const rest = Object.fromEntries(Object.entries(valid).filter(([k]) => k !== required));
      return {
        kind: 'missing-field',
        method: 'POST',
        path,
        headers: JSON_TYPE,
        body: JSON.stringify(empty ? {} : rest),
      };
    });
  });

const badJson = fc
  .tuple(startPath, fc.string({ maxLength: 200 }))
  .map(([path, text]): FuzzRequest => ({
    kind: 'bad-json',
    method: 'POST',
    path,
    headers: JSON_TYPE,
    // A leading `{` without a closing one can never parse.
    body: `{${text.replace(/}/g, '')}`,
  }));

const wrongContentType = fc
  .tuple(
    startPath,
    fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      'image/png',
    ),
  )
  .map(([path, type]): FuzzRequest => ({
    kind: 'content-type',
    method: 'POST',
    path,
    headers: { 'content-type': type },
    body: 'name=alice',
  }));

const wrongMethod = fc.oneof(
  fc
    .tuple(
      startPath,
      fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'OPTIONS', 'PROPFIND'),
    )
    .map(([path, method]): FuzzRequest => ({ kind: 'method', method, path, headers: {} })),
  fc.constantFrom('/workflows/x', '/workflows/x/result', '/healthz', '/metrics').chain((path) =>
    fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH').map((method): FuzzRequest => ({
      kind: 'method',
      method,
      path,
      headers: JSON_TYPE,
      body: '{}',
    })),
  ),
  fc
    .constantFrom('/workflows/x/cancel', '/typescript/reminders/x/snooze')
    .chain((path) =>
      fc
        .constantFrom('GET', 'PUT', 'DELETE')
        .map((method): FuzzRequest => ({ kind: 'method', method, path, headers: {} })),
    ),
);

const badQueries = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }).map((id): FuzzRequest => ({
    kind: 'unknown-id',
    method: 'GET',
    path: `/workflows/${encodeURIComponent(id)}`,
    headers: {},
  })),
  fc
    .string({ maxLength: 40 })
    .filter((s) => !/^\d{1,6}(\.\d{1,3})?$/.test(s) && s !== 'true' && s !== 'false')
    .map((wait): FuzzRequest => ({
      kind: 'bad-query',
      method: 'GET',
      path: `/workflows/x/result?wait=${encodeURIComponent(wait)}`,
      headers: {},
    })),
  fc.string({ maxLength: 40 }).map((run): FuzzRequest => ({
    kind: 'bad-query',
    method: 'GET',
    path: `/workflows/x?run_id=not-a-uuid${encodeURIComponent(run)}`,
    headers: {},
  })),
  fc
    .tuple(
      startPath,
      fc
        .string({ minLength: 1, maxLength: 20 })
        .filter(
          (k) => !['name', 'patient_id', 'label', 'max_events', 'duration', 'since'].includes(k),
        ),
    )
    .map(([path, key]): FuzzRequest => ({
      kind: 'bad-query',
      method: 'POST',
      path: `${path}?${encodeURIComponent(key)}=1`,
      headers: JSON_TYPE,
      body: JSON.stringify(START_ROUTES[path]),
    })),
  fc.integer({ min: -5, max: 0 }).map((by): FuzzRequest => ({
    kind: 'bad-signal',
    method: 'POST',
    path: '/typescript/reminders/x/snooze',
    headers: JSON_TYPE,
    body: JSON.stringify({ by_ms: by }),
  })),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((route): FuzzRequest => ({
    kind: 'unknown-route',
    method: 'GET',
    path: `/no/${encodeURIComponent(route)}`,
    headers: {},
  })),
);

const anyBadRequest = fc.oneof(
  wrongType,
  hugeString,
  unicode,
  missingFields,
  badJson,
  wrongContentType,
  wrongMethod,
  badQueries,
);

describe('malformed requests (property-based)', () => {
  it('2,200 generated bad requests: all 4xx with a JSON error, none 5xx, the process stays up', async () => {
    const byKind = new Map<string, number>();
    const statuses = new Map<number, number>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(anyBadRequest, async (request) => {
        const response = await send(request);
        sent++;
        byKind.set(request.kind, (byKind.get(request.kind) ?? 0) + 1);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = response.text;
        expect(
          response.status,
          `${request.kind} ${request.method} ${request.path}: ${text}`,
        ).toBeGreaterThanOrEqual(400);
        expect(
          response.status,
          `${request.kind} ${request.method} ${request.path}: ${text}`,
        ).toBeLessThan(500);
        if (request.method === 'HEAD') return;
        expect(response.type).toMatch(/^application\/json/);
        const body = JSON.parse(text) as { error?: unknown; message?: unknown };
        expect(typeof body.error).toBe('string');
        expect(typeof body.message).toBe('string');
        expect(text).not.toMatch(/\n\s+at /);
      }),
      { numRuns: 2_200, seed: Number(process.env['FUZZ_SEED'] ?? 20_261_123), endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(2_000);
    // Every category was exercised, not just the cheapest one.
    expect([...byKind.keys()].sort()).toEqual(
      [
        'bad-json',
        'bad-query',
        'bad-signal',
        'content-type',
        'huge-string',
        'method',
        'missing-field',
        'unicode',
        'unknown-id',
        'unknown-route',
        'wrong-type',
      ].sort(),
    );
    expect(dispatcher.child.exitCode).toBeNull();
    expect((await fetch(`${dispatcher.httpUrl}/healthz`)).status).toBe(200);
    expect(dispatcher.logs.filter((l) => l['level'] === 50 || l['level'] === 60)).toEqual([]);
  }, 240_000);
});
