import { describeToolFailure, type ResolvedTool } from '../toolchain/resolve.js';
import type { Toolchain } from '../toolchain/toolchain.js';
import { progressLine, type K6Snapshot } from './k6-progress.js';
import {
  collectRunReport,
  prepareReportDir,
  runReportFiles,
  type RunReportFiles,
} from './k6-report.js';
import { runK6, type K6Outcome } from './k6-run.js';
import {
  grafanaAnswers,
  grafanaRunUrl,
  LOAD_DEFAULTS,
  loadTestId,
  remoteWriteUrlIfReady,
  type LoadTargets,
} from './load-targets.js';
import { listProfiles, profileScript } from './profiles.js';

/** The one load run a TUI session may have going, as the header shows it. */
export type LoadStatus =
  | { readonly state: 'preparing'; readonly profile: string }
  | { readonly state: 'running'; readonly profile: string; readonly progress: string }
  | { readonly state: 'stopping'; readonly profile: string; readonly progress: string }
  | {
      readonly state: 'finished';
      readonly profile: string;
      readonly outcome: K6Outcome;
      /** Stopped by the user rather than ended by itself. */
      readonly stopped: boolean;
      readonly progress: string;
      readonly grafanaUrl: string | undefined;
      /** k6's HTML report of the run (.devenv/load/), when k6 wrote one. */
      readonly reportPath: string | undefined;
    }
  | { readonly state: 'unavailable'; readonly profile: string; readonly reason: string };

export interface LoadRunnerOptions {
  readonly projectRoot: string;
  readonly toolchain: Pick<Toolchain, 'ensure'>;
  /** Where k6's own lines go (the TUI's log pane, as service `k6`). */
  log(stream: 'stdout' | 'stderr' | 'devenv', text: string): void;
  readonly targets?: Partial<LoadTargets>;
}

export interface LoadRunner {
  profiles(): string[];
  /** Starts a profile in the background; refused while another run is going. */
  start(profile: string): { readonly started: true } | { readonly started: false; reason: string };
  /** Asks the running k6 to stop (it still reports what it measured). */
  stop(): boolean;
  status(): LoadStatus | undefined;
  subscribe(onChange: () => void): () => void;
  /** Stops a run and waits for k6 to exit (devenv quitting). */
  close(): Promise<void>;
}

/** `devenv load` for the TUI: the same k6, profiles, tags and Prometheus output, run in the background. */
export function createLoadRunner(options: LoadRunnerOptions): LoadRunner {
  const listeners = new Set<() => void>();
  let status: LoadStatus | undefined;
  let running: { controller: AbortController; done: Promise<void> } | undefined;
  const run: RunContext = {
    options,
    targets: { ...LOAD_DEFAULTS, ...options.targets },
    set: (next) => {
      status = next;
      for (const listener of listeners) listener();
    },
  };

  return {
    profiles: () => listProfiles(options.projectRoot),
    start(profile) {
      if (running !== undefined)
        return { started: false, reason: `${status?.profile ?? 'a load test'} is still running` };
      if (!listProfiles(options.projectRoot).includes(profile))
        return { started: false, reason: `no profile "${profile}" in loadtest/profiles/` };
      const controller = new AbortController();
      run.set({ state: 'preparing', profile });
      const done = runProfile(run, profile, controller)
        .catch((thrown: unknown) =>
          run.set({ state: 'unavailable', profile, reason: String(thrown) }),
        )
        .finally(() => {
          running = undefined;
        });
      running = { controller, done };
      return { started: true };
    },
    stop() {
      if (running === undefined || running.controller.signal.aborted) return false;
      running.controller.abort();
      if (status?.state === 'running') run.set({ ...status, state: 'stopping' });
      return true;
    },
    status: () => status,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => void listeners.delete(onChange);
    },
    async close() {
      running?.controller.abort();
      await running?.done;
    },
  };
}

/** What one background run needs: the runner's options, where k6 points, and how status changes. */
interface RunContext {
  readonly options: LoadRunnerOptions;
  readonly targets: LoadTargets;
  set(next: LoadStatus): void;
}

/** k6 and where its results go, or undefined once the status says why the run cannot happen. */
async function prepareRun(
  run: RunContext,
  profile: string,
  controller: AbortController,
): Promise<{ k6: ResolvedTool; remoteWriteUrl: string | undefined } | undefined> {
  const { options, targets } = run;
  const k6 = await options.toolchain.ensure('k6');
  if (!k6.ok) {
    run.set({
      state: 'unavailable',
      profile,
      reason: `k6 is not available: ${describeToolFailure(k6.error)} (${k6.error.remediation})`,
    });
    return undefined;
  }
  const remoteWriteUrl = await remoteWriteUrlIfReady(targets.prometheus);
  if (remoteWriteUrl === undefined)
    options.log(
      'devenv',
      `Prometheus does not answer at ${targets.prometheus}: results stay in k6's summary`,
    );
  if (controller.signal.aborted) {
    run.set({ state: 'unavailable', profile, reason: 'stopped before k6 started' });
    return undefined;
  }
  return { k6: k6.value, remoteWriteUrl };
}

async function runProfile(
  run: RunContext,
  profile: string,
  controller: AbortController,
): Promise<void> {
  const prepared = await prepareRun(run, profile, controller);
  if (prepared === undefined) return;
  const { options, targets } = run;
  const { k6, remoteWriteUrl } = prepared;
  const testid = loadTestId(profile, new Date());
  options.log('devenv', `${profile} → ${targets.target} with k6 ${k6.version}; testid ${testid}`);
  const report = runReportFiles(options.projectRoot, testid);
  await prepareReportDir(report);
  const startedAt = Date.now();
  let previous: K6Snapshot | undefined;
  let progress = 'starting k6…';
  run.set({ state: 'running', profile, progress });
  const outcome = await runK6({
    k6Path: k6.path,
    script: profileScript(options.projectRoot, profile),
    cwd: options.projectRoot,
    scriptEnv: { TARGET: targets.target, GRPC_TARGET: targets.grpcTarget, PROFILE: profile },
    tags: { testid },
    remoteWriteUrl,
    report,
    signal: controller.signal,
    onProgress: (snapshot) => {
      progress = progressLine(profile, snapshot.at - startedAt, previous, snapshot);
      previous = snapshot;
      run.set({ state: controller.signal.aborted ? 'stopping' : 'running', profile, progress });
    },
    onStdout: (line) => options.log('stdout', line),
    onStderr: (line) => options.log('stderr', line),
  });
  const grafanaUrl =
    remoteWriteUrl !== undefined &&
    outcome.kind !== 'spawn-failed' &&
    (await grafanaAnswers(targets.grafana))
      ? grafanaRunUrl(targets.grafana, testid, startedAt, Date.now())
      : undefined;
  const reportPath = await logRunReport(options, report, grafanaUrl);
  const stopped = controller.signal.aborted;
  run.set({ state: 'finished', profile, outcome, stopped, progress, grafanaUrl, reportPath });
}

/** The summary table, the report's path and the Grafana link into the log; the report's path. */
async function logRunReport(
  options: LoadRunnerOptions,
  files: RunReportFiles,
  grafanaUrl: string | undefined,
): Promise<string | undefined> {
  const report = await collectRunReport(files);
  for (const line of report.table) options.log('devenv', line);
  if (report.html !== undefined) options.log('devenv', `Report: ${report.html}`);
  if (grafanaUrl !== undefined) options.log('devenv', `Grafana: ${grafanaUrl}`);
  return report.html;
}

/** One line for the TUI header: what runs, or how the last run ended. */
export function describeLoad(status: LoadStatus): { text: string; tone: 'busy' | 'good' | 'bad' } {
  switch (status.state) {
    case 'preparing':
      return { text: `load ${status.profile}: preparing…`, tone: 'busy' };
    case 'running':
      return { text: status.progress, tone: 'busy' };
    case 'stopping':
      return { text: `${status.progress} (stopping)`, tone: 'busy' };
    case 'unavailable':
      return { text: `load ${status.profile}: ${status.reason}`, tone: 'bad' };
    case 'finished': {
      const how = status.stopped ? 'stopped' : VERDICT[status.outcome.kind];
      const good = status.outcome.kind === 'passed';
      return { text: `load ${status.profile} ${how}`, tone: good ? 'good' : 'bad' };
    }
  }
}

const VERDICT: Readonly<Record<K6Outcome['kind'], string>> = {
  passed: '✓ every threshold passed',
  'thresholds-failed': '✗ thresholds crossed (k6 logs)',
  aborted: '✗ aborted (k6 logs)',
  'k6-failed': '✗ k6 failed (k6 logs)',
  'spawn-failed': '✗ k6 did not start',
};
