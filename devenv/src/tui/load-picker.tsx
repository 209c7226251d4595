import { Box, Text } from 'ink';
import { reportUrl } from '../load/k6-report.js';
import { describeLoad, type LoadStatus } from '../load/load-runner.js';

/** What a key does while the picker is open. Pure, so it is tested without a terminal. */
export type PickerAction =
  | { readonly type: 'move'; readonly index: number }
  | { readonly type: 'run'; readonly profile: string }
  | { readonly type: 'stop' }
  | { readonly type: 'open-report'; readonly url: string }
  | { readonly type: 'close' }
  | { readonly type: 'none' };

export function pickerAction(
  input: string,
  key: {
    readonly upArrow?: boolean;
    readonly downArrow?: boolean;
    readonly return?: boolean;
    readonly escape?: boolean;
  },
  profiles: readonly string[],
  index: number,
  running: boolean,
  /** The last run's HTML report (file:// URL), which `o` opens. */
  report?: string,
): PickerAction {
  if (key.escape || input === 'k' || input === 'q') return { type: 'close' };
  if (key.upArrow) return { type: 'move', index: Math.max(0, index - 1) };
  if (key.downArrow) return { type: 'move', index: Math.min(profiles.length - 1, index + 1) };
  if (input === 'x' && running) return { type: 'stop' };
  if (input === 'o' && report !== undefined) return { type: 'open-report', url: report };
  const digit = /^[1-9]$/.test(input) ? Number(input) - 1 : undefined;
  const chosen = key.return ? profiles[index] : digit !== undefined ? profiles[digit] : undefined;
  return chosen !== undefined ? { type: 'run', profile: chosen } : { type: 'none' };
}

export function LoadPicker({
  profiles,
  index,
  status,
}: {
  readonly profiles: readonly string[];
  readonly index: number;
  readonly status: LoadStatus | undefined;
}) {
  const running = isLoadRunning(status);
  const report = loadReportPath(status);
  return (
    <Box borderStyle="round" borderColor="cyan" flexDirection="column" paddingX={1}>
      <Text bold>Load test: pick a k6 profile (loadtest/profiles/)</Text>
      {profiles.length === 0 ? <Text color="red">no profiles in loadtest/profiles/</Text> : null}
      {profiles.map((profile, i) => (
        <Text key={profile} inverse={i === index}>
          {` ${i + 1}  ${profile} `}
        </Text>
      ))}
      {status ? <Text dimColor>{describeLoad(status).text}</Text> : null}
      {report ? <Text dimColor>report: {shortReportPath(report)}</Text> : null}
      <Text dimColor>
        ↑↓ enter or 1–9 run · {running ? 'x stops the run · ' : ''}
        {report ? 'o opens the report · ' : ''}esc closes
      </Text>
    </Box>
  );
}

export function isLoadRunning(status: LoadStatus | undefined): boolean {
  return status !== undefined && ['preparing', 'running', 'stopping'].includes(status.state);
}

/** `· load smoke 12 s 140 req/s …` in the header. */
export function LoadBadge({ status }: { readonly status: LoadStatus | undefined }) {
  if (!status) return null;
  const { text, tone } = describeLoad(status);
  return (
    <Text color={tone === 'good' ? 'green' : tone === 'bad' ? 'red' : 'yellow'}> · {text}</Text>
  );
}

/** Rows the picker takes on screen, for the log pane's height. */
export function loadPickerHeight(
  profiles: readonly string[],
  status: LoadStatus | undefined,
): number {
  const report = loadReportPath(status) !== undefined ? 1 : 0;
  return profiles.length + (profiles.length === 0 ? 1 : 0) + (status ? 1 : 0) + report + 4;
}

/** k6's HTML report of the last finished run, when k6 wrote one. */
export function loadReportPath(status: LoadStatus | undefined): string | undefined {
  return status?.state === 'finished' ? status.reportPath : undefined;
}

/** The report as the controller's openUrl opens it (file://), for the key that opens it. */
export function loadReportUrl(status: LoadStatus | undefined): string | undefined {
  const path = loadReportPath(status);
  return path === undefined ? undefined : reportUrl(path);
}

/** `.devenv/load/smoke-20261204-235905.html`: the project-relative part is what a person needs. */
function shortReportPath(path: string): string {
  const at = path.lastIndexOf('/.devenv/load/');
  return at >= 0 ? path.slice(at + 1) : path;
}
