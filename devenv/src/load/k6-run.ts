import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { messageOf } from '../../shared/result.js';
import { parseK6Metrics, type K6Snapshot } from './k6-progress.js';
import { freePort } from '../process/free-port.js';
import { SESSION_TOKEN_VAR, sessionTokenFrom } from '../session/session-secret.js';
import { webDashboardEnv, type RunReportFiles } from './k6-report.js';

export interface K6RunOptions {
  readonly k6Path: string;
  readonly script: string;
  readonly cwd: string;
  /** `-e NAME=value` for the script (`__ENV`). */
  readonly scriptEnv: Readonly<Record<string, string>>;
  /** `--tag NAME=value` on every sample. */
  readonly tags: Readonly<Record<string, string>>;
  /** Prometheus remote-write URL; undefined = no output. */
  readonly remoteWriteUrl: string | undefined;
  /** Where k6 writes its HTML report and summary JSON (the directory must exist). */
  readonly report: RunReportFiles;
  /** Every second while the test runs. */
  onProgress(snapshot: K6Snapshot): void;
  /** k6's stdout (the end-of-test summary), line by line. */
  onStdout(line: string): void;
  /** k6's stderr (its log lines), line by line. */
  onStderr(line: string): void;
  /** Aborting stops k6 as Ctrl-C would: it ends the test and still prints its summary. */
  readonly signal?: AbortSignal;
}

/** How a k6 run ended; `devenv load` turns each into a message and an exit code. */
export type K6Outcome =
  | { readonly kind: 'passed' }
  /** k6 exit 99: the run finished and at least one threshold failed. */
  | { readonly kind: 'thresholds-failed' }
  /** k6 exit 108: the script aborted itself (e.g. the target is down), with k6's message. */
  | { readonly kind: 'aborted'; readonly message: string }
  | { readonly kind: 'k6-failed'; readonly code: number | null; readonly signal: string | null }
  | { readonly kind: 'spawn-failed'; readonly message: string };

/** k6's documented exit codes (go.k6.io/k6/errext/exitcodes). */
const THRESHOLDS_HAVE_FAILED = 99;
const SCRIPT_ABORTED = 108;

/** Runs k6 to the end; never throws for k6's own failures. */
export async function runK6(options: K6RunOptions): Promise<K6Outcome> {
  const apiPort = await freePort();
  const child = spawn(options.k6Path, k6Args(options, apiPort), {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: k6Env(options),
  });
  const interrupt = () => child.kill('SIGINT');
  options.signal?.addEventListener('abort', interrupt, { once: true });
  let abortMessage: string | undefined;
  createInterface({ input: child.stdout }).on('line', options.onStdout);
  createInterface({ input: child.stderr }).on('line', (line) => {
    const aborted = /test aborted: (.*?)"?(?:\s+source=\S+)?$/.exec(line);
    if (aborted?.[1] !== undefined) abortMessage = aborted[1].replace(/\\"/g, '"');
    options.onStderr(line);
  });

  const exited = new Promise<K6Outcome>((resolve) => {
    child.once('error', (error) => resolve({ kind: 'spawn-failed', message: messageOf(error) }));
    child.once('close', (code, signal) => resolve(outcomeOfExit(code, signal, abortMessage)));
  });
  const stopPolling = pollProgress(apiPort, exited, options.onProgress);
  const outcome = await exited;
  options.signal?.removeEventListener('abort', interrupt);
  await stopPolling();
  return outcome;
}

function k6Args(options: K6RunOptions, apiPort: number): string[] {
  const args = ['run', '--quiet', '--no-color', '--address', `127.0.0.1:${apiPort}`];
  for (const [name, value] of Object.entries(options.tags)) args.push('--tag', `${name}=${value}`);
  for (const [name, value] of Object.entries(options.scriptEnv))
    args.push('-e', `${name}=${value}`);
  if (options.remoteWriteUrl !== undefined) args.push('-o', 'experimental-prometheus-rw');
  args.push('--summary-export', options.report.summary);
  args.push(options.script);
  return args;
}

function k6Env(options: K6RunOptions): NodeJS.ProcessEnv {
  // The dispatcher's mutating calls need the running session's secret (loadtest/lib/config.js).
  const sessionToken = sessionTokenFrom(process.env, join(options.cwd, '.devenv'));
  return {
    ...process.env,
    ...(options.remoteWriteUrl !== undefined
      ? {
          K6_PROMETHEUS_RW_SERVER_URL: options.remoteWriteUrl,
          // Trends as p95/p99/min/max gauges (k6_http_req_duration_p95 …), which the k6
          // dashboard reads; k6's default would send only p99-less summaries.
          K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),min,max,count',
          K6_PROMETHEUS_RW_PUSH_INTERVAL: '2s',
        }
      : {}),
    ...webDashboardEnv(options.report),
    // k6 must not phone home (usage reports) from a developer's machine.
    K6_NO_USAGE_REPORT: 'true',
    ...(sessionToken === undefined ? {} : { [SESSION_TOKEN_VAR]: sessionToken }),
  };
}

function outcomeOfExit(
  code: number | null,
  signal: NodeJS.Signals | null,
  abortMessage: string | undefined,
): K6Outcome {
  if (code === 0) return { kind: 'passed' };
  if (code === THRESHOLDS_HAVE_FAILED) return { kind: 'thresholds-failed' };
  if (code === SCRIPT_ABORTED)
    return { kind: 'aborted', message: abortMessage ?? 'the script aborted the test' };
  return { kind: 'k6-failed', code, signal };
}

/**
 * Polls k6's REST API every second until k6 exits; before k6 listens, and after, requests simply
 * fail. The returned function ends the polling and waits for a request in flight.
 */
function pollProgress(
  apiPort: number,
  exited: Promise<unknown>,
  onProgress: (snapshot: K6Snapshot) => void,
): () => Promise<void> {
  let done = false;
  const polling = (async () => {
    while (!done) {
      await Promise.race([sleep(1000), exited]);
      if (done) break;
      try {
        const response = await fetch(`http://127.0.0.1:${apiPort}/v1/metrics`, {
          signal: AbortSignal.timeout(900),
        });
        const snapshot = parseK6Metrics(await response.json(), Date.now());
        if (snapshot && !done) onProgress(snapshot);
      } catch {
        // Not listening yet, or already gone.
      }
    }
  })();
  return async () => {
    done = true;
    await polling;
  };
}
