import { isIP } from 'node:net';
import { err, ok, type Result } from '../../shared/result.js';
import type { PortMapping } from './stack.js';

interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * Compose's short port syntax, `[[HOST_IP:]HOST[-END]:]CONTAINER[-END][/PROTOCOL]`, e.g. `"8080"`,
 * `"8080:80"`, `"127.0.0.1:8080:80"`, `"[::1]:8080:80"`, `"8080:80/udp"`, `"9090-9091:8080-8081"`
 * (ranges expand pairwise). A host range for a single container port means "any free one of
 * these", as to Compose: the mapping keeps the range (`host`…`hostEnd`) and the Engine picks.
 */
export function parseShortPort(spec: string | number): Result<PortMapping[], string> {
  const text = String(spec).trim();
  const [address = '', protocolText, ...extra] = text.split('/');
  if (extra.length > 0) return err(`"${text}" has more than one "/"`);
  const protocol = parseProtocol(protocolText);
  if (!protocol.ok) return protocol;

  let hostIp: string | undefined;
  let rest = address;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':')
      return err(`"${text}": expected [IPv6]:HOST:CONTAINER`);
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  const containerText = parts.pop() ?? '';
  let hostText: string | undefined;
  if (parts.length > 0) hostText = parts.pop();
  // Whatever remains is the host IP; more than one remaining part is an unbracketed IPv6.
  if (parts.length > 0) {
    if (hostIp !== undefined) return err(`"${text}" has too many ":"-separated parts`);
    hostIp = parts.join(':');
  }
  // An empty host IP (`:8080:80`, `::80`) is none, as to Compose.
  const ip = checkHostIp(hostIp === '' ? undefined : hostIp, text);
  if (!ip.ok) return ip;
  const container = parseRange(containerText, 'container port', text);
  if (!container.ok) return container;
  const host =
    hostText === undefined || hostText === '' ? undefined : parseRange(hostText, 'host port', text);
  if (host && !host.ok) return host;
  return pair(host?.value, container.value, ip.value, protocol.value, text);
}

export interface LongPort {
  readonly target: number | string;
  readonly published?: number | string | undefined;
  readonly host_ip?: string | undefined;
  readonly protocol?: string | undefined;
}

/** Compose's long port syntax `{target, published, host_ip, protocol}`. */
export function parseLongPort(port: LongPort): Result<PortMapping[], string> {
  const label = `target ${String(port.target)}`;
  const container = parseRange(String(port.target), 'target', label);
  if (!container.ok) return container;
  if (container.value.end !== container.value.start) return err('target must be a single port');
  const published = port.published === undefined ? '' : String(port.published).trim();
  const host = published === '' ? undefined : parseRange(published, 'published port', label);
  if (host && !host.ok) return host;
  const protocol = parseProtocol(port.protocol);
  if (!protocol.ok) return protocol;
  const hostIp = port.host_ip === undefined || port.host_ip === '' ? undefined : port.host_ip;
  const ip = checkHostIp(hostIp, label);
  if (!ip.ok) return ip;
  return pair(host?.value, container.value, ip.value, protocol.value, label);
}

/** A host IP must be an address (`localhost` is a name the Engine cannot bind), as to Compose. */
function checkHostIp(hostIp: string | undefined, text: string): Result<string | undefined, string> {
  if (hostIp === undefined || isIP(hostIp) !== 0) return ok(hostIp);
  return err(`"${text}": host IP "${hostIp}" is not an IP address (like 127.0.0.1 or [::1])`);
}

function pair(
  host: Range | undefined,
  container: Range,
  hostIp: string | undefined,
  protocol: 'tcp' | 'udp',
  text: string,
): Result<PortMapping[], string> {
  const count = container.end - container.start + 1;
  const hostCount = host ? host.end - host.start + 1 : count;
  if (host && count > 1 && hostCount !== count)
    return err(
      `"${text}": the host range has ${hostCount} ports but the container range has ${count}`,
    );
  const mappings: PortMapping[] = [];
  for (let i = 0; i < count; i++) {
    const hostPort = host ? host.start + (count > 1 ? i : 0) : undefined;
    const range = host && count === 1 && hostCount > 1 && host.start > 0;
    mappings.push({
      host: hostPort === 0 ? undefined : hostPort,
      ...(range ? { hostEnd: host.end } : {}),
      container: container.start + i,
      hostIp,
      protocol,
    });
  }
  return ok(mappings);
}

const MAX_RANGE = 65_535;

function parseRange(text: string, what: string, spec: string): Result<Range, string> {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!match) return err(`"${spec}": ${what} "${text}" is not a port number or range`);
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  const lowest = what === 'host port' || what === 'published port' ? 0 : 1;
  if (start < lowest || end > MAX_RANGE || start > MAX_RANGE)
    return err(`"${spec}": ${what} ${text} is outside ${lowest}-${MAX_RANGE}`);
  if (end < start) return err(`"${spec}": ${what} range ${text} ends before it starts`);
  return ok({ start, end });
}

function parseProtocol(text: string | undefined): Result<'tcp' | 'udp', string> {
  const protocol = (text ?? 'tcp').trim().toLowerCase();
  if (protocol === 'tcp' || protocol === 'udp') return ok(protocol);
  return err(`protocol "${text ?? ''}" is not supported by devenv (tcp or udp)`);
}
