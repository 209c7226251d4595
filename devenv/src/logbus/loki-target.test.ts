import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../model/stack.js';
import { lokiTargetOf } from './loki-target.js';

function service(name: string, image: string, ports: ServiceSpec['ports'] = []): ServiceSpec {
  return { name, image, ports } as Partial<ServiceSpec> as ServiceSpec;
}

describe('lokiTargetOf', () => {
  it('is off when the run has no Loki and LOKI_URL is unset', () => {
    expect(lokiTargetOf({ services: { a: service('a', 'node:24') } }, {})).toBeUndefined();
  });

  it('uses LOKI_URL first', () => {
    const stack = { services: { loki: service('loki', 'grafana/loki:3.5.8') } };
    expect(lokiTargetOf(stack, { LOKI_URL: 'http://logs:3100' })).toEqual({
      url: 'http://logs:3100',
      source: 'env',
    });
  });

  it('finds a Loki service by image at its published port', () => {
    const stack = {
      services: {
        logs: service('logs', 'grafana/loki:3.5.8', [
          { host: 13100, container: 3100, hostIp: '127.0.0.1', protocol: 'tcp' },
        ]),
      },
    };
    expect(lokiTargetOf(stack, {})).toEqual({
      url: 'http://127.0.0.1:13100',
      source: { service: 'logs' },
    });
  });
});
