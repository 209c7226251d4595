import { err, ok, type Result } from '../../shared/result.js';
import { isPlainObject } from './tree.js';

/**
 * The value shapes of Compose's container options, read as compose-go reads them. A value that
 * does not cast (`init: maybe`) gives `undefined`: value-checks.ts reports those already, once.
 */

/** Binary, as go-units' RAMInBytes reads `mem_limit` and `shm_size` (compose-go's UnitBytes). */
const RAM_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};
const RAM = /^(\d+(?:\.\d+)*) ?([kmgtp]?)i?b?$/i;
export const BYTES_HINT =
  'write a size like 512m, 64k or 2g (k = 1024 bytes), or a number of bytes';

/** `512m`, `1.5g`, `2048` (bytes); `b` and `i` are allowed and change nothing. */
export function parseBytes(value: unknown): Result<number, string> {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && value >= 0
      ? ok(value)
      : err(`${value} is not a whole number of bytes, 0 or more`);
  if (typeof value !== 'string') return err('expected a size like 512m');
  const match = RAM.exec(value);
  if (!match) return err(`"${value}" is not a size`);
  const bytes = Math.floor(Number(match[1]) * (RAM_UNITS[match[2]!.toLowerCase()] ?? 1));
  if (!Number.isSafeInteger(bytes)) return err(`"${value}" is too large`);
  return ok(bytes);
}

/** `true`, `false` or the strings interpolation leaves (`"yes"` counts as compose-go's YAML does). */
export function castBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (/^(y|yes|true|on)$/i.test(value)) return true;
  if (/^(n|no|false|off)$/i.test(value)) return false;
  return undefined;
}

export function castNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

export function castInteger(value: unknown): number | undefined {
  const number = castNumber(value);
  return number !== undefined && Number.isSafeInteger(number) ? number : undefined;
}

/** A string or a list of strings (and numbers) as a list; `dns: 1.1.1.1` is a one-item list. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  return value.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
}

/** `[KEY=value]` or `{KEY: value}` as a mapping (sysctls). */
export function keyValues(value: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq > 0) out[text.slice(0, eq)] = text.slice(eq + 1);
    }
    return out;
  }
  if (!isPlainObject(value)) return undefined;
  for (const [key, item] of Object.entries(value)) out[key] = item === null ? '' : String(item);
  return out;
}

/**
 * `extra_hosts` as the Engine's `host:ip` entries: a list of `host:ip` or `host=ip`, or a mapping
 * of host to one address or a list of them. `host-gateway` stays: the Engine replaces it.
 */
export function extraHosts(value: unknown): Result<string[], string> {
  const out: string[] = [];
  if (isPlainObject(value)) {
    for (const [host, ips] of Object.entries(value))
      for (const ip of stringList(ips) ?? []) out.push(`${host}:${ip}`);
    return ok(out);
  }
  for (const entry of stringList(value) ?? []) {
    const eq = entry.indexOf('=');
    const sep = eq >= 0 ? eq : entry.indexOf(':');
    if (sep <= 0 || sep === entry.length - 1)
      return err(`"${entry}" is not host:address (or host=address)`);
    out.push(`${entry.slice(0, sep)}:${entry.slice(sep + 1).replace(/^\[(.*)\]$/, '$1')}`);
  }
  return ok(out);
}

export interface Ulimit {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

/** `ulimits: {nofile: 1024}` (soft = hard) or `{nofile: {soft, hard}}`; soft may not exceed hard. */
export function ulimits(value: unknown): Result<Ulimit[], { name: string; message: string }> {
  const out: Ulimit[] = [];
  if (!isPlainObject(value)) return ok(out);
  for (const [name, limit] of Object.entries(value)) {
    const single = castInteger(limit);
    const soft = isPlainObject(limit) ? castInteger(limit['soft']) : single;
    const hard = isPlainObject(limit) ? castInteger(limit['hard']) : single;
    if (soft === undefined || hard === undefined) continue;
    if (soft > hard)
      return err({ name, message: `the soft limit ${soft} is above the hard limit ${hard}` });
    out.push({ name, soft, hard });
  }
  return ok(out);
}

export interface DeviceMapping {
  readonly host: string;
  readonly container: string;
  readonly permissions: string;
}

/** `/dev/x`, `/dev/x:/dev/y`, `/dev/x:/dev/y:rw`, or `{source, target, permissions}`. */
export function devices(value: unknown): Result<DeviceMapping[], string> {
  const out: DeviceMapping[] = [];
  for (const entry of Array.isArray(value) ? value : []) {
    if (isPlainObject(entry)) {
      const host = String(entry['source'] ?? '');
      const container = String(entry['target'] ?? host);
      out.push({ host, container, permissions: String(entry['permissions'] ?? 'rwm') });
      continue;
    }
    const [host = '', container = host, permissions = 'rwm', ...rest] = String(entry).split(':');
    if (host === '' || rest.length > 0 || !/^[rwm]+$/.test(permissions))
      return err(`"${String(entry)}" is not a device: write /dev/host[:/dev/container[:rwm]]`);
    out.push({ host, container, permissions });
  }
  return ok(out);
}

export interface ExposedPort {
  readonly port: number;
  readonly protocol: string;
}

/** `expose: ["3000", "8000-8002/udp", 9000]`, one entry per port. */
export function exposedPorts(value: unknown): Result<ExposedPort[], string> {
  const out: ExposedPort[] = [];
  for (const entry of stringList(value) ?? []) {
    const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(entry);
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : Number(match[2]);
    if (!match || first < 1 || last > 65535 || last < first)
      return err(`"${entry}" is not a port or range like 3000, 8000-8002 or 53/udp`);
    for (let port = first; port <= last; port++) out.push({ port, protocol: match[3] ?? 'tcp' });
  }
  return ok(out);
}
