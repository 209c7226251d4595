import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `read` until it returns a value, or throws after `timeoutMs` saying what it waited for,
 * the last error `read` threw, and what `describe` adds (state worth seeing in a failure).
 */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  read: () => Promise<T | undefined> | T | undefined,
  options: { readonly intervalMs?: number; readonly describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await read();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(options.intervalMs ?? 100);
  }
  const detail = options.describe?.();
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s${last ? ` (${String(last)})` : ''}${detail ? `\n${detail}` : ''}`,
  );
}
