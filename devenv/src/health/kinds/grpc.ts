import { z } from 'zod';
import type { ProbeKindDefinition } from '../probe-kind.js';
import { importOnce } from '../import-once.js';

export interface GrpcCheck {
  readonly kind: 'grpc';
  readonly address: string;
  readonly service: string;
}

const runner = importOnce(() => import('../grpc-health-probe.js'));

/** `grpc: address` or `grpc: {address, service}`: grpc.health.v1 answers SERVING. */
export const grpcProbe: ProbeKindDefinition<GrpcCheck> = {
  parse: z
    .union([z.string(), z.strictObject({ address: z.string(), service: z.string().default('') })], {
      error: 'expected an address or {address, service}',
    })
    .transform((grpc) =>
      typeof grpc === 'string'
        ? { kind: 'grpc', address: grpc, service: '' }
        : { kind: 'grpc', ...grpc },
    ),
  write: (check) => ({ address: check.address, service: check.service }),
  example: { kind: 'grpc', address: '127.0.0.1:9090', service: 'api' },
  run: async (check, timeoutMs) =>
    (await runner()).probeGrpcHealth(check.address, check.service, timeoutMs),
};
