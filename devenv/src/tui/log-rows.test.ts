import { describe, expect, it } from 'vitest';
import { LineRecord } from '../logbus/line-record.js';
import type { LogRecord } from '../logbus/log-record.js';
import { rowText } from '../logbus/render-record.js';
import { drawnRows } from './log-rows.js';

const long = (i: number) =>
  `{"level":30,"time":1796412797453,"workflow_id":"WorkflowDemoMixed-Ada-${i}","msg":"request completed ${i}"}`;

function lines(count: number): LineRecord[] {
  return Array.from(
    { length: count },
    (_, i) => new LineRecord(i, 'dispatcher', 'stdout', long(i), 1796412797453),
  );
}

describe('drawnRows', () => {
  it('all services: one line per row, cut at the width, newest at the bottom', () => {
    const rows = drawnRows(lines(50), {
      height: 5,
      width: 41,
      scroll: 0,
      wrap: false,
      showService: true,
    });
    expect(rows.map((r) => r.index)).toEqual([45, 46, 47, 48, 49]);
    for (const row of rows) {
      expect(row.lines).toBe(1);
      expect(rowText(row.segments)).toHaveLength(40);
    }
    expect(rowText(rows[4]?.segments ?? [])).toMatch(
      /^\d\d:\d\d:\d\d\.453 INFO {2}dispatcher \| request/,
    );
  });

  it('one service: long rows wrap whole, and as many fit as the height allows', () => {
    const rows = drawnRows(lines(50), {
      height: 7,
      width: 31,
      scroll: 2,
      wrap: true,
      showService: false,
    });
    // Each row is 76 characters: three lines of 30, so two rows fit in seven lines.
    expect(rows.map((r) => [r.index, r.lines])).toEqual([
      [46, 3],
      [47, 3],
    ]);
    expect(rowText(rows[1]?.segments ?? [])).toContain('workflow_id=WorkflowDemoMixed-Ada-47');
  });

  it('reads only the records it draws', () => {
    let inspected = 0;
    const counted = lines(1000).map((record): LogRecord => {
      const view = {
        seq: record.seq,
        service: record.service,
        stream: record.stream,
        text: record.text,
        received: record.received,
        get ts() {
          return record.ts;
        },
        get level() {
          return record.level;
        },
        get msg() {
          return record.msg;
        },
        get fields() {
          inspected += 1;
          return record.fields;
        },
      };
      return view;
    });
    drawnRows(counted, { height: 20, width: 120, scroll: 0, wrap: false, showService: true });
    expect(inspected).toBe(20);
  });
});
