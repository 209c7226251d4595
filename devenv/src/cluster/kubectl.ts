import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { err, ok, type Result } from '../../shared/result.js';

/** Runs kubectl against one cluster; the whole output (not a tail), or what went wrong. */
export type Kubectl = (args: readonly string[], input?: string) => Promise<Result<string, string>>;

export function kubectlFor(kubectl: string, kubeconfig: string, timeoutMs = 60_000): Kubectl {
  return (args, input) =>
    new Promise((resolve) => {
      const child = execFile(
        kubectl,
        ['--kubeconfig', kubeconfig, ...args],
        { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) resolve(err(`kubectl ${args.join(' ')}: ${stderr.trim() || error.message}`));
          else resolve(ok(stdout));
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
}

/**
 * Polls `check` until it returns true; after `timeoutMs` an error naming `what` and the last
 * problem `check` reported.
 */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<Result<boolean, string>>,
): Promise<Result<void, string>> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const result = await check();
    if (result.ok && result.value) return ok(undefined);
    if (!result.ok) last = result.error;
    await sleep(200);
  }
  return err(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last: ${last})` : ''}`);
}
