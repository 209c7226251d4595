import { Box, Text } from 'ink';
import type { LoadStatus } from '../load/load-runner.js';
import type { ReadyAfterSave } from '../reload/ready-after-save.js';
import type { TestRun } from '../reload/related-tests.js';
import type { ReloadBlock } from '../reload/reloader.js';
import { LoadBadge } from './load-picker.js';

const BLOCK_TITLE = {
  'guard-failed': 'the reload guard failed; the running service keeps serving',
  'hot-reload-refused': 'the change did not load; the running code keeps serving',
  'proto-lint': 'buf lint rejected the protos',
  'proto-breaking': 'breaking proto change (b accepts it)',
  'proto-generate': 'code generation failed; the previous code is kept',
} as const;

/** Rows the reload banner takes when shown. */
export const RELOAD_BANNER_HEIGHT = 8;

/** `devenv <project> · 3/5 healthy · tests ✓ 14 · load smoke …` */
export function Header(props: {
  readonly projectName: string;
  readonly healthy: number;
  readonly total: number;
  readonly quitting: boolean;
  readonly tests: TestRun | undefined;
  readonly load: LoadStatus | undefined;
  readonly reloaded?: ReadyAfterSave | undefined;
}) {
  return (
    <Text>
      <Text bold>devenv</Text> <Text dimColor>{props.projectName}</Text> · {props.healthy}/
      {props.total} healthy
      {props.quitting ? <Text color="yellow"> · stopping</Text> : null}
      <ReloadedBadge ready={props.reloaded} />
      <TestsBadge run={props.tests} />
      <LoadBadge status={props.load} />
    </Text>
  );
}

/** `worker ready 6.8 s after save`: how long the last save took to be served again. */
function ReloadedBadge({ ready }: { readonly ready: ReadyAfterSave | undefined }) {
  if (!ready) return null;
  const seconds = ((ready.readyAt - ready.savedAt) / 1000).toFixed(1);
  return (
    <Text color="green">
      {' '}
      · {ready.service} ready {seconds} s after save
    </Text>
  );
}

/** `tests ✓ 14` / `tests ✗ 1 of 15: <name>` / `tests running…` while test-on-save is on. */
function TestsBadge({ run }: { readonly run: TestRun | undefined }) {
  if (!run) return null;
  if (run.state === 'running')
    return <Text color="yellow"> · tests running ({run.files} changed)…</Text>;
  if (run.state === 'error') return <Text color="red"> · tests: {run.detail}</Text>;
  if (run.none) return <Text dimColor> · tests: on (none related yet)</Text>;
  return run.failed > 0 ? (
    <Text color="red">
      {' '}
      · tests ✗ {run.failed} of {run.failed + run.passed}
      {run.firstFailure ? `: ${run.firstFailure}` : ''}
    </Text>
  ) : (
    <Text color="green"> · tests ✓ {run.passed}</Text>
  );
}

/** Why the last save did not reload, in red, until the next reload. */
export function ReloadBanner({ block }: { readonly block: ReloadBlock }) {
  return (
    <Box borderStyle="round" borderColor="red" flexDirection="column" paddingX={1}>
      <Text color="red" bold>
        reload blocked: {BLOCK_TITLE[block.reason]}
      </Text>
      <Text>{block.detail.split('\n').slice(0, 6).join('\n')}</Text>
    </Box>
  );
}
