import { describe, expect, it } from 'vitest';
import { findPortConflicts, type PortOwner } from './port-conflicts.js';
import type { PortMapping } from './stack.js';

function owner(name: string, ...ports: PortMapping[]): PortOwner {
  return { name, ports, portPaths: ports.map((_, i) => ['services', name, 'ports', i]) };
}
const port = (
  host: number | undefined,
  hostIp?: string,
  protocol: 'tcp' | 'udp' = 'tcp',
): PortMapping => ({
  host,
  container: 80,
  hostIp,
  protocol,
});

describe('findPortConflicts', () => {
  it('names the first service at the second mapping', () => {
    expect(findPortConflicts([owner('a', port(8080)), owner('b', port(9000), port(8080))])).toEqual(
      [
        {
          path: ['services', 'b', 'ports', 1],
          message: 'host port *:8080/tcp is already published by "a"',
          hint: 'publish a different host port, or bind different host IPs',
        },
      ],
    );
  });

  it('treats a wildcard address as clashing with any, distinct IPs and protocols as separate', () => {
    const messages = (owners: PortOwner[]) => findPortConflicts(owners).map((p) => p.message);
    expect(
      messages([owner('a', port(1, '127.0.0.1')), owner('b', port(1, '0.0.0.0'))]),
    ).toHaveLength(1);
    expect(messages([owner('a', port(1, '127.0.0.1')), owner('b', port(1, '127.0.0.2'))])).toEqual(
      [],
    );
    expect(messages([owner('a', port(1)), owner('b', port(1, undefined, 'udp'))])).toEqual([]);
    expect(messages([owner('a', port(undefined)), owner('b', port(undefined))])).toEqual([]);
    expect(messages([owner('a', port(5), port(5, '127.0.0.1'))])).toEqual([
      'host port 127.0.0.1:5/tcp is published twice by "a"',
    ]);
  });
});
