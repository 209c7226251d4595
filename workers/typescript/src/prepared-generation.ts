import type { NativeConnection } from '@temporalio/worker';
import type { DiscardableWorker } from './discardable-worker.js';

/** A next generation's Worker, created with its code and connection, that has not polled yet. */
export interface Prepared<Code> {
  readonly worker: DiscardableWorker;
  readonly connection: NativeConnection;
  readonly code: Code;
  /** How long loading the code and creating the Worker took. */
  readonly ms: number;
}

/**
 * At most one prepared generation, waiting for a swap to take it. A newer one replaces it (the
 * older is discarded); one nobody takes within `ttlMs` (the check it was prepared for ended
 * without a swap, e.g. devenv restarted the service instead) is discarded, so a refused or
 * abandoned change never keeps a Worker, a thread and a connection.
 */
export class PreparedSlot<Code> {
  readonly #ttlMs: number;
  #pending: Promise<Prepared<Code> | undefined> | undefined;
  #expiry: NodeJS.Timeout | undefined;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** Puts a generation being prepared in the slot; a failed preparation leaves it empty. */
  fill(preparing: Promise<Prepared<Code>>): void {
    void this.discard();
    const pending = preparing.catch(() => undefined);
    this.#pending = pending;
    this.#expiry = setTimeout(() => {
      if (this.#pending === pending) void this.discard();
    }, this.#ttlMs);
    this.#expiry.unref();
  }

  /** The prepared generation once its preparation ended (undefined: none, or it failed); empties the slot. */
  async take(): Promise<Prepared<Code> | undefined> {
    const pending = this.#pending;
    this.#pending = undefined;
    clearTimeout(this.#expiry);
    return pending ? await pending : undefined;
  }

  /** Discards what the slot holds; whether there was a prepared generation. */
  async discard(): Promise<boolean> {
    const prepared = await this.take();
    if (!prepared) return false;
    await release(prepared);
    return true;
  }
}

/** A prepared generation's Worker and connection, let go without polling. */
export async function release(prepared: Prepared<unknown>): Promise<void> {
  await prepared.worker.discard().catch(() => undefined);
  await prepared.connection.close().catch(() => undefined);
}
