/** `4s`, `3m12s`, `2h05m`: compact durations for the table. */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatMb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : `${Math.round(bytes / 1024 / 1024)}M`;
}

/** Splits `text` around case-insensitive occurrences of `needle`, for highlighting. */
export function splitMatches(text: string, needle: string): { text: string; match: boolean }[] {
  if (needle.length === 0) return [{ text, match: false }];
  const parts: { text: string; match: boolean }[] = [];
  const lower = text.toLowerCase();
  const want = needle.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(want); at >= 0; at = lower.indexOf(want, at + want.length)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + want.length), match: true });
    from = at + want.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}
