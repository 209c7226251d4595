import { Box, Text } from 'ink';
import type { LogLevel, LogRecord } from '../logbus/log-record.js';
import { splitMatches } from './format.js';

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
  readonly showService: boolean;
}

const LEVEL_COLOR: Partial<Record<LogLevel, 'red' | 'yellow' | 'gray'>> = {
  error: 'red',
  fatal: 'red',
  warn: 'yellow',
  debug: 'gray',
  trace: 'gray',
};

export function LogPane({
  records,
  height,
  width,
  scroll,
  search,
  currentMatch,
  title,
  showService,
}: LogPaneProps) {
  const end = Math.max(0, records.length - scroll);
  const start = Math.max(0, end - height);
  const visible = records.slice(start, end);
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text dimColor>{title}</Text>
      {visible.map((r, i) => {
        const index = start + i;
        const prefix = showService ? `${r.service} | ` : '';
        const text = (prefix + r.text).slice(0, Math.max(10, width - 1));
        return (
          <Text key={r.seq} {...levelColor(r.level)} wrap="truncate">
            {splitMatches(text, search).map((part, j) =>
              part.match ? (
                <Text
                  key={j}
                  backgroundColor={index === currentMatch ? 'magenta' : 'yellow'}
                  color="black"
                >
                  {part.text}
                </Text>
              ) : (
                part.text
              ),
            )}
          </Text>
        );
      })}
    </Box>
  );
}

function levelColor(level: LogLevel | undefined): { color?: string } {
  const color = level ? LEVEL_COLOR[level] : undefined;
  return color ? { color } : {};
}
