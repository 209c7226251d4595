import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export interface RotationSettings {
  /** The directory the file is in, created (owner-only) when the file is opened. */
  readonly directory: string;
  /** A write that would grow the file past this rotates it first. */
  readonly maxFileBytes: number;
  /** Rotated files kept: `<path>.1` (newest) … `.N`. */
  readonly keepFiles: number;
}

/** An append-only log file, opened on the first write and rotated by size. */
export class RotatingFile {
  readonly path: string;
  readonly #settings: RotationSettings;
  #handle: FileHandle | undefined;
  #size = 0;
  #pruned = false;

  constructor(path: string, settings: RotationSettings) {
    this.path = path;
    this.#settings = settings;
  }

  /**
   * Appends whole lines. A write larger than a file (the sink sizes writes in characters, and
   * multi-byte text has more bytes) is split between lines, so that no file grows past
   * `maxFileBytes` unless one line alone is longer.
   */
  async write(bytes: Buffer): Promise<void> {
    if (bytes.length <= this.#settings.maxFileBytes) return this.#append(bytes);
    let start = 0;
    while (start < bytes.length) {
      const end = pieceEnd(bytes, start, this.#settings.maxFileBytes);
      await this.#append(bytes.subarray(start, end));
      start = end;
    }
  }

  async #append(bytes: Buffer): Promise<void> {
    if (this.#handle === undefined) await this.#open();
    if (!this.#pruned) await this.#pruneBeyondKeep();
    if (this.#size > 0 && this.#size + bytes.length > this.#settings.maxFileBytes) {
      await this.#rotate();
    }
    const handle = this.#handle;
    if (handle === undefined) throw new Error(`${this.path} is not open`);
    await handle.write(bytes);
    this.#size += bytes.length;
  }

  /** Closes the file, if open; the next write opens it again. */
  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  async #open(): Promise<void> {
    // Logs hold what the services print (tokens, queries): the owner's only, whatever the
    // umask, and tightened where an older devenv left them readable to others.
    await mkdir(this.#settings.directory, { recursive: true, mode: 0o700 });
    await chmod(this.#settings.directory, 0o700);
    // Append: the previous session's lines stay readable after a restart.
    const handle = await open(this.path, 'a', 0o600);
    await handle.chmod(0o600);
    this.#handle = handle;
    this.#size = (await handle.stat()).size;
  }

  /**
   * Removes rotated files past `keepFiles` that an earlier session with a larger `max-file` left,
   * so that the files on disk stay within what the service's options allow.
   */
  async #pruneBeyondKeep(): Promise<void> {
    this.#pruned = true;
    for (let i = this.#settings.keepFiles + 1; ; i++) {
      try {
        await rm(`${this.path}.${i}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
    }
  }

  /** `x.log` → `x.log.1` → … → `x.log.N`; the oldest is overwritten by the rename. */
  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    const keep = this.#settings.keepFiles;
    if (keep === 0) {
      await rm(this.path, { force: true });
    } else {
      for (let i = keep - 1; i >= 1; i--) {
        await renameIfPresent(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      }
      await renameIfPresent(this.path, `${this.path}.1`);
    }
    await this.#open();
  }
}

/** Where a piece of at most `max` bytes from `start` ends: after its last newline, else its first. */
function pieceEnd(bytes: Buffer, start: number, max: number): number {
  const limit = start + max;
  if (limit >= bytes.length) return bytes.length;
  const lastNewline = bytes.lastIndexOf(0x0a, limit - 1);
  if (lastNewline >= start) return lastNewline + 1;
  const firstNewline = bytes.indexOf(0x0a, limit);
  return firstNewline === -1 ? bytes.length : firstNewline + 1;
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
