import { describe, expect, it } from 'vitest';
import { LineRecord } from './line-record.js';

const JSON_LINE = '{"level":40,"time":1700000000000,"msg":"slow","workflowId":"wf-1"}';

describe('LineRecord (what a line says about itself, read on first use)', () => {
  it('reads level, message, time and fields of a JSON line from its text', () => {
    const record = new LineRecord(7, 'worker', 'stdout', JSON_LINE, 5);
    expect([record.level, record.msg, record.ts, record.received]).toEqual([
      'warn',
      'slow',
      1700000000000,
      5,
    ]);
    expect({ ...record.fields }).toEqual({ workflowId: 'wf-1' });
  });

  it('keeps the arrival time for a line without its own, and a level devenv gave it', () => {
    const record = new LineRecord(1, 'api', 'devenv', 'exited with code 1', 42, 'error');
    expect([record.level, record.msg, record.ts]).toEqual(['error', 'exited with code 1', 42]);
  });

  it('serialises like a plain record (getters are not own properties)', () => {
    const record = new LineRecord(3, 'worker', 'stderr', JSON_LINE, 5);
    expect(JSON.parse(JSON.stringify(record))).toEqual({
      seq: 3,
      service: 'worker',
      stream: 'stderr',
      ts: 1700000000000,
      received: 5,
      level: 'warn',
      msg: 'slow',
      fields: { workflowId: 'wf-1' },
      text: JSON_LINE,
    });
  });
});
