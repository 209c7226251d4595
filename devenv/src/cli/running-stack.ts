import { dirname } from 'node:path';
import type { ControlClientFailure } from '../control/control-client.js';
import { sessionOwnerAlive } from '../session/reap.js';
import { readSession, sessionPath } from '../session/session-file.js';
import { UsageError } from './usage-error.js';

/**
 * The running instance `devenv exec SERVICE` means, as Compose picks a container: `--index N`
 * is replica N (`SERVICE-N`), no index the service itself or else its first replica.
 */
export function instanceName(
  running: readonly string[],
  service: string,
  index: number | undefined,
): string | undefined {
  const has = (name: string) => running.includes(name);
  if (index === undefined)
    return has(service) ? service : has(`${service}-1`) ? `${service}-1` : undefined;
  if (has(`${service}-${index}`)) return `${service}-${index}`;
  return index === 1 && has(service) ? service : undefined;
}

/** Every running instance of `service`: itself, or its replicas `SERVICE-1…N`. */
export function instancesOf(running: readonly string[], service: string): string[] {
  if (running.includes(service)) return [service];
  const replica = new RegExp(`^${service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+$`);
  return running.filter((name) => replica.test(name));
}

/** `--index N`: a whole number from 1. */
export function parseIndex(raw: string | undefined, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  const index = Number(raw);
  if (!Number.isInteger(index) || index < 1)
    throw new UsageError(`--index ${raw}: expected a replica number from 1`, usage);
  return index;
}

/**
 * What a failed exchange with the running devenv means for `devenv <command>`, for people: no
 * devenv runs (start one), one runs but does not answer, or it refused. A name the stack lacks
 * is a usage error.
 */
export async function describeControlFailure(
  command: string,
  failure: ControlClientFailure,
  stateDir: string,
  usage: string,
): Promise<string> {
  switch (failure.reason) {
    case 'unknown-service':
      throw new UsageError(failure.message, usage);
    case 'refused':
      return `devenv ${command}: ${failure.message}`;
    case 'no-answer':
      return `devenv ${command}: devenv did not answer properly on ${failure.path}: ${failure.message}`;
    case 'unreachable': {
      const session = readSession(sessionPath(stateDir));
      if (session && (await sessionOwnerAlive(session)))
        return `devenv ${command}: devenv (pid ${session.devenvPid}) runs this stack but does not answer on ${failure.path} (${failure.code}); it may be older than \`devenv ${command}\`. Stop it and run \`devenv up\` again`;
      return `devenv ${command}: no devenv is running for this project in ${dirname(stateDir)}; start it with \`npm run dev\` or \`devenv up\``;
    }
  }
}
