/**
 * The determinism guard's side of a prepared swap (replay-guard.ts): it asks the worker it guards
 * to prepare the next workflow Worker with the bundle it is about to replay, and to discard that
 * Worker when the replay fails. Only with HOT_RELOAD=1 and devenv's session token in its
 * environment (devenv runs the guard with the service's environment); a worker that does not
 * answer only loses the head start: its swap creates the Worker itself.
 */
import type { WorkerConfig } from './config.js';

export interface BundleTimes {
  readonly bundleMs: number;
  readonly bundleCpuMs: number;
}

export interface WorkerReloadClient {
  /** `times`: how long bundling that code took, wall and CPU (the worker logs them). */
  prepare(codeSha256: string, times: BundleTimes): Promise<void>;
  discard(): Promise<void>;
}

const ANSWER_TIMEOUT_MS = 2_000;

export function workerReloadClient(config: WorkerConfig): WorkerReloadClient | undefined {
  const token = config.reloadToken;
  if (!config.hotReload || token === undefined) return undefined;
  const url = `http://127.0.0.1:${config.healthPort}/reload`;
  const post = async (request: object): Promise<void> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
      await response.text();
    } catch {
      // Not up, or not answering: the swap, if any, then creates its Worker itself.
    }
  };
  return {
    prepare: (codeSha256, times) => post({ prepare: 'workflows', codeSha256, ...times }),
    discard: () => post({ discard: 'workflows' }),
  };
}
