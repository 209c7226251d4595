import { describe, expect, it } from 'vitest';
import { bearerMatches } from './http/auth.js';
import { loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('has local defaults: loopback, 7070/7071, Temporal on 127.0.0.1:7233, namespace time-cop', () => {
    const config = loadConfig({});
    expect(config.ok && config.value).toMatchObject({
      host: '127.0.0.1',
      httpPort: 7070,
      grpcPort: 7071,
      temporal: { address: '127.0.0.1:7233', namespace: 'time-cop' },
      token: undefined,
    });
  });

  it('reads overrides and treats empty values as unset', () => {
    const config = loadConfig({
      DISPATCHER_PORT: '8080',
      DISPATCHER_TOKEN: '',
      TEMPORAL_HOST: 'temporal:7233',
    });
    expect(config.ok && config.value).toMatchObject({
      httpPort: 8080,
      token: undefined,
      temporal: { address: 'temporal:7233' },
    });
  });

  it('names each bad variable', () => {
    const config = loadConfig({ DISPATCHER_PORT: '70000', DISPATCHER_BODY_LIMIT_BYTES: 'lots' });
    expect(config.ok).toBe(false);
    if (!config.ok)
      expect(config.error.map((p) => p.variable).sort()).toEqual([
        'DISPATCHER_BODY_LIMIT_BYTES',
        'DISPATCHER_PORT',
      ]);
  });
});

describe('bearer token', () => {
  it('matches only the exact token', () => {
    expect(bearerMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('Bearer s3cre', 's3cret')).toBe(false);
    expect(bearerMatches('Bearer s3crett', 's3cret')).toBe(false);
    expect(bearerMatches('Basic s3cret', 's3cret')).toBe(false);
    expect(bearerMatches(undefined, 's3cret')).toBe(false);
    expect(bearerMatches('Bearer ', 's3cret')).toBe(false);
  });
});
