import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createFileSink, fileNameOf } from '../logbus/file-sink.js';
import { createLogBus } from '../logbus/log-bus.js';
import type { LogStream } from '../logbus/log-record.js';
import type { LogFileRotation } from '../model/logging-files.js';

export interface RunLog {
  /** `SERVICE-run-<n>`: what `devenv logs` reads it by (`SERVICE-run-<hex>` when not kept). */
  readonly name: string;
  /** False for a service whose `logging.driver` is `none`: no file, nothing for `devenv logs`. */
  readonly kept: boolean;
  write(stream: LogStream, chunk: Buffer): void;
  /** A line of devenv's own about the run (what ran, how it ended). */
  note(text: string): void;
  close(): Promise<void>;
}

/**
 * The log of one `devenv run`: `.devenv/logs/SERVICE-run-<n>.log`, n one more than any earlier
 * run's. The file is claimed with an exclusive create, so two runs started at once get two
 * numbers; lines go through the log bus and file sink that `devenv up` writes services with,
 * rotated as the service's `logging:` says. Its `driver: none` (rotation undefined) keeps no file.
 */
export function openRunLog(
  stateDir: string,
  service: string,
  rotation: LogFileRotation | undefined,
): RunLog {
  if (rotation === undefined) {
    // Compose's own naming of a one-off; the name is then only the container's.
    const name = `${service}-run-${randomBytes(6).toString('hex')}`;
    return { name, kept: false, write: () => {}, note: () => {}, close: async () => {} };
  }
  const directory = join(stateDir, 'logs');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  let name = '';
  for (let n = 1; name === ''; n++) {
    const candidate = `${service}-run-${n}`;
    try {
      closeSync(openSync(join(directory, `${fileNameOf(candidate)}.log`), 'wx', 0o600));
      name = candidate;
    } catch (thrown) {
      if ((thrown as NodeJS.ErrnoException).code !== 'EEXIST') throw thrown;
    }
  }
  const bus = createLogBus({ sinks: [createFileSink({ directory, ...rotation })] });
  return {
    name,
    kept: true,
    write: (stream, chunk) => bus.write(name, stream, chunk),
    note: (text) => bus.append(name, 'devenv', text),
    close: () => bus.close(),
  };
}
