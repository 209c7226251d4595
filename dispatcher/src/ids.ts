import { createHash } from 'node:crypto';

/**
 * Workflow IDs: `{Workflow}-{key}-{epochMs}` (ARCHITECTURE §5), readable in the Temporal UI. With
 * an Idempotency-Key the last part is a digest of that key instead, so a retried request names the
 * same workflow and Temporal itself refuses a second start (no dispatcher-side state, which would
 * be lost on restart and not shared between replicas).
 */

const KEY_MAX = 64;
/**
 * What a key keeps as-is: letters, marks and digits of any script, and a few ASCII marks. The
 * rest (spaces, `/`, `%`, `?`, `#`, controls…) becomes `_`, so an ID needs no escaping beyond the
 * URL encoding of its letters, and never confuses a URL or a shell.
 */
const SAFE = /[\p{L}\p{M}\p{N}._~@+=:-]/u;

/**
 * The business key as it appears in an ID: at most 64 characters. A key that had to be changed
 * (replaced characters, or cut short) gets a digest of the original, so distinct keys stay
 * distinct (which matters for the stable IDs of idempotent starts).
 */
export function idKey(key: string): string {
  const chars = [...key];
  const kept = chars.map((ch) => (SAFE.test(ch) ? ch : '_'));
  const changed = kept.some((ch, i) => ch !== chars[i]) || kept.length > KEY_MAX;
  if (kept.length === 0) return '_';
  if (!changed) return kept.join('');
  return `${kept.slice(0, KEY_MAX - 9).join('')}~${digest(key).slice(0, 8)}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * A millisecond clock that never repeats a value for the same prefix in this process, so two
 * requests with the same key in the same millisecond get different IDs instead of a 409.
 */
export class IdClock {
  readonly #last = new Map<string, number>();
  constructor(private readonly now: () => number = Date.now) {}

  next(prefix: string): number {
    const now = this.now();
    const last = this.#last.get(prefix);
    const value = last !== undefined && last >= now ? last + 1 : now;
    this.#last.set(prefix, value);
    // Entries at or before `now` can never cause a repeat again; drop them once the map grows.
    if (this.#last.size > 10_000) {
      for (const [p, v] of this.#last) if (v < now) this.#last.delete(p);
    }
    return value;
  }
}

export function uniqueWorkflowId(idPrefix: string, key: string, clock: IdClock): string {
  const prefix = `${idPrefix}-${idKey(key)}`;
  return `${prefix}-${clock.next(prefix)}`;
}

/** Stable for the same (workflow, key, Idempotency-Key): `{Workflow}-{key}-idem-{digest}`. */
export function idempotentWorkflowId(
  idPrefix: string,
  key: string,
  idempotencyKey: string,
): string {
  return `${idPrefix}-${idKey(key)}-idem-${digest(idempotencyKey).slice(0, 24)}`;
}

/** Idempotency keys as the IETF draft describes them: 1–255 visible ASCII characters. */
export function isValidIdempotencyKey(value: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(value);
}

/** The fingerprint of a start request, kept in the workflow's memo to tell a retry from a reuse. */
export function requestFingerprint(workflowType: string, requestBytes: Uint8Array): string {
  return createHash('sha256').update(workflowType).update('\0').update(requestBytes).digest('hex');
}
