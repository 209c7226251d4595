import type { Problem } from './problem.js';
import type { PortMapping } from './stack.js';
import type { TreePath } from './tree.js';

export interface PortOwner {
  readonly name: string;
  readonly ports: readonly PortMapping[];
  readonly portPaths: readonly TreePath[];
}

const WILDCARDS = new Set([undefined, '', '0.0.0.0', '::', '[::]']);

/**
 * Host ports published twice (same port and protocol, and the same host IP or a wildcard, which
 * binds every address), positioned at the second, naming the first.
 */
export function findPortConflicts(services: readonly PortOwner[]): Problem[] {
  const taken: { owner: string; mapping: PortMapping }[] = [];
  const problems: Problem[] = [];
  for (const service of services) {
    service.ports.forEach((mapping, i) => {
      if (mapping.host === undefined) return;
      const clash = taken.find(
        ({ mapping: other }) =>
          other.host === mapping.host &&
          other.protocol === mapping.protocol &&
          (other.hostIp === mapping.hostIp ||
            WILDCARDS.has(other.hostIp) ||
            WILDCARDS.has(mapping.hostIp)),
      );
      if (clash) {
        const where = `${mapping.hostIp ?? '*'}:${mapping.host}/${mapping.protocol}`;
        problems.push({
          path: service.portPaths[i] ?? ['services', service.name, 'ports'],
          message:
            clash.owner === service.name
              ? `host port ${where} is published twice by "${service.name}"`
              : `host port ${where} is already published by "${clash.owner}"`,
          hint: 'publish a different host port, or bind different host IPs',
        });
      } else taken.push({ owner: service.name, mapping });
    });
  }
  return problems;
}
