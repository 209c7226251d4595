import type { LogRecord } from './log-record.js';

/** Why a sink lost records; the latest one is kept for `devenv doctor` and the TUI. */
export type SinkFailure =
  /** A log file could not be opened or written (disk full, permissions); records were dropped. */
  | { readonly reason: 'file-write-failed'; readonly path: string; readonly message: string }
  /** Loki answered with a status that retrying cannot fix (400, 401, 413…); the batch was dropped. */
  | {
      readonly reason: 'loki-rejected';
      readonly status: number;
      readonly body: string;
      readonly records: number;
    }
  /** Loki stayed unreachable, slow or overloaded for every attempt; the batch was dropped. */
  | {
      readonly reason: 'loki-gave-up';
      readonly attempts: number;
      readonly lastError: string;
      readonly records: number;
    };

/**
 * An asynchronous consumer of every record. The bus hands it batches on its delivery tick; the
 * sink must return at once, queue within a bound, and count what it drops instead of pushing
 * back on the bus (a child's output must never wait for a disk or a network).
 */
export interface LogSink {
  /** The key of this sink in `stats().droppedBySink`. */
  readonly name: string;
  /** Records in bus order. Must not block, nor mutate the array: others receive the same one. */
  accept(records: readonly LogRecord[]): void;
  /** Records accepted but never delivered (queue full, write failed, gave up). */
  dropped(): number;
  /** The most recent failure, if any. */
  lastFailure(): SinkFailure | undefined;
  /** Delivers what is queued (within the sink's own deadline), then releases files and sockets. */
  close(): Promise<void>;
}
