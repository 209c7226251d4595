import { Box, Text } from 'ink';
import type { LogLevel, LogRecord } from '../logbus/log-record.js';
import type { RowSegment } from '../logbus/render-record.js';
import { splitMatches } from './format.js';
import { highlightOf } from './log-search.js';
import { drawnRows } from './log-rows.js';

export interface LogPaneProps {
  readonly records: readonly LogRecord[];
  readonly height: number;
  readonly width: number;
  /** Lines up from the newest (0 = follow the tail). */
  readonly scroll: number;
  readonly search: string;
  /** Index into `records` of the current match, highlighted more strongly. */
  readonly currentMatch: number | undefined;
  readonly title: string;
  /** All services: a service column, and rows cut at the width. One service: rows wrap. */
  readonly showService: boolean;
}

type Color = 'red' | 'yellow' | 'green' | 'gray' | 'cyan';

const LEVEL_COLOR: Partial<Record<LogLevel, Color>> = {
  error: 'red',
  fatal: 'red',
  warn: 'yellow',
  debug: 'gray',
  trace: 'gray',
};

/** The level word is always coloured, info too; a plain line takes its sniffed level's colour. */
const WORD_COLOR: Record<LogLevel, Color> = {
  trace: 'gray',
  debug: 'gray',
  info: 'green',
  warn: 'yellow',
  error: 'red',
  fatal: 'red',
};

export function LogPane(props: LogPaneProps) {
  const { records, height, width, scroll, showService } = props;
  const rows = drawnRows(records, { height, width, scroll, showService, wrap: !showService });
  const highlight = highlightOf(props.search);
  return (
    <Box flexDirection="column" height={height + 1} overflow="hidden">
      <Text dimColor>{props.title}</Text>
      {rows.map((row) => (
        <Text key={row.record.seq} wrap={showService ? 'truncate' : 'wrap'}>
          {row.segments.map((segment, j) =>
            segmentText(j, segment, row.record.level, highlight, row.index === props.currentMatch),
          )}
        </Text>
      ))}
    </Box>
  );
}

/** One segment in its style, with the search's matches highlighted. */
function segmentText(
  key: number,
  segment: RowSegment,
  level: LogLevel | undefined,
  highlight: string,
  current: boolean,
) {
  const parts = splitMatches(segment.text, highlight).map((part, k) =>
    part.match ? (
      <Text key={k} backgroundColor={current ? 'magenta' : 'yellow'} color="black">
        {part.text}
      </Text>
    ) : (
      part.text
    ),
  );
  return (
    <Text key={key} {...styleOf(segment, level)}>
      {parts}
    </Text>
  );
}

function styleOf(
  segment: RowSegment,
  level: LogLevel | undefined,
): { color?: Color; dimColor?: boolean; bold?: boolean } {
  switch (segment.style) {
    case 'time':
    case 'fields':
      return { dimColor: true };
    case 'level':
      return segment.level ? { color: WORD_COLOR[segment.level], bold: true } : {};
    case 'service':
      return { color: 'cyan' };
    case 'msg':
    case 'plain': {
      const color = level ? LEVEL_COLOR[level] : undefined;
      return color ? { color } : {};
    }
  }
}
