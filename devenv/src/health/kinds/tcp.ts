import { z } from 'zod';
import { DEFAULT_PROBE_HOST } from '../../model/schema-defaults.js';
import { portNumber } from '../../model/schema-fields.js';
import type { ProbeKindDefinition } from '../probe-kind.js';
import { importOnce } from '../import-once.js';

export interface TcpCheck {
  readonly kind: 'tcp';
  readonly host: string;
  readonly port: number;
}

const runner = importOnce(() => import('../tcp-probe.js'));

/** `tcp: 7233` or `tcp: {host, port}`: the port accepts a connection. */
export const tcpProbe: ProbeKindDefinition<TcpCheck> = {
  parse: z
    .union(
      [
        z.number().int(),
        z.strictObject({ host: z.string().default(DEFAULT_PROBE_HOST), port: portNumber }),
      ],
      { error: 'expected a port number or {host, port}' },
    )
    .transform((tcp) =>
      typeof tcp === 'number'
        ? { kind: 'tcp', host: DEFAULT_PROBE_HOST, port: tcp }
        : { kind: 'tcp', host: tcp.host, port: tcp.port },
    ),
  write: (check) => ({ host: check.host, port: check.port }),
  example: { kind: 'tcp', host: 'localhost', port: 7233 },
  run: async (check, timeoutMs) => (await runner()).probeTcp(check.host, check.port, timeoutMs),
};
