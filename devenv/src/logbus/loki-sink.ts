import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../../shared/result.js';
import type { LogRecord } from './log-record.js';
import type { LogSink, SinkFailure } from './log-sink.js';
import { lokiPushBody } from './loki-push-body.js';

export { lokiPushBody, nanoseconds, type LokiEntry, type LokiStream } from './loki-push-body.js';

export interface LokiSinkOptions {
  /** Loki's base URL, e.g. `http://127.0.0.1:3100`; the push path is appended. */
  readonly url: string;
  /** The `project` label, so several projects can share one Loki. */
  readonly project: string;
  /** Name in `stats().droppedBySink` (default `loki`). */
  readonly name?: string;
  /** A batch is sent when it has this many records (default 1,000)… */
  readonly batchMaxRecords?: number;
  /** …or this many bytes of text (default 1 MiB)… */
  readonly batchMaxBytes?: number;
  /** …or its oldest record has waited this long (default 1 s). */
  readonly batchMaxAgeMs?: number;
  /** Records waiting beyond this are dropped and counted (default 10,000). */
  readonly maxQueueRecords?: number;
  /** Tries per batch before it is given up and counted (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay, doubled per try with jitter, capped by `backoffMaxMs` (250 ms, 10 s). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Per request (default 5 s). */
  readonly timeoutMs?: number;
  /** How long `close` may spend delivering what is queued (default 5 s). */
  readonly closeTimeoutMs?: number;
  /** Extra request headers, e.g. `X-Scope-OrgID` for a multi-tenant Loki. */
  readonly headers?: Readonly<Record<string, string>>;
  /** For tests; defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export interface LokiSinkStatus {
  readonly queued: number;
  readonly sentRecords: number;
  readonly sentBatches: number;
  /** Batches given up (rejected, or failed every attempt); their records are in `dropped`. */
  readonly failedBatches: number;
  readonly dropped: number;
}

export interface LokiSink extends LogSink {
  status(): LokiSinkStatus;
}

export const LOKI_PUSH_PATH = '/loki/api/v1/push';

/**
 * Pushes records to Loki's HTTP API in batches, one request at a time (so entries of a stream
 * arrive in order). Retries 429, 5xx, timeouts and refused connections with exponential backoff;
 * gives a batch up after `maxAttempts`. Meanwhile new records queue up to a bound and the rest
 * are dropped and counted: a stalled Loki never slows the bus or grows memory.
 */
export function createLokiSink(options: LokiSinkOptions): LokiSink {
  return new LokiSinkImpl(options);
}

type Outcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'retry'; readonly error: string; readonly retryAfterMs: number | undefined }
  | { readonly kind: 'rejected'; readonly status: number; readonly body: string };

class LokiSinkImpl implements LokiSink {
  readonly name: string;
  readonly #url: string;
  readonly #project: string;
  readonly #batchMaxRecords: number;
  readonly #batchMaxBytes: number;
  readonly #batchMaxAgeMs: number;
  readonly #maxQueue: number;
  readonly #maxAttempts: number;
  readonly #backoffInitialMs: number;
  readonly #backoffMaxMs: number;
  readonly #timeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  /** Aborts the request and backoff in flight when `close` runs out of time. */
  readonly #shutdown = new AbortController();

  #queue: (LogRecord | undefined)[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** When the oldest queued record arrived, for the age trigger. */
  #oldestAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  #closing = false;
  #dropped = 0;
  #sentRecords = 0;
  #sentBatches = 0;
  #failedBatches = 0;
  #failure: SinkFailure | undefined;

  constructor(options: LokiSinkOptions) {
    this.name = options.name ?? 'loki';
    this.#url = options.url.replace(/\/+$/, '') + LOKI_PUSH_PATH;
    this.#project = options.project;
    this.#batchMaxRecords = Math.max(1, options.batchMaxRecords ?? 1000);
    this.#batchMaxBytes = Math.max(1, options.batchMaxBytes ?? 1024 * 1024);
    this.#batchMaxAgeMs = Math.max(0, options.batchMaxAgeMs ?? 1000);
    this.#maxQueue = Math.max(1, options.maxQueueRecords ?? 10_000);
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#backoffInitialMs = Math.max(0, options.backoffInitialMs ?? 250);
    this.#backoffMaxMs = Math.max(this.#backoffInitialMs, options.backoffMaxMs ?? 10_000);
    this.#timeoutMs = Math.max(1, options.timeoutMs ?? 5000);
    this.#closeTimeoutMs = Math.max(0, options.closeTimeoutMs ?? 5000);
    this.#headers = { 'content-type': 'application/json', ...options.headers };
    this.#fetch = options.fetch ?? fetch;
  }

  accept(records: readonly LogRecord[]): void {
    if (this.#closing) {
      this.#dropped += records.length;
      return;
    }
    if (this.#queued() === 0) this.#oldestAt = Date.now();
    const room = Math.max(0, this.#maxQueue - this.#queued());
    const taken = Math.min(room, records.length);
    for (let i = 0; i < taken; i++) {
      const record = records[i] as LogRecord;
      this.#queue.push(record);
      this.#queuedBytes += record.text.length;
    }
    this.#dropped += records.length - taken;
    this.#schedule();
  }

  dropped(): number {
    return this.#dropped;
  }

  lastFailure(): SinkFailure | undefined {
    return this.#failure;
  }

  status(): LokiSinkStatus {
    return {
      queued: this.#queued(),
      sentRecords: this.#sentRecords,
      sentBatches: this.#sentBatches,
      failedBatches: this.#failedBatches,
      dropped: this.#dropped,
    };
  }

  async close(): Promise<void> {
    if (this.#closing) {
      await this.#sending;
      return;
    }
    this.#closing = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#startSending();
    const deadline = setTimeout(() => this.#shutdown.abort(), this.#closeTimeoutMs);
    try {
      await this.#sending;
    } finally {
      clearTimeout(deadline);
    }
    // Whatever the deadline cut off is lost; count it.
    this.#dropped += this.#queued();
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
  }

  #queued(): number {
    return this.#queue.length - this.#head;
  }

  #batchIsDue(): boolean {
    const queued = this.#queued();
    if (queued === 0) return false;
    return (
      this.#closing ||
      queued >= this.#batchMaxRecords ||
      this.#queuedBytes >= this.#batchMaxBytes ||
      Date.now() - this.#oldestAt >= this.#batchMaxAgeMs
    );
  }

  #schedule(): void {
    if (this.#sending !== undefined) return; // The sender re-checks when its request is done.
    if (this.#batchIsDue()) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#startSending();
    } else if (this.#timer === undefined && this.#queued() > 0) {
      const wait = Math.max(0, this.#oldestAt + this.#batchMaxAgeMs - Date.now());
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, wait);
      this.#timer.unref(); // Pending log shipping must not keep devenv alive; close() flushes.
    }
  }

  #startSending(): void {
    if (this.#sending !== undefined) return;
    this.#sending = this.#sendLoop().finally(() => {
      this.#sending = undefined;
      if (!this.#shutdown.signal.aborted) this.#schedule();
    });
  }

  async #sendLoop(): Promise<void> {
    while (this.#batchIsDue() && !this.#shutdown.signal.aborted) {
      const batch = this.#takeBatch();
      // The rest waited at least as long as this send; age is measured from now on.
      this.#oldestAt = Date.now();
      await this.#deliver(batch);
    }
  }

  #takeBatch(): LogRecord[] {
    const batch: LogRecord[] = [];
    let bytes = 0;
    while (this.#head < this.#queue.length && batch.length < this.#batchMaxRecords) {
      const record = this.#queue[this.#head];
      if (record === undefined) break;
      if (batch.length > 0 && bytes + record.text.length > this.#batchMaxBytes) break;
      batch.push(record);
      bytes += record.text.length;
      this.#queue[this.#head] = undefined;
      this.#head += 1;
    }
    this.#queuedBytes -= bytes;
    if (this.#head >= this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

  async #deliver(batch: LogRecord[]): Promise<void> {
    const body = JSON.stringify(lokiPushBody(this.#project, batch));
    let lastError = '';
    let attempts = 0;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      attempts = attempt;
      const outcome = await this.#post(body);
      if (outcome.kind === 'sent') {
        this.#sentRecords += batch.length;
        this.#sentBatches += 1;
        return;
      }
      if (outcome.kind === 'rejected') {
        this.#giveUp(batch.length, {
          reason: 'loki-rejected',
          status: outcome.status,
          body: outcome.body,
          records: batch.length,
        });
        return;
      }
      lastError = outcome.error;
      if (attempt === this.#maxAttempts || this.#shutdown.signal.aborted) break;
      const backoff = Math.min(this.#backoffMaxMs, this.#backoffInitialMs * 2 ** (attempt - 1));
      const jittered = backoff / 2 + (Math.random() * backoff) / 2;
      const delay = Math.min(this.#backoffMaxMs, Math.max(jittered, outcome.retryAfterMs ?? 0));
      try {
        await sleep(delay, undefined, { signal: this.#shutdown.signal });
      } catch {
        break; // close() ran out of time.
      }
    }
    this.#giveUp(batch.length, {
      reason: 'loki-gave-up',
      attempts,
      lastError,
      records: batch.length,
    });
  }

  async #post(body: string): Promise<Outcome> {
    try {
      const response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: this.#headers,
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#shutdown.signal]),
      });
      // Read the body either way so the connection can be reused.
      const text = await response.text();
      if (response.ok) return { kind: 'sent' };
      if (response.status === 429 || response.status >= 500) {
        return {
          kind: 'retry',
          error: `HTTP ${response.status}: ${text.slice(0, 200)}`,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        };
      }
      return { kind: 'rejected', status: response.status, body: text.slice(0, 500) };
    } catch (error) {
      // Refused, reset, timed out: all worth another try.
      return { kind: 'retry', error: messageOf(error), retryAfterMs: undefined };
    }
  }

  #giveUp(records: number, failure: SinkFailure): void {
    this.#dropped += records;
    this.#failedBatches += 1;
    this.#failure = failure;
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
