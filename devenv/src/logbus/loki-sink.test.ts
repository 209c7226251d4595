import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogBus } from './log-bus.js';
import type { LogRecord } from './log-record.js';
import { createLokiSink, nanoseconds } from './loki-sink.js';
import type { LokiEntry, LokiStream } from './loki-sink.js';

interface Push {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly streams: LokiStream[];
}

/** What the stand-in answers to the n-th request (0-based): a status, or never answering. */
type Behaviour = (n: number) => { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A stand-in for Loki: a real HTTP server on 127.0.0.1 that records each push body. Loki itself
 * cannot run here; the sink only sees HTTP, so this exercises the real request path.
 */
interface LokiStandIn {
  readonly url: string;
  readonly pushes: Push[];
  /** Requests received, including ones left hanging. */
  requests(): number;
}

const servers: { server: Server; hanging: ServerResponse[] }[] = [];
afterEach(async () => {
  for (const { server, hanging } of servers.splice(0)) {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startLokiStandIn(
  behaviour: Behaviour = () => ({ status: 204 }),
): Promise<LokiStandIn> {
  const pushes: Push[] = [];
  const hanging: ServerResponse[] = [];
  let requests = 0;
  const server = createServer((request, response) => {
    const n = requests++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = behaviour(n);
      if (answer === 'hang') {
        hanging.push(response);
        return;
      }
      if (answer.status < 300) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          streams: LokiStream[];
        };
        pushes.push({ path: request.url ?? '', headers: request.headers, streams: body.streams });
      }
      response
        .writeHead(answer.status, answer.headers)
        .end(answer.status < 300 ? '' : 'stand-in says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ server, hanging });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, pushes, requests: () => requests };
}

let seq = 0;
function record(text: string, extra: Partial<LogRecord> = {}): LogRecord {
  seq += 1;
  return {
    seq,
    service: 'api',
    stream: 'stdout',
    ts: 1_700_000_000_123,
    received: 1_700_000_000_456,
    level: 'info',
    msg: text,
    fields: {},
    text,
    ...extra,
  };
}

const entries = (pushes: Push[]): LokiEntry[] =>
  pushes.flatMap((p) => p.streams.flatMap((s) => s.values));

describe('Loki sink against a stand-in for Loki (local HTTP server; Loki cannot run here)', () => {
  it('pushes streams labelled {project, service, stream, level} with ns timestamps and workflow ids as structured metadata', async () => {
    const loki = await startLokiStandIn();
    const sink = createLokiSink({
      url: `${loki.url}/`,
      project: 'time-cop',
      headers: { 'X-Scope-OrgID': 'dev' },
    });
    const bus = createLogBus({ sinks: [sink], now: () => 1_700_000_000_500 });
    bus.write(
      'worker',
      'stdout',
      [
        '{"level":30,"time":1700000000123,"msg":"activity done","workflowId":"wf-1","runId":"run-1"}',
        '{"level":50,"time":1700000000124,"msg":"failed","workflow_id":"wf-2"}',
        '{"level":30,"time":1700000000125,"msg":"no workflow"}',
      ].join('\n') + '\n',
    );
    bus.write('worker', 'stderr', 'plain trouble\n');
    await bus.close();

    expect(loki.pushes).toHaveLength(1);
    const [push] = loki.pushes;
    expect(push?.path).toBe('/loki/api/v1/push');
    expect(push?.headers['content-type']).toBe('application/json');
    expect(push?.headers['x-scope-orgid']).toBe('dev');
    expect(push?.streams).toEqual([
      {
        stream: { project: 'time-cop', service: 'worker', stream: 'stdout', level: 'info' },
        values: [
          [
            '1700000000123000001',
            '{"level":30,"time":1700000000123,"msg":"activity done","workflowId":"wf-1","runId":"run-1"}',
            { workflow_id: 'wf-1', run_id: 'run-1' },
          ],
          ['1700000000125000003', '{"level":30,"time":1700000000125,"msg":"no workflow"}'],
        ],
      },
      {
        stream: { project: 'time-cop', service: 'worker', stream: 'stdout', level: 'error' },
        values: [
          [
            '1700000000124000002',
            '{"level":50,"time":1700000000124,"msg":"failed","workflow_id":"wf-2"}',
            { workflow_id: 'wf-2' },
          ],
        ],
      },
      {
        stream: { project: 'time-cop', service: 'worker', stream: 'stderr', level: 'unknown' },
        values: [['1700000000500000004', 'plain trouble']],
      },
    ]);
    expect(sink.status()).toMatchObject({ sentRecords: 4, sentBatches: 1, dropped: 0 });
  });

  it('keeps equal lines in one millisecond distinct and ordered through the sub-ms digits', () => {
    const a = nanoseconds(record('same', { seq: 41, ts: 1_700_000_000_123.9 }));
    const b = nanoseconds(record('same', { seq: 42, ts: 1_700_000_000_123 }));
    expect([a, b]).toEqual(['1700000000123000041', '1700000000123000042']);
    expect(a.length).toBe(19);
  });

  it('batches by count, and sends a partial batch once it is old enough', async () => {
    const loki = await startLokiStandIn();
    const sink = createLokiSink({
      url: loki.url,
      project: 'p',
      batchMaxRecords: 100,
      batchMaxAgeMs: 100,
    });
    sink.accept(Array.from({ length: 250 }, (_, i) => record(`r${i}`)));
    await expect.poll(() => loki.pushes.length, { timeout: 2000, interval: 5 }).toBe(3);
    expect(loki.pushes.map((p) => entries([p]).length)).toEqual([100, 100, 50]);
    expect(entries(loki.pushes).map((e) => e[1])).toEqual(
      Array.from({ length: 250 }, (_, i) => `r${i}`),
    );
    await sink.close();
  });

  it('waits for the age limit before sending a small batch', async () => {
    const loki = await startLokiStandIn();
    const sink = createLokiSink({ url: loki.url, project: 'p', batchMaxAgeMs: 300 });
    sink.accept([record('a')]);
    sink.accept([record('b')]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(loki.requests()).toBe(0);
    await expect.poll(() => loki.pushes.length, { timeout: 2000, interval: 10 }).toBe(1);
    expect(entries(loki.pushes).map((e) => e[1])).toEqual(['a', 'b']);
    await sink.close();
  });

  it('retries 503 and 429 with backoff, then delivers the batch once', async () => {
    const loki = await startLokiStandIn((n) =>
      n === 0
        ? { status: 503 }
        : n === 1
          ? { status: 429, headers: { 'retry-after': '0' } }
          : { status: 204 },
    );
    const sink = createLokiSink({ url: loki.url, project: 'p', backoffInitialMs: 5 });
    sink.accept([record('x'), record('y')]);
    await sink.close();
    expect(loki.requests()).toBe(3);
    expect(entries(loki.pushes).map((e) => e[1])).toEqual(['x', 'y']);
    expect(sink.status()).toMatchObject({ sentRecords: 2, failedBatches: 0, dropped: 0 });
    expect(sink.lastFailure()).toBeUndefined();
  });

  it('gives a batch up after maxAttempts and counts its records', async () => {
    const loki = await startLokiStandIn(() => ({ status: 500 }));
    const sink = createLokiSink({
      url: loki.url,
      project: 'p',
      maxAttempts: 3,
      backoffInitialMs: 1,
    });
    sink.accept([record('x'), record('y'), record('z')]);
    await sink.close();
    expect(loki.requests()).toBe(3);
    expect(sink.status()).toMatchObject({ sentRecords: 0, failedBatches: 1, dropped: 3 });
    expect(sink.lastFailure()).toEqual({
      reason: 'loki-gave-up',
      attempts: 3,
      lastError: 'HTTP 500: stand-in says no',
      records: 3,
    });
  });

  it('does not retry a rejection such as 400', async () => {
    const loki = await startLokiStandIn(() => ({ status: 400 }));
    const sink = createLokiSink({ url: loki.url, project: 'p', backoffInitialMs: 1 });
    sink.accept([record('x')]);
    await sink.close();
    expect(loki.requests()).toBe(1);
    expect(sink.lastFailure()).toMatchObject({ reason: 'loki-rejected', status: 400, records: 1 });
    expect(sink.dropped()).toBe(1);
  });

  it('counts records as dropped when Loki is down (connection refused)', async () => {
    const loki = await startLokiStandIn();
    const { server } = servers.pop()!;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const sink = createLokiSink({
      url: loki.url,
      project: 'p',
      maxAttempts: 2,
      backoffInitialMs: 1,
    });
    sink.accept([record('x'), record('y')]);
    await sink.close();
    expect(sink.status()).toMatchObject({ failedBatches: 1, dropped: 2 });
    expect(sink.lastFailure()).toMatchObject({ reason: 'loki-gave-up', attempts: 2 });
  });

  it('keeps bus writes fast and memory bounded while Loki hangs, counting every record it could not send', async () => {
    const loki = await startLokiStandIn(() => 'hang');
    const sink = createLokiSink({
      url: loki.url,
      project: 'p',
      batchMaxRecords: 500,
      maxQueueRecords: 2000,
      timeoutMs: 60_000,
      closeTimeoutMs: 200,
    });
    const lines = 100_000;
    const payload =
      Array.from({ length: 1000 }, (_, i) => `request ${i} handled in 3ms`).join('\n') + '\n';
    const feed = async (bus: ReturnType<typeof createLogBus>): Promise<number> => {
      let spent = 0;
      for (let written = 0; written < lines; written += 1000) {
        const start = performance.now();
        bus.write('api', 'stdout', payload);
        spent += performance.now() - start;
        await new Promise((resolve) => setImmediate(resolve)); // Let deliveries and I/O run.
      }
      return spent;
    };
    const baseline = await feed(createLogBus());
    const stalledBus = createLogBus({ sinks: [sink] });
    const stalled = await feed(stalledBus);

    expect(loki.requests()).toBe(1); // One batch in flight, never answered.
    expect(sink.status().queued).toBeLessThanOrEqual(2000);
    expect(stalled).toBeLessThan(baseline * 3 + 50);

    await stalledBus.close(); // Gives up at closeTimeoutMs.
    expect(stalledBus.stats().droppedBySink).toEqual({ loki: lines });
    expect(sink.status()).toMatchObject({ sentRecords: 0, queued: 0 });
  });
});
