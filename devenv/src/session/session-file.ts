import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LeftoverRecorder } from '../engine/supervisor.js';
import type { Leftover } from '../runtime/runtime.js';
import { ensurePrivateDir, writePrivateFile } from './private-files.js';

/**
 * `.devenv/session.json`: who runs this project's stack (pid + start time of devenv) and what it
 * started. Written synchronously on every change, so it is current when devenv dies by SIGKILL.
 */
/** A service's Leftover as the file has it (a process group's start time may be absent). */
export type SessionLeftover =
  | { kind: 'process-group'; pgid: number; startTicks?: number | undefined }
  | { kind: 'container'; id: string };

export interface Session {
  devenvPid: number;
  devenvStartTicks?: number | undefined;
  /** Labels this session's containers (`dev.devenv.session`). */
  sessionId: string;
  projectName: string;
  startedAt: number;
  services: Record<string, SessionLeftover>;
}

// Checked by hand, not with a schema library: every `up` reads this file before its first spawn.
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function leftoverOf(value: unknown): SessionLeftover | undefined {
  if (!isObject(value)) return undefined;
  const { pgid, startTicks } = value;
  // Any integer pgid: one that names no group devenv started is refused when reaping, and said so.
  if (value.kind === 'process-group' && Number.isInteger(pgid)) {
    if (startTicks !== undefined && !isNumber(startTicks)) return undefined;
    return {
      kind: 'process-group',
      pgid: pgid as number,
      ...(startTicks !== undefined ? { startTicks } : {}),
    };
  }
  if (value.kind === 'container' && typeof value.id === 'string')
    return { kind: 'container', id: value.id };
  return undefined;
}

/** A session file's JSON as a Session (other fields dropped); undefined when anything is off. */
export function parseSession(value: unknown): Session | undefined {
  if (!isObject(value) || !isObject(value.services)) return undefined;
  const { devenvPid, devenvStartTicks, sessionId, projectName, startedAt } = value;
  if (!Number.isInteger(devenvPid) || (devenvPid as number) <= 0) return undefined;
  if (devenvStartTicks !== undefined && !isNumber(devenvStartTicks)) return undefined;
  if (typeof sessionId !== 'string' || typeof projectName !== 'string') return undefined;
  if (!isNumber(startedAt)) return undefined;
  const services: Record<string, SessionLeftover> = {};
  for (const [name, entry] of Object.entries(value.services)) {
    const leftover = leftoverOf(entry);
    if (!leftover) return undefined;
    services[name] = leftover;
  }
  return {
    devenvPid: devenvPid as number,
    ...(devenvStartTicks !== undefined ? { devenvStartTicks } : {}),
    sessionId,
    projectName,
    startedAt,
    services,
  };
}

/** The session file inside a stack's state directory (`.devenv/`). */
export function sessionPath(stateDir: string): string {
  return join(stateDir, 'session.json');
}

/** The recorded session, or undefined when there is none or it is unreadable (then there is nothing to trust in it). */
export function readSession(path: string): Session | undefined {
  try {
    return parseSession(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}

export function removeSession(path: string): void {
  rmSync(path, { force: true });
}

/** Keeps the session file in step with what is running. */
export function sessionRecorder(
  path: string,
  header: Omit<Session, 'services'>,
): LeftoverRecorder & { close(): void } {
  const services: Record<string, Leftover> = {};
  const write = () => {
    ensurePrivateDir(dirname(path));
    writePrivateFile(path, JSON.stringify({ ...header, services }, null, 2));
  };
  write();
  return {
    record: (service, leftover) => {
      services[service] = leftover;
      write();
    },
    forget: (service) => {
      delete services[service];
      write();
    },
    close: () => removeSession(path),
  };
}
