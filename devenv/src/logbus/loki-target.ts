import type { Stack } from '../model/stack.js';

export const LOKI_URL_ENV = 'LOKI_URL';

/** Where devenv's Loki sink pushes, and why it is on. */
export interface LokiTarget {
  readonly url: string;
  /** `env`: LOKI_URL names a Loki outside the stack; `service`: the stack runs one. */
  readonly source: 'env' | { readonly service: string };
}

/** Loki's HTTP port inside its container (and natively), per its official image's config. */
const LOKI_HTTP_PORT = 3100;

/**
 * Whether `devenv up` ships logs to Loki: when LOKI_URL is set (any Loki, e.g. a shared one), or
 * when the run includes a Loki service, found by its image (`grafana/loki`) or its name, at the
 * host port it publishes for 3100. Otherwise no sink: pushing to a Loki that is not part of the
 * run would only retry, drop and count.
 */
export function lokiTargetOf(
  stack: Pick<Stack, 'services'>,
  env: Readonly<Record<string, string | undefined>>,
): LokiTarget | undefined {
  const fromEnv = env[LOKI_URL_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { url: fromEnv, source: 'env' };
  for (const service of Object.values(stack.services)) {
    const isLoki =
      service.name === 'loki' || (service.image?.split(':')[0] ?? '').endsWith('grafana/loki');
    if (!isLoki) continue;
    const published = service.ports.find((p) => p.container === LOKI_HTTP_PORT);
    const port = published?.host ?? LOKI_HTTP_PORT;
    const host =
      published?.hostIp === undefined || published.hostIp === '0.0.0.0'
        ? '127.0.0.1'
        : published.hostIp;
    return { url: `http://${host}:${port}`, source: { service: service.name } };
  }
  return undefined;
}
