import { describe, expect, it } from 'vitest';
import { NO_FIELDS, parseLine, sniffLevel } from './parse-line.js';

describe('parseLine on JSON lines', () => {
  it('reads a pino line: numeric level, msg, epoch-ms time, the rest as fields', () => {
    const text =
      '{"level":30,"time":1700000000123,"pid":7,"hostname":"h","msg":"started","workflowId":"wf-1"}';
    expect(parseLine(text)).toEqual({
      level: 'info',
      msg: 'started',
      ts: 1700000000123,
      fields: { pid: 7, hostname: 'h', workflowId: 'wf-1' },
    });
  });

  it.each([
    [10, 'trace'],
    [20, 'debug'],
    [35, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'fatal'],
  ])('maps pino level %d to %s', (level, name) => {
    expect(parseLine(`{"level":${level},"msg":"m"}`).level).toBe(name);
  });

  it("reads the Temporal server's zap JSON: string level, ISO ts", () => {
    const text =
      '{"level":"warn","ts":"2024-05-01T10:00:00.250Z","msg":"poll timed out","service":"matching"}';
    expect(parseLine(text)).toEqual({
      level: 'warn',
      msg: 'poll timed out',
      ts: Date.parse('2024-05-01T10:00:00.250Z'),
      fields: { service: 'matching' },
    });
  });

  it("reads zap's default epoch-seconds ts", () => {
    expect(parseLine('{"level":"info","ts":1700000000.5,"msg":"m"}').ts).toBe(1700000000500);
  });

  it('reads a Python json logger line (levelname, message)', () => {
    const text = '{"asctime":"x","levelname":"WARNING","name":"worker","message":"slow activity"}';
    expect(parseLine(text)).toMatchObject({
      level: 'warn',
      msg: 'slow activity',
      ts: undefined,
      fields: { asctime: 'x', name: 'worker' },
    });
  });

  it('keeps an unreadable level or time as a field and the whole line as msg when there is none', () => {
    const text = '{"level":"loud","time":"yesterday","n":1}';
    expect(parseLine(text)).toEqual({
      level: undefined,
      msg: text,
      ts: undefined,
      fields: { level: 'loud', time: 'yesterday', n: 1 },
    });
  });

  it('keeps an own __proto__ key as a field, not as the prototype', () => {
    const parsed = parseLine('{"msg":"m","__proto__":{"polluted":true}}');
    expect(Object.getPrototypeOf(parsed.fields)).toBe(Object.prototype);
    expect(Object.keys(parsed.fields)).toEqual(['__proto__']);
  });

  it.each([
    ['{"le\\u0076el":50,"msg":"escaped key"}', 'error', 'escaped key'],
    ['{"level":50,"level":"info","msg":"first","msg":"second"}', 'info', 'second'],
    ['{"level":"info","msg":"café ✓ 😀"}', 'info', 'café ✓ 😀'],
    ['{"level":1e400,"msg":"too big"}', undefined, 'too big'],
    ['{\t"level"\r:\n"warn" ,"msg":"m"}', 'warn', 'm'],
  ])(
    'reads %s as JSON.parse does (escapes, duplicates, non-ASCII, whitespace)',
    (text, level, msg) => {
      expect(parseLine(text)).toMatchObject({ level, msg });
    },
  );

  it.each(['{not json}', '{"a":1', '[1,2]', '{"a":1} trailing', '{}x'])(
    'treats %s as plain text',
    (text) => {
      expect(parseLine(text)).toEqual({
        level: undefined,
        msg: text,
        fields: NO_FIELDS,
        ts: undefined,
      });
    },
  );
});

describe('parseLine on plain lines', () => {
  it('reads a logfmt line (slog, the Temporal CLI) into level, message, time and fields', () => {
    const parsed = parseLine(
      'time=2024-05-01T10:00:00.250Z level=WARN msg="history shard \\"3\\" slow" shard-id=3 verbose',
    );
    expect(parsed).toEqual({
      level: 'warn',
      msg: 'history shard "3" slow',
      ts: Date.parse('2024-05-01T10:00:00.250Z'),
      fields: { 'shard-id': '3', verbose: true },
    });
  });

  it.each(['the level=info is just prose', 'msg="unclosed quote level=info', '=x level=info'])(
    'leaves %j as plain text: not logfmt from its first token',
    (text) => {
      expect(parseLine(text).fields).toBe(NO_FIELDS);
      expect(parseLine(text).msg).toBe(text);
    },
  );

  it('keeps the text as msg with no fields', () => {
    const parsed = parseLine('listening on :7233');
    expect(parsed).toEqual({
      level: undefined,
      msg: 'listening on :7233',
      fields: {},
      ts: undefined,
    });
    expect(parsed.fields).toBe(NO_FIELDS);
  });

  it.each([
    ['ERROR failed to connect', 'error'],
    ['WARN disk almost full', 'warn'],
    ['WARNING:root:deprecated', 'warn'],
    ['[INFO] ready', 'info'],
    ['DEBUG: x=1', 'debug'],
    ['FATAL boom', 'fatal'],
    ['CRITICAL boom', 'fatal'],
    ['\u001b[31mERROR\u001b[0m red', 'error'],
    ['2024-05-01T10:00:00.123Z ERROR after a timestamp', 'error'],
    ['2024-05-01 10:00:00,123 WARNING python default format', 'warn'],
    ['time=2024-05-01T10:00:00Z level=INFO msg="Temporal server started"', 'info'],
    ['level=error msg=x', 'error'],
    ['ts=1 lvl=warn msg=y', 'warn'],
    ['time=x level="debug" msg=quoted', 'debug'],
  ])('sniffs %j as %s', (text, level) => {
    expect(sniffLevel(text)).toBe(level);
  });

  it.each([
    'error handling finished',
    'INFORMATIONAL text',
    'ERRORS: none',
    'Info about something',
    'the level=info is just prose',
    'xlevel=error',
    'ERROR-prone code path',
    '',
  ])('does not guess a level for %j', (text) => {
    expect(sniffLevel(text)).toBeUndefined();
  });
});
