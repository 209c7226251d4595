export const DEFAULT_MAX_ITEMS = 10_000;
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export interface RingBufferOptions {
  readonly maxItems?: number | undefined;
  readonly maxBytes?: number | undefined;
}

/**
 * The newest items that fit both a count and a byte budget; pushing evicts the oldest. Storage
 * grows by doubling up to `maxItems`, so a quiet service does not hold a 10,000-slot array.
 * Push is O(1) amortised: each item is evicted at most once.
 */
export class RingBuffer<T> {
  readonly #sizeOf: (item: T) => number;
  readonly #maxItems: number;
  readonly #maxBytes: number;
  #items: (T | undefined)[];
  #sizes: Float64Array;
  /** Index of the oldest item. */
  #head = 0;
  #count = 0;
  #bytes = 0;
  #evicted = 0;

  /** `sizeOf` estimates an item's memory; it is called once per push. */
  constructor(sizeOf: (item: T) => number, options: RingBufferOptions = {}) {
    this.#sizeOf = sizeOf;
    this.#maxItems = Math.max(1, Math.floor(options.maxItems ?? DEFAULT_MAX_ITEMS));
    this.#maxBytes = Math.max(0, options.maxBytes ?? DEFAULT_MAX_BYTES);
    const initial = Math.min(this.#maxItems, 256);
    this.#items = new Array<T | undefined>(initial);
    this.#sizes = new Float64Array(initial);
  }

  get size(): number {
    return this.#count;
  }

  /** The estimated bytes of the items held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Items pushed out so far to stay within the budgets. */
  get evicted(): number {
    return this.#evicted;
  }

  /**
   * Adds the newest item. An item larger than the whole byte budget is still kept (alone), so
   * the newest line is always visible.
   */
  push(item: T): void {
    const size = this.#sizeOf(item);
    while (
      this.#count > 0 &&
      (this.#count >= this.#maxItems || this.#bytes + size > this.#maxBytes)
    ) {
      this.#evictOldest();
    }
    if (this.#count === this.#items.length) this.#grow();
    const capacity = this.#items.length;
    const at = (this.#head + this.#count) % capacity;
    this.#items[at] = item;
    this.#sizes[at] = size;
    this.#count += 1;
    this.#bytes += size;
  }

  /** The item `index` places after the oldest (0 = oldest), if held. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#count) return undefined;
    return this.#items[(this.#head + index) % this.#items.length];
  }

  /** Items `[from, to)` counted from the oldest, oldest first; bounds are clamped. */
  slice(from = 0, to = this.#count): T[] {
    const start = Math.max(0, Math.min(from, this.#count));
    const end = Math.max(start, Math.min(to, this.#count));
    const out = new Array<T>(end - start);
    const capacity = this.#items.length;
    for (let i = start; i < end; i++)
      out[i - start] = this.#items[(this.#head + i) % capacity] as T;
    return out;
  }

  #evictOldest(): void {
    const head = this.#head;
    this.#items[head] = undefined; // Let the record be collected now, not when overwritten.
    this.#bytes -= this.#sizes[head] ?? 0;
    this.#head = (head + 1) % this.#items.length;
    this.#count -= 1;
    this.#evicted += 1;
    if (this.#count === 0) this.#bytes = 0; // Float drift must not accumulate across a flood.
  }

  #grow(): void {
    const capacity = Math.min(this.#maxItems, this.#items.length * 2);
    const items = new Array<T | undefined>(capacity);
    const sizes = new Float64Array(capacity);
    const old = this.#items.length;
    for (let i = 0; i < this.#count; i++) {
      const from = (this.#head + i) % old;
      items[i] = this.#items[from];
      sizes[i] = this.#sizes[from] ?? 0;
    }
    this.#items = items;
    this.#sizes = sizes;
    this.#head = 0;
  }
}
