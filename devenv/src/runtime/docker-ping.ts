import type Dockerode from 'dockerode';
import { err, messageOf, ok, type Result } from '../../shared/result.js';

export const DOCKER_PING_TIMEOUT_MS = 3_000;

/** Why the Docker Engine did not answer a ping. */
export type EngineSilence =
  /** Connected (or still trying) but no answer within the timeout. */
  | { readonly reason: 'no-answer-in-time'; readonly timeoutMs: number }
  /** The call failed: no socket, refused, an HTTP error. */
  | { readonly reason: 'call-failed'; readonly message: string };

/** Whether the Engine answers `/_ping` within `timeoutMs`; never rejects. */
export async function pingDockerEngine(
  docker: Dockerode,
  timeoutMs = DOCKER_PING_TIMEOUT_MS,
): Promise<Result<void, EngineSilence>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const answer = await Promise.race([docker.ping().then(() => 'pong' as const), timeout]);
    return answer === 'pong' ? ok(undefined) : err({ reason: 'no-answer-in-time', timeoutMs });
  } catch (error) {
    return err({ reason: 'call-failed', message: messageOf(error) });
  } finally {
    clearTimeout(timer);
  }
}

/** `no answer within 3 s`, or the failed call's message. */
export function describeEngineSilence(silence: EngineSilence): string {
  switch (silence.reason) {
    case 'no-answer-in-time':
      return `no answer within ${silence.timeoutMs / 1000} s`;
    case 'call-failed':
      return silence.message;
  }
}
