import { beforeAll, describe, expect, it } from 'vitest';
import { LineRecord } from './line-record.js';
import { renderRecord, rowText, type RowSegment } from './render-record.js';

// A zone five and a half hours from UTC, so a row that printed UTC (or the epoch's own hours)
// would not pass by accident. The renderer shows local time.
beforeAll(() => {
  process.env['TZ'] = 'Asia/Kolkata';
});

const RECEIVED = Date.parse('2026-12-03T08:59:59.000Z');

function rendered(service: string, text: string, showService = true): RowSegment[] {
  return renderRecord(new LineRecord(1, service, 'stdout', text, RECEIVED), {
    service: showService,
  });
}

describe('renderRecord', () => {
  it('pino (the dispatcher): numeric level, epoch ms, fields after the message', () => {
    const row = rendered(
      'dispatcher',
      '{"level":40,"time":1796288339973,"service":"dispatcher","reqId":"req-1","workflowId":"WorkflowDemoMixed-Ada-1","msg":"workflow already running"}',
    );
    expect(rowText(row)).toBe(
      '14:28:59.973 WARN  dispatcher | workflow already running reqId=req-1 workflowId=WorkflowDemoMixed-Ada-1',
    );
    expect(row.map((s) => s.style)).toEqual(['time', 'level', 'service', 'msg', 'fields']);
    expect(row[1]).toMatchObject({ level: 'warn' });
  });

  it('the TypeScript worker (pino with string levels and ISO time)', () => {
    expect(
      rowText(
        rendered(
          'worker-typescript',
          '{"level":"info","time":"2026-12-03T08:59:00.355Z","service":"worker-typescript","pid":7084,"sdkComponent":"worker","taskQueue":"time-cop-typescript","msg":"Worker state changed"}',
        ),
      ),
    ).toBe(
      '14:29:00.355 INFO  worker-typescript | Worker state changed pid=7084 sdkComponent=worker taskQueue=time-cop-typescript',
    );
  });

  it('the Python worker’s JSON (logs.py: spaces after separators, msg last)', () => {
    expect(
      rowText(
        rendered(
          'worker-python',
          '{"level": "error", "time": "2026-12-04T19:33:17.916Z", "service": "worker-python", "pid": 19946, "logger": "temporalio.activity", "workflowId": "WorkflowDemoMixed-chaos-2", "attempt": 1, "msg": "saying hello failed", "err": "Traceback:\\n  boom"}',
        ),
      ),
    ).toBe(
      '01:03:17.916 ERROR worker-python | saying hello failed pid=19946 logger=temporalio.activity workflowId=WorkflowDemoMixed-chaos-2 attempt=1 err="Traceback:\\n  boom"',
    );
  });

  it('the Temporal server (zap): level word, ts in float seconds, logger and caller as fields', () => {
    expect(
      rowText(
        rendered(
          'temporal',
          '{"level":"info","ts":"2026-12-03T08:59:01.120Z","msg":"Service started","service":"history","logger":"temporal","caller":"temporal/fx.go:123"}',
        ),
      ),
    ).toBe(
      '14:29:01.120 INFO  temporal | Service started service=history logger=temporal caller=temporal/fx.go:123',
    );
    expect(
      rowText(
        rendered(
          'temporal',
          '{"level":"debug","ts":1796288341.5,"msg":"poll","caller":"matching/handler.go:9"}',
          false,
        ),
      ),
    ).toBe('14:29:01.500 DEBUG poll caller=matching/handler.go:9');
  });

  it('logfmt (slog, the Temporal CLI)', () => {
    expect(
      rowText(
        rendered(
          'temporal',
          'time=2026-12-03T08:59:02.000Z level=WARN msg="slow persistence" shard-id=3 latency=1.2s',
        ),
      ),
    ).toBe('14:29:02.000 WARN  temporal | slow persistence shard-id=3 latency=1.2s');
  });

  it('plain text is left exactly as written, after the service', () => {
    const text = 'Temporal Server:      localhost:7233  {not json';
    expect(rendered('temporal', text)).toEqual([
      { text: 'temporal | ', style: 'service' },
      { text, style: 'plain' },
    ]);
    expect(rendered('temporal', text, false)).toEqual([{ text, style: 'plain' }]);
  });

  it('keeps a message with line breaks on its row', () => {
    expect(
      rowText(
        rendered(
          'app',
          '{"level":50,"time":1796288339973,"msg":"boom\\n    at f (a.js:1)"}',
          false,
        ),
      ),
    ).toBe('14:28:59.973 ERROR boom\\n    at f (a.js:1)');
  });

  it('a JSON line without a message shows its fields; without a time, the arrival time', () => {
    expect(rowText(rendered('app', '{"event_count":3,"ok":true}', false))).toBe(
      '14:29:59.000  event_count=3 ok=true',
    );
  });
});
