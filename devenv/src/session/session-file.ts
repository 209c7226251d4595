import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { LeftoverRecorder } from '../engine/supervisor.js';
import type { Leftover } from '../runtime/runtime.js';
import { ensurePrivateDir, writePrivateFile } from './private-files.js';

/**
 * `.devenv/session.json`: who runs this project's stack (pid + start time of devenv) and what it
 * started. Written synchronously on every change, so it is current when devenv dies by SIGKILL.
 */
const leftoverSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('process-group'),
    // Any integer: one that names no group devenv started is refused when reaping, and said so.
    pgid: z.number().int(),
    startTicks: z.number().optional(),
  }),
  z.object({ kind: z.literal('container'), id: z.string() }),
]);

export const sessionSchema = z.object({
  devenvPid: z.number().int().positive(),
  devenvStartTicks: z.number().optional(),
  /** Labels this session's containers (`dev.devenv.session`). */
  sessionId: z.string(),
  projectName: z.string(),
  startedAt: z.number(),
  services: z.record(z.string(), leftoverSchema),
});
export type Session = z.infer<typeof sessionSchema>;

/** The session file inside a stack's state directory (`.devenv/`). */
export function sessionPath(stateDir: string): string {
  return join(stateDir, 'session.json');
}

/** The recorded session, or undefined when there is none or it is unreadable (then there is nothing to trust in it). */
export function readSession(path: string): Session | undefined {
  try {
    const parsed = sessionSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
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
