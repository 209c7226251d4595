import { z } from 'zod';
import { integer, url } from '../../model/schema-fields.js';
import type { ProbeKindDefinition } from '../probe-kind.js';
import { importOnce } from '../import-once.js';

export interface HttpCheck {
  readonly kind: 'http';
  readonly url: string;
  readonly expectStatus: number | undefined;
}

const runner = importOnce(() => import('../http-probe.js'));

/** `http: URL` or `http: {url, status}`: a GET answers (with that status, else any 2xx/3xx). */
export const httpProbe: ProbeKindDefinition<HttpCheck> = {
  parse: z
    .union([url, z.strictObject({ url, status: integer.optional() })], {
      error: 'expected a URL or {url, status}',
    })
    .transform((http) =>
      typeof http === 'string'
        ? { kind: 'http', url: http, expectStatus: undefined }
        : { kind: 'http', url: http.url, expectStatus: http.status },
    ),
  write: (check) => ({
    url: check.url,
    ...(check.expectStatus !== undefined ? { status: check.expectStatus } : {}),
  }),
  example: { kind: 'http', url: 'http://127.0.0.1:8080/health', expectStatus: 204 },
  run: async (check, timeoutMs) =>
    (await runner()).probeHttp(check.url, check.expectStatus, timeoutMs),
};
