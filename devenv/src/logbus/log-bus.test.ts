import { setImmediate as nextTick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogBus, recordBytes } from './log-bus.js';
import type { LogRecord } from './log-record.js';
import type { LogSink, SinkFailure } from './log-sink.js';

/** A sink that keeps what it is given, so tests can see batches as the bus hands them out. */
function recordingSink(name = 'memory'): LogSink & { batches: LogRecord[][]; closed: boolean } {
  return {
    name,
    batches: [],
    closed: false,
    accept(records) {
      this.batches.push([...records]);
    },
    dropped: () => 0,
    lastFailure: (): SinkFailure | undefined => undefined,
    async close() {
      this.closed = true;
    },
  };
}

const texts = (records: readonly LogRecord[]): string[] => records.map((r) => r.text);

describe('log bus: writing', () => {
  it('splits raw chunks per service and stream, and numbers records in arrival order', () => {
    const bus = createLogBus({ now: () => 1000 });
    bus.write('api', 'stdout', Buffer.from('a1\na'));
    bus.write('api', 'stderr', 'e1\n');
    bus.write('worker', 'stdout', 'w1\n');
    bus.write('api', 'stdout', '2\n');
    expect(bus.tail('api').map((r) => [r.seq, r.stream, r.text])).toEqual([
      [1, 'stdout', 'a1'],
      [2, 'stderr', 'e1'],
      [4, 'stdout', 'a2'],
    ]);
    expect(bus.tail(undefined).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(bus.services()).toEqual(['api', 'worker']);
  });

  it('makes records from JSON lines with level, msg, fields and the line’s own time', () => {
    const bus = createLogBus({ now: () => 5 });
    bus.write(
      'w',
      'stdout',
      '{"level":50,"time":1700000000000,"msg":"boom","workflowId":"x"}\nplain\n',
    );
    const [json, plain] = bus.tail('w');
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      seq: 1,
      service: 'w',
      stream: 'stdout',
      ts: 1700000000000,
      received: 5,
      level: 'error',
      msg: 'boom',
      fields: { workflowId: 'x' },
      text: '{"level":50,"time":1700000000000,"msg":"boom","workflowId":"x"}',
    });
    expect([plain?.ts, plain?.level, plain?.msg, plain?.text]).toEqual([
      5,
      undefined,
      'plain',
      'plain',
    ]);
  });

  it('appends devenv lines with a given level, one record per line', () => {
    const bus = createLogBus();
    bus.append('api', 'devenv', 'exited with code 1\r\nrestarting in 2s', 'warn');
    expect(bus.tail('api').map((r) => [r.stream, r.level, r.text])).toEqual([
      ['devenv', 'warn', 'exited with code 1'],
      ['devenv', 'warn', 'restarting in 2s'],
    ]);
  });

  it('flushes the unterminated last line of one stream or of all streams', () => {
    const bus = createLogBus();
    bus.write('api', 'stdout', 'partial out');
    bus.write('api', 'stderr', 'partial err');
    bus.flush('api', 'stderr');
    expect(texts(bus.tail('api'))).toEqual(['partial err']);
    bus.flush('api');
    expect(texts(bus.tail('api'))).toEqual(['partial err', 'partial out']);
    bus.flush('unknown');
  });

  it('caps long lines', () => {
    const bus = createLogBus({ maxLineChars: 5 });
    bus.write('a', 'stdout', 'abcdefgh\n');
    bus.append('a', 'devenv', 'ABCDEFGH');
    expect(texts(bus.tail('a'))).toEqual([
      'abcde …[truncated 3 chars]',
      'ABCDE …[truncated 3 chars]',
    ]);
  });
});

describe('log bus: tail and search', () => {
  const bus = createLogBus();
  for (let i = 1; i <= 10; i++) bus.write(i % 2 === 0 ? 'even' : 'odd', 'stdout', `line ${i}\n`);

  it('tails the last `limit` records, or a window `fromEnd` back', () => {
    expect(texts(bus.tail('even', { limit: 2 }))).toEqual(['line 8', 'line 10']);
    expect(texts(bus.tail('even', { fromEnd: 4, limit: 2 }))).toEqual(['line 4', 'line 6']);
    expect(texts(bus.tail('even', { fromEnd: 99 }))).toHaveLength(5);
    expect(bus.tail('nobody')).toEqual([]);
  });

  it('merges all services by seq', () => {
    expect(texts(bus.tail(undefined, { limit: 3 }))).toEqual(['line 8', 'line 9', 'line 10']);
    expect(texts(bus.tail(undefined, { fromEnd: 5, limit: 2 }))).toEqual(['line 6', 'line 7']);
    expect(bus.tail(undefined).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('searches text case-insensitively, by regex, by service, newest `limit` first in order', () => {
    expect(texts(bus.search({ text: 'LINE 1' }))).toEqual(['line 1', 'line 10']);
    expect(texts(bus.search({ regex: /line [23]$/g }))).toEqual(['line 2', 'line 3']);
    expect(texts(bus.search({ service: 'odd', limit: 2 }))).toEqual(['line 7', 'line 9']);
    expect(texts(bus.search({ limit: 3 }))).toEqual(['line 8', 'line 9', 'line 10']);
    expect(bus.search({ service: 'nobody' })).toEqual([]);
  });

  it('searches by level, minimum level and field value', () => {
    const leveled = createLogBus();
    leveled.write(
      'w',
      'stdout',
      [
        '{"level":30,"msg":"ok","status":200}',
        '{"level":40,"msg":"slow","status":200}',
        '{"level":50,"msg":"failed","status":500}',
        'no level here',
      ].join('\n') + '\n',
    );
    const msgs = (records: LogRecord[]): string[] => records.map((r) => r.msg);
    expect(msgs(leveled.search({ level: 'warn' }))).toEqual(['slow']);
    expect(msgs(leveled.search({ minLevel: 'warn' }))).toEqual(['slow', 'failed']);
    expect(msgs(leveled.search({ fieldEquals: { key: 'status', value: '200' } }))).toEqual([
      'ok',
      'slow',
    ]);
    expect(
      msgs(leveled.search({ fieldEquals: { key: 'status', value: 500 }, text: 'FAIL' })),
    ).toEqual(['failed']);
  });
});

describe('log bus: subscribers and sinks', () => {
  it('delivers a burst as one batch on a later tick, filtered per subscriber', async () => {
    const bus = createLogBus();
    const all: LogRecord[][] = [];
    const errors: LogRecord[][] = [];
    bus.subscribe({}, (records) => void all.push([...records]));
    bus.subscribe(
      { service: 'api', minLevel: 'error' },
      (records) => void errors.push([...records]),
    );
    for (let i = 0; i < 10_000; i++)
      bus.write('api', 'stdout', `${i % 100 === 0 ? 'ERROR' : 'INFO'} ${i}\n`);
    expect(all).toEqual([]); // Never on the writer's stack.
    await nextTick();
    expect(all).toHaveLength(1);
    expect(all[0]).toHaveLength(10_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.map((r) => r.text)).toHaveLength(100);
  });

  it('isolates a throwing subscriber and a throwing sink from the others', async () => {
    const good = recordingSink('good');
    const bad: LogSink = {
      ...recordingSink('bad'),
      accept: () => {
        throw new Error('sink bug');
      },
    };
    const bus = createLogBus({ sinks: [bad, good] });
    const seen: string[] = [];
    bus.subscribe({}, () => {
      throw new Error('subscriber bug');
    });
    bus.subscribe({}, (records) => void seen.push(...texts(records)));
    bus.write('a', 'stdout', 'one\n');
    await nextTick();
    bus.write('a', 'stdout', 'two\n');
    await nextTick();
    expect(seen).toEqual(['one', 'two']);
    expect(good.batches.map(texts)).toEqual([['one'], ['two']]);
    expect(bus.stats().consumerErrors).toBe(4);
  });

  it('never re-enters a busy async subscriber: later batches wait and arrive merged, within a bound', async () => {
    const bus = createLogBus({ maxSubscriberBacklog: 3 });
    const calls: string[][] = [];
    let release: () => void = () => undefined;
    bus.subscribe({}, async (records) => {
      calls.push(texts(records));
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const fast: string[] = [];
    bus.subscribe({}, (records) => void fast.push(...texts(records)));
    bus.write('a', 'stdout', '1\n');
    await nextTick();
    for (const n of ['2', '3', '4', '5']) {
      bus.write('a', 'stdout', `${n}\n`);
      await nextTick();
    }
    expect(calls).toEqual([['1']]);
    expect(fast).toEqual(['1', '2', '3', '4', '5']); // The slow one holds nobody up.
    release();
    await nextTick();
    expect(calls).toEqual([['1'], ['2', '3', '4']]);
    expect(bus.stats().droppedBySubscribers).toBe(1);
  });

  it('stops delivering after unsubscribe', async () => {
    const bus = createLogBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe({}, (records) => void seen.push(...texts(records)));
    bus.write('a', 'stdout', 'before\n');
    await nextTick();
    unsubscribe();
    bus.write('a', 'stdout', 'after\n');
    await nextTick();
    expect(seen).toEqual(['before']);
  });

  it('on close, emits partial lines, delivers the last batch, closes sinks, ignores later writes', async () => {
    const sink = recordingSink();
    const bus = createLogBus({ sinks: [sink] });
    bus.write('a', 'stdout', 'done\nno newline');
    await bus.close();
    expect(sink.batches.map(texts)).toEqual([['done', 'no newline']]);
    expect(sink.closed).toBe(true);
    bus.write('a', 'stdout', 'late\n');
    expect(bus.stats().records).toBe(2);
  });

  it('reports counts, held bytes and drops by sink', () => {
    const lossy: LogSink = { ...recordingSink('loki'), dropped: () => 7 };
    const bus = createLogBus({ sinks: [lossy], maxRecordsPerService: 2 });
    bus.write('a', 'stdout', 'x\ny\nz\n');
    const held = bus.tail('a');
    expect(bus.stats()).toEqual({
      records: 3,
      buffered: 2,
      bytes: held.reduce((sum, r) => sum + recordBytes(r), 0),
      evicted: 1,
      droppedBySink: { loki: 7 },
      sinkFailures: {},
      droppedBySubscribers: 0,
      consumerErrors: 0,
    });
  });
});
