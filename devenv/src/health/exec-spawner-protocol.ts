/**
 * The lines devenv and its warm spawner (exec-spawner-script.ts) exchange. Every string that
 * came from a user (the command's words, its directory, its environment) travels as base64, so
 * no byte of it is ever read as syntax: a word with quotes, `$`, backslashes, spaces or newlines
 * reaches exec exactly as written. Fields are separated by one space, a line ends with `\n`.
 * Pure.
 *
 *   devenv → spawner: `run <id> <timeout ms> <cwd> <n> <n × NAME=value> <argv…>`
 *   spawner → devenv: `done <id> exit <code> <output>` | `done <id> signal <number> <output>`
 *                     | `done <id> timeout 0 ` | `done <id> error 0 <message>`
 */

export interface SpawnRequest {
  readonly id: number;
  /** Run as argv: the first word is the program (looked up on PATH), never a shell's input. */
  readonly command: readonly string[];
  readonly cwd: string;
  /** Set on top of the spawner's environment (devenv's, when it started the spawner). */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export type SpawnOutcome =
  | { readonly kind: 'exit'; readonly code: number; readonly output: string }
  | { readonly kind: 'signal'; readonly signal: number; readonly output: string }
  /** Killed with its process group when the time was up. */
  | { readonly kind: 'timeout' }
  /** It could not be started at all (no file for its output, fork failed). */
  | { readonly kind: 'error'; readonly message: string };

export interface SpawnReply {
  readonly id: number;
  readonly outcome: SpawnOutcome;
}

/** A name the spawner's `%ENV` and exec accept (no `=`, no NUL). */
const ENV_NAME = /^[^=\0]+$/;

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');

/** The request line, or why it cannot be sent (nothing can carry a NUL into exec). */
export function encodeRequest(request: SpawnRequest): string | Error {
  const words = [request.cwd, ...request.command, ...Object.values(request.env)];
  if (words.some((word) => word.includes('\0'))) return new Error('a NUL byte in the command');
  const badName = Object.keys(request.env).find((name) => !ENV_NAME.test(name));
  if (badName !== undefined) return new Error(`not an environment variable name: ${badName}`);
  if (request.command.length === 0) return new Error('empty command');
  const env = Object.entries(request.env).map(([name, value]) => encode(`${name}=${value}`));
  const timeout = Math.max(1, Math.ceil(request.timeoutMs));
  const fields = [request.id, timeout, encode(request.cwd), env.length, ...env];
  return `run ${[...fields, ...request.command.map(encode)].join(' ')}\n`;
}

/** encodeRequest read back, as the spawner reads it (for tests of the round trip). */
export function decodeRequest(line: string): SpawnRequest | undefined {
  const [verb, id, timeout, cwd, count, ...rest] = line.replace(/\n$/, '').split(' ');
  if (verb !== 'run' || cwd === undefined || count === undefined) return undefined;
  const envCount = Number(count);
  const env: Record<string, string> = {};
  for (const pair of rest.slice(0, envCount).map(decode)) {
    const equals = pair.indexOf('=');
    env[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  const command = rest.slice(envCount).map(decode);
  return { id: Number(id), timeoutMs: Number(timeout), cwd: decode(cwd), env, command };
}

/** One reply line (without its `\n`); undefined for a line that is not one. */
export function decodeReply(line: string): SpawnReply | undefined {
  const [verb, idText, kind, value, payload = ''] = line.split(' ');
  const id = Number(idText);
  const number = Number(value);
  if (verb !== 'done' || !Number.isSafeInteger(id) || !Number.isSafeInteger(number)) {
    return undefined;
  }
  const text = decode(payload);
  switch (kind) {
    case 'exit':
      return { id, outcome: { kind, code: number, output: text } };
    case 'signal':
      return { id, outcome: { kind, signal: number, output: text } };
    case 'timeout':
      return { id, outcome: { kind } };
    case 'error':
      return { id, outcome: { kind, message: text } };
    default:
      return undefined;
  }
}

/** Whole lines out of what has arrived so far; `rest` waits for the next chunk. */
export function splitLines(buffered: string): { lines: string[]; rest: string } {
  const end = buffered.lastIndexOf('\n');
  if (end < 0) return { lines: [], rest: buffered };
  return { lines: buffered.slice(0, end).split('\n'), rest: buffered.slice(end + 1) };
}
