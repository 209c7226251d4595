import { LineRecord } from './line-record.js';
import type { LogStream } from './log-record.js';

const STREAMS: ReadonlySet<string> = new Set<LogStream>(['stdout', 'stderr', 'devenv']);

/**
 * A line of a `.devenv/logs/<service>.log` file (`<ISO time> <stream> <text>`, see file-sink.ts)
 * as a record; undefined for a line that is not in that form.
 */
export function recordFromFileLine(
  service: string,
  line: string,
  seq: number,
): LineRecord | undefined {
  const timeEnd = line.indexOf(' ');
  const streamEnd = timeEnd === -1 ? -1 : line.indexOf(' ', timeEnd + 1);
  if (streamEnd === -1) return undefined;
  const stream = line.slice(timeEnd + 1, streamEnd);
  if (!STREAMS.has(stream)) return undefined;
  const received = Date.parse(line.slice(0, timeEnd));
  return new LineRecord(
    seq,
    service,
    stream as LogStream,
    line.slice(streamEnd + 1),
    Number.isNaN(received) ? 0 : received,
  );
}
