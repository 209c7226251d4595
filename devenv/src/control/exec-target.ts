import { readFileSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { isRunning, type ServiceState } from '../engine/service-state.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { ExecTarget } from './protocol.js';

/**
 * The environment a running process was started with, read back from /proc: exactly what devenv
 * gave it (interpolated variables, DEVENV_SESSION_TOKEN, DEVENV_TOOL_*), without recomputing it.
 */
export function processEnvironment(pid: number): Result<Record<string, string>, string> {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch (thrown) {
    return err(`cannot read the environment of pid ${pid}: ${messageOf(thrown)}`);
  }
  const environment: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const equals = entry.indexOf('=');
    if (equals > 0) environment[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return ok(environment);
}

/** Where `devenv exec` runs a command for `service` as the engine's state has it now. */
export function execTargetOf(
  service: ServiceState,
  workingDir: string | undefined,
  readEnvironment: (pid: number) => Result<Record<string, string>, string> = processEnvironment,
): ExecTarget {
  const running = isRunning(service.phase);
  const base = {
    name: service.name,
    phase: service.phase,
    runtime: running ? (service.runtime ?? null) : null,
    pid: running ? (service.pid ?? null) : null,
    containerId: running ? (service.containerId ?? null) : null,
    cwd: running && service.runtime === 'native' ? (workingDir ?? null) : null,
  };
  // A container's environment comes with `docker exec`; only a process needs its own read back.
  if (!running || service.runtime !== 'native' || service.pid === undefined)
    return { ...base, environment: {}, problem: null };
  const environment = readEnvironment(service.pid);
  return environment.ok
    ? { ...base, environment: environment.value, problem: null }
    : { ...base, environment: {}, problem: environment.error };
}

/**
 * The environment with the directories of the service's tools (DEVENV_TOOL_* from the toolchain)
 * first on PATH: `devenv exec temporal temporal operator namespace list` finds the project's
 * `temporal`, as a shell inside the service's container would find the image's.
 */
export function withToolsOnPath(
  environment: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const dirs = Object.entries(environment)
    .filter(([key, value]) => key.startsWith('DEVENV_TOOL_') && value)
    .map(([, value]) => dirname(value!));
  const path = environment['PATH'];
  const entries = [...new Set([...dirs, ...(path ? path.split(delimiter) : [])])];
  return entries.length === 0
    ? { ...environment }
    : { ...environment, PATH: entries.join(delimiter) };
}
