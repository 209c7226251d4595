import { progressLine, type K6Snapshot } from '../load/k6-progress.js';
import {
  collectRunReport,
  prepareReportDir,
  runReportFiles,
  type RunReportFiles,
} from '../load/k6-report.js';
import { runK6, type K6Outcome } from '../load/k6-run.js';
import {
  grafanaAnswers,
  grafanaRunUrl,
  LOAD_DEFAULTS as DEFAULTS,
  loadTestId,
  remoteWriteUrlIfReady,
} from '../load/load-targets.js';
import { listProfiles, profileScript } from '../load/profiles.js';
import { describeToolFailure } from '../toolchain/resolve.js';
import { createToolchain } from '../toolchain/toolchain.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { projectVersions } from './project-versions.js';
import { UsageError } from './usage-error.js';

function usage(profiles: readonly string[]): string {
  return `Usage: devenv load <profile> [options]

Runs a k6 load profile against the running stack's dispatcher (HTTP and gRPC), shows live
progress, prints k6's summary, a table of the run (requests, req/s, errors, p50/p95/p99,
thresholds), the path of k6's HTML report with charts (.devenv/load/<profile>-<time>.html) and,
when Prometheus answers and results go there by remote write, the Grafana URL of the run. k6 comes from the toolchain (versions.yaml; \`devenv doctor --fix --all\`).

Profiles: ${profiles.length > 0 ? profiles.join(', ') : '(none found in loadtest/profiles/)'}

      --target URL         the dispatcher's HTTP base URL (default ${DEFAULTS.target})
      --grpc-target ADDR   the dispatcher's gRPC host:port (default ${DEFAULTS.grpcTarget})
      --prometheus URL     remote-write results here (default ${DEFAULTS.prometheus})
      --no-prometheus      do not send results to Prometheus
      --grafana URL        for the dashboard link (default ${DEFAULTS.grafana})

Exit status: 0 thresholds passed, 1 thresholds failed or the run could not happen, 2 usage.`;
}

/** What one `devenv load` run was asked to do, its flags checked. */
interface LoadRequest {
  readonly profile: string;
  readonly target: string;
  readonly grpcTarget: string;
  readonly prometheus: string;
  readonly usePrometheus: boolean;
  readonly grafana: string;
}

export async function loadCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const request = parseLoadArgs(args, listProfiles(ctx.projectRoot), ctx);
  if (request === undefined) return 0;
  const versions = await projectVersions(ctx);
  if (versions === undefined) return 2;
  // k6 is AGPL: only ever the unmodified binary the toolchain resolved and verified.
  const toolchain = createToolchain({
    projectRoot: ctx.projectRoot,
    versions: versions,
    log: (line) => ctx.err(`devenv load: ${line}`),
  });
  const k6 = await toolchain.ensure('k6');
  if (!k6.ok) {
    ctx.err(
      `devenv load: k6 is not available, so no load test ran: ${describeToolFailure(k6.error)}\n  → ${k6.error.remediation}`,
    );
    return 1;
  }
  const remoteWriteUrl = request.usePrometheus ? await remoteWriteTarget(request, ctx) : undefined;
  const { profile, target, grpcTarget } = request;
  const testid = loadTestId(profile, new Date());
  ctx.err(
    `devenv load: ${profile} → ${target} (gRPC ${grpcTarget}) with k6 ${k6.value.version}; testid ${testid}`,
  );
  const report = runReportFiles(ctx.projectRoot, testid);
  await prepareReportDir(report);
  const startedAt = Date.now();
  const outcome = await runProfile(ctx, request, {
    k6Path: k6.value.path,
    testid,
    remoteWriteUrl,
    report,
    startedAt,
  });
  const finishedAt = Date.now();
  if (outcome.kind !== 'spawn-failed') await printRunReport(ctx, report, outcome);
  if (remoteWriteUrl !== undefined && outcome.kind !== 'spawn-failed') {
    if (await grafanaAnswers(request.grafana))
      ctx.out(`Grafana: ${grafanaRunUrl(request.grafana, testid, startedAt, finishedAt)}`);
    else
      ctx.err(
        `devenv load: results are in Prometheus as testid ${testid}; Grafana does not answer at ${request.grafana}, so no dashboard link`,
      );
  }
  return reportOutcome(ctx, profile, outcome, k6.value.path);
}

/** The table (not for an aborted run: it would describe one failed preflight) and the report's path. */
async function printRunReport(ctx: CommandContext, files: RunReportFiles, outcome: K6Outcome) {
  const report = await collectRunReport(files);
  if (outcome.kind !== 'aborted') {
    ctx.out('');
    for (const line of report.table) ctx.out(line);
  }
  if (report.html !== undefined) ctx.out(`Report: ${report.html}`);
}

/** The checked request, or undefined once `--help` has been answered. */
function parseLoadArgs(
  args: readonly string[],
  profiles: readonly string[],
  ctx: CommandContext,
): LoadRequest | undefined {
  const USAGE = usage(profiles);
  const { values, positionals } = parseCommandArgs(
    args,
    {
      target: { type: 'string' },
      'grpc-target': { type: 'string' },
      prometheus: { type: 'string' },
      'no-prometheus': { type: 'boolean' },
      grafana: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
    true,
  );
  if (values.help) {
    ctx.out(USAGE);
    return undefined;
  }
  const [profile, ...extra] = positionals;
  if (profile === undefined) throw new UsageError('which profile?', USAGE);
  if (extra.length > 0)
    throw new UsageError(`one profile at a time (got ${positionals.join(' ')})`, USAGE);
  if (!profiles.includes(profile))
    throw new UsageError(`unknown profile "${profile}"; profiles: ${profiles.join(', ')}`, USAGE);
  const target = httpUrl(values.target ?? DEFAULTS.target, '--target', USAGE);
  const prometheus = httpUrl(values.prometheus ?? DEFAULTS.prometheus, '--prometheus', USAGE);
  const grafana = httpUrl(values.grafana ?? DEFAULTS.grafana, '--grafana', USAGE);
  const grpcTarget = values['grpc-target'] ?? DEFAULTS.grpcTarget;
  if (!/^[^\s/:]+:\d{1,5}$/.test(grpcTarget))
    throw new UsageError(`--grpc-target ${grpcTarget}: expected host:port`, USAGE);
  const usePrometheus = values['no-prometheus'] !== true;
  return { profile, target, grpcTarget, prometheus, usePrometheus, grafana };
}

/** Prometheus's remote-write URL when it answers; otherwise says results stay in the summary. */
async function remoteWriteTarget(
  request: LoadRequest,
  ctx: CommandContext,
): Promise<string | undefined> {
  const url = await remoteWriteUrlIfReady(request.prometheus);
  if (url === undefined)
    ctx.err(
      `devenv load: Prometheus does not answer at ${request.prometheus}; results stay in the summary below (start it with \`devenv up --profile observability\`)`,
    );
  return url;
}

interface K6Invocation {
  readonly k6Path: string;
  readonly testid: string;
  readonly remoteWriteUrl: string | undefined;
  readonly report: RunReportFiles;
  readonly startedAt: number;
}

/** Runs k6 with live progress on stderr; prints k6's summary unless the run was aborted. */
async function runProfile(
  ctx: CommandContext,
  request: LoadRequest,
  run: K6Invocation,
): Promise<K6Outcome> {
  const { profile } = request;
  const progress = progressWriter(ctx, profile, run.startedAt);
  // Ctrl-C reaches k6 too (same process group); k6 then stops and prints its summary, which
  // we wait for rather than die first.
  const onSignal = () => ctx.err('devenv load: stopping k6 (it prints what it has)');
  process.on('SIGINT', onSignal);
  const summary: string[] = [];
  let outcome: K6Outcome;
  try {
    outcome = await runK6({
      k6Path: run.k6Path,
      script: profileScript(ctx.projectRoot, profile),
      cwd: ctx.projectRoot,
      scriptEnv: { TARGET: request.target, GRPC_TARGET: request.grpcTarget, PROFILE: profile },
      tags: { testid: run.testid },
      remoteWriteUrl: run.remoteWriteUrl,
      report: run.report,
      onProgress: progress.update,
      // The summary comes at the end; held back so an aborted run shows its reason, not a
      // summary of the one failed preflight request.
      onStdout: (line) => summary.push(line),
      onStderr: (line) => {
        progress.clear();
        ctx.err(`k6 | ${line}`);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    progress.clear();
  }
  if (outcome.kind !== 'aborted') for (const line of summary) ctx.out(line);
  return outcome;
}

function reportOutcome(
  ctx: CommandContext,
  profile: string,
  outcome: K6Outcome,
  k6Path: string,
): number {
  switch (outcome.kind) {
    case 'passed':
      ctx.err(`devenv load: ${profile} passed every threshold`);
      return 0;
    case 'thresholds-failed':
      ctx.err(`devenv load: ${profile} FAILED: thresholds crossed (see ✗ above)`);
      return 1;
    case 'aborted':
      ctx.err(`devenv load: ${profile} aborted: ${outcome.message}`);
      return 1;
    case 'k6-failed':
      ctx.err(
        `devenv load: k6 ended with ${outcome.code !== null ? `exit code ${outcome.code}` : `signal ${outcome.signal}`}`,
      );
      return 1;
    case 'spawn-failed':
      ctx.err(`devenv load: could not start k6 at ${k6Path}: ${outcome.message}`);
      return 1;
  }
}

function httpUrl(raw: string, flag: string, usageText: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${flag} ${raw}: expected an http(s) URL`, usageText);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${flag} ${raw}: expected an http(s) URL`, usageText);
  return raw.replace(/\/+$/, '');
}

/**
 * On a terminal, one line rewritten in place on stderr; otherwise a plain line every 5 s (logs
 * and CI output must not fill with carriage returns).
 */
function progressWriter(ctx: CommandContext, profile: string, startedAt: number) {
  const tty = process.stderr.isTTY === true;
  let previous: K6Snapshot | undefined;
  let lastPrinted = 0;
  let shown = false;
  return {
    update: (snapshot: K6Snapshot) => {
      const line = progressLine(profile, snapshot.at - startedAt, previous, snapshot);
      previous = snapshot;
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`);
        shown = true;
      } else if (snapshot.at - lastPrinted >= 5000) {
        ctx.err(line);
        lastPrinted = snapshot.at;
      }
    },
    clear: () => {
      if (tty && shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
