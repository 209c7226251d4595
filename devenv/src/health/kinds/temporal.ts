import { z } from 'zod';
import {
  DEFAULT_TEMPORAL_ADDRESS,
  DEFAULT_TEMPORAL_NAMESPACE,
} from '../../model/schema-defaults.js';
import type { ProbeKindDefinition } from '../probe-kind.js';
import { importOnce } from '../import-once.js';

export interface TemporalCheck {
  readonly kind: 'temporal';
  readonly address: string;
  readonly namespace: string;
}

const runner = importOnce(() => import('../temporal-probe.js'));

/** `temporal: address` or `temporal: {address, namespace}`: the frontend describes the namespace. */
export const temporalProbe: ProbeKindDefinition<TemporalCheck> = {
  parse: z
    .union(
      [
        z.string(),
        z.strictObject({
          address: z.string().default(DEFAULT_TEMPORAL_ADDRESS),
          namespace: z.string().default(DEFAULT_TEMPORAL_NAMESPACE),
        }),
      ],
      { error: 'expected an address or {address, namespace}' },
    )
    .transform((temporal) =>
      typeof temporal === 'string'
        ? { kind: 'temporal', address: temporal, namespace: DEFAULT_TEMPORAL_NAMESPACE }
        : { kind: 'temporal', ...temporal },
    ),
  write: (check) => ({ address: check.address, namespace: check.namespace }),
  example: { kind: 'temporal', address: 'localhost:7243', namespace: 'time-cop' },
  run: async (check, timeoutMs) =>
    (await runner()).probeTemporal(check.address, check.namespace, timeoutMs),
};
