import { constants } from 'node:os';
import type { ServiceSpec } from '../model/stack.js';
import { err, ok, type Result } from '../../shared/result.js';

const SIGNALS = constants.signals as Readonly<Record<string, number>>;

/**
 * Signals `devenv kill` does not send: devenv pauses and resumes a service itself (`devenv
 * pause`), so that its probes know; a SIGSTOP behind its back would look like a hung service.
 */
const RESERVED: ReadonlySet<string> = new Set(['SIGSTOP', 'SIGCONT', 'SIGTSTP']);

/**
 * Pure: a signal as `docker kill --signal` and Compose's `stop_signal` take it: `SIGHUP`, `HUP`,
 * `hup` or its number (`1`), or what is wrong with it.
 */
export function parseSignal(text: string): Result<NodeJS.Signals, string> {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const number = Number(trimmed);
    const name = Object.keys(SIGNALS).find((key) => SIGNALS[key] === number);
    return name
      ? ok(name as NodeJS.Signals)
      : err(`no signal number ${clip(trimmed)} on this system`);
  }
  const upper = trimmed.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return Object.hasOwn(SIGNALS, name)
    ? ok(name as NodeJS.Signals)
    : err(`unknown signal "${clip(text)}"; signals: SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGUSR1, …`);
}

/** Pure: a signal `devenv kill` may send, or why not. */
export function parseKillSignal(text: string): Result<NodeJS.Signals, string> {
  const parsed = parseSignal(text);
  if (parsed.ok && RESERVED.has(parsed.value))
    return err(
      `${parsed.value} is not sent by devenv kill: \`devenv pause\` and \`devenv unpause\` freeze and resume a service so that devenv knows (its probes then wait)`,
    );
  return parsed;
}

/**
 * Pure: the service's `stop_signal:` (a replica has its service's), or undefined when it sets
 * none (or one this system lacks: SIGTERM then, as for none).
 */
export function stopSignalOf(
  spec: Pick<ServiceSpec, 'container'> | undefined,
): NodeJS.Signals | undefined {
  const raw = spec?.container?.stopSignal;
  if (raw === undefined) return undefined;
  const parsed = parseSignal(raw);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * Pure: whether a kill ends the service's run for good, so that it is not restarted by its
 * `restart:` policy, like a stop: SIGKILL and the service's stop signal (`stop_signal:`, SIGTERM
 * when unset), as the Docker Engine cancels a container's restart policy for them (moby's
 * daemon/kill.go). The Engine also does so for any signal when no stop signal is configured;
 * devenv does not: `kill -s HUP` to make a service reload would otherwise quietly take its
 * restart policy away for the rest of the run (docs/compose-commands.md).
 */
export function killEndsRun(
  signal: NodeJS.Signals,
  stopSignal: NodeJS.Signals | undefined,
): boolean {
  return signal === 'SIGKILL' || signal === (stopSignal ?? 'SIGTERM');
}

function clip(text: string): string {
  return text.length > 30 ? `${text.slice(0, 27)}…` : text;
}
