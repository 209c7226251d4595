import type { ServiceSpec } from '../model/stack.js';

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * The page `o` opens for a service: its `x-devenv.url`, else the origin its HTTP probe checks,
 * else its first published TCP port. Undefined for a service a browser has nothing to show.
 */
export function serviceUrl(service: ServiceSpec): string | undefined {
  if (service.devenv.url !== undefined) return service.devenv.url;
  const check = service.devenv.probe?.check;
  if (check?.kind === 'http') return `${new URL(check.url).origin}/`;
  const port = service.ports.find((p) => p.host !== undefined && p.protocol === 'tcp');
  if (port === undefined) return undefined;
  const host =
    port.hostIp === undefined || WILDCARD_HOSTS.has(port.hostIp)
      ? '127.0.0.1'
      : port.hostIp.includes(':') && !port.hostIp.startsWith('[')
        ? `[${port.hostIp}]`
        : port.hostIp;
  return `http://${host}:${port.host}/`;
}
