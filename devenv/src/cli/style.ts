/** Terminal colours, only on a TTY and never when NO_COLOR is set (https://no-color.org). */
export interface Style {
  ok(text: string): string;
  warn(text: string): string;
  fail(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const on = stream.isTTY === true && env['NO_COLOR'] === undefined;
  const sgr = (code: string) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { ok: sgr('32'), warn: sgr('33'), fail: sgr('31'), dim: sgr('2'), bold: sgr('1') };
}
