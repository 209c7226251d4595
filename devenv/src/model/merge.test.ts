import { describe, expect, it } from 'vitest';
import { locate, mergeDocuments, mergeTaggedDocuments } from './merge.js';

describe('mergeDocuments (Compose override rules)', () => {
  const base = {
    name: 'base',
    services: {
      api: {
        image: 'api:1',
        command: ['node', 'a.js'],
        entrypoint: 'sh',
        environment: ['A=1', 'B=2', 'BARE'],
        labels: { x: '1' },
        ports: ['8080:80', '9229:9229'],
        expose: ['80'],
        depends_on: ['db'],
        healthcheck: { test: ['CMD', 'a'], interval: '5s' },
        volumes: ['./src:/app/src', 'data:/data'],
        'x-devenv': { native: { command: ['node', 'a.js'] }, group: 'app' },
      },
      db: { image: 'postgres:16' },
    },
    networks: { n: { driver: 'bridge' } },
  };
  const override = {
    name: 'override',
    services: {
      api: {
        image: 'api:2',
        command: ['node', 'b.js'],
        environment: { B: '3', C: '4' },
        labels: ['y=2'],
        ports: ['8080:80', '7000:7000'],
        depends_on: { cache: { condition: 'service_healthy' } },
        healthcheck: { test: ['CMD', 'b'] },
        volumes: [{ type: 'bind', source: './other', target: '/app/src' }],
        'x-devenv': { native: { command: ['node', 'b.js'] } },
      },
      cache: { image: 'redis:7' },
    },
    networks: { n: { name: 'named' } },
  };

  it('merges mappings, replaces scalars and argv lists, appends the rest', () => {
    const { data } = mergeDocuments([base, override]);
    expect(data).toEqual({
      name: 'override',
      services: {
        api: {
          image: 'api:2',
          command: ['node', 'b.js'],
          entrypoint: 'sh',
          environment: { A: '1', B: '3', BARE: null, C: '4' },
          labels: { x: '1', y: '2' },
          ports: ['8080:80', '9229:9229', '7000:7000'],
          expose: ['80'],
          depends_on: {
            db: { condition: 'service_started', required: true },
            cache: { condition: 'service_healthy' },
          },
          healthcheck: { test: ['CMD', 'b'], interval: '5s' },
          volumes: [{ type: 'bind', source: './other', target: '/app/src' }, 'data:/data'],
          'x-devenv': { native: { command: ['node', 'b.js'] }, group: 'app' },
        },
        db: { image: 'postgres:16' },
        cache: { image: 'redis:7' },
      },
      networks: { n: { driver: 'bridge', name: 'named' } },
    });
  });

  it('remembers which file and path each merged value came from', () => {
    const { origin } = mergeDocuments([base, override]);
    expect(locate(origin, ['services', 'api', 'image'])).toEqual({
      file: 1,
      path: ['services', 'api', 'image'],
    });
    expect(locate(origin, ['services', 'api', 'entrypoint'])).toEqual({
      file: 0,
      path: ['services', 'api', 'entrypoint'],
    });
    expect(locate(origin, ['services', 'api', 'ports', 1])).toEqual({
      file: 0,
      path: ['services', 'api', 'ports', 1],
    });
    expect(locate(origin, ['services', 'api', 'ports', 2])).toEqual({
      file: 1,
      path: ['services', 'api', 'ports', 1],
    });
    expect(locate(origin, ['services', 'api', 'environment', 'A'])).toEqual({
      file: 0,
      path: ['services', 'api', 'environment', 0],
    });
    expect(locate(origin, ['services', 'api', 'depends_on', 'db', 'condition'])).toEqual({
      file: 0,
      path: ['services', 'api', 'depends_on', 0, 'condition'],
    });
    expect(locate(origin, ['services', 'cache', 'image'])).toEqual({
      file: 1,
      path: ['services', 'cache', 'image'],
    });
    expect(locate(origin, ['services', 'db', 'image'])).toEqual({
      file: 0,
      path: ['services', 'db', 'image'],
    });
  });

  it('lets a later file replace a value of another type, and ignores a null override', () => {
    const { data } = mergeDocuments([
      { services: { a: { ports: ['1:1'], environment: ['A=1'], command: 'x' } } },
      { services: { a: { ports: 'oops', environment: 5, command: null } } },
    ]);
    expect(data).toEqual({ services: { a: { ports: 'oops', environment: 5, command: 'x' } } });
  });

  it('is the identity for one file', () => {
    const { data, origin } = mergeDocuments([base]);
    expect(data).toBe(base);
    expect(locate(origin, ['services', 'db'])).toEqual({ file: 0, path: ['services', 'db'] });
  });
});

describe('merge rules per field (compose-go v2)', () => {
  const merged = (base: unknown, over: unknown, field = 'f') =>
    (
      mergeDocuments([
        { services: { s: { [field]: base } } },
        { services: { s: { [field]: over } } },
      ]).data as { services: { s: Record<string, unknown> } }
    ).services.s[field];

  it.each([
    { field: 'image', base: 'a', over: 'b', expected: 'b' },
    { field: 'command', base: ['a', 'x'], over: ['b'], expected: ['b'] },
    { field: 'entrypoint', base: ['sh'], over: 'bash', expected: 'bash' },
    { field: 'environment', base: ['A=1', 'B'], over: { B: '2' }, expected: { A: '1', B: '2' } },
    { field: 'labels', base: { a: '1' }, over: ['a=2', 'b=3'], expected: { a: '2', b: '3' } },
    {
      field: 'build',
      base: './a',
      over: { dockerfile: 'D' },
      expected: { context: './a', dockerfile: 'D' },
    },
    {
      field: 'build',
      base: { context: '.', args: ['X=1'] },
      over: { args: { Y: '2' } },
      expected: { context: '.', args: { X: '1', Y: '2' } },
    },
    {
      field: 'depends_on',
      base: ['db'],
      over: { db: { condition: 'service_healthy' } },
      expected: { db: { condition: 'service_healthy', required: true } },
    },
    {
      field: 'networks',
      base: ['front'],
      over: { back: { aliases: ['x'] } },
      expected: { front: null, back: { aliases: ['x'] } },
    },
    { field: 'dns', base: '8.8.8.8', over: ['1.1.1.1'], expected: ['8.8.8.8', '1.1.1.1'] },
    {
      field: 'env_file',
      base: 'a.env',
      over: [{ path: 'a.env', required: false }, 'b.env'],
      expected: [{ path: 'a.env', required: false }, 'b.env'],
    },
    {
      field: 'ports',
      base: ['80:80', '81:81'],
      over: ['80:80', '82:82'],
      expected: ['80:80', '81:81', '82:82'],
    },
    {
      field: 'ports',
      base: [{ target: 80, published: 8080 }],
      over: [{ target: 80, published: 8080, host_ip: '0.0.0.0', protocol: 'tcp', name: 'web' }],
      expected: [{ target: 80, published: 8080, host_ip: '0.0.0.0', protocol: 'tcp', name: 'web' }],
    },
    {
      field: 'volumes',
      base: ['./a:/data', 'logs:/logs'],
      over: ['./b:/data:ro'],
      expected: ['./b:/data:ro', 'logs:/logs'],
    },
    {
      field: 'secrets',
      base: ['token'],
      over: [{ source: 'other', target: '/run/secrets/token' }],
      expected: [{ source: 'other', target: '/run/secrets/token' }],
    },
    {
      field: 'cap_add',
      base: ['NET_ADMIN'],
      over: ['NET_ADMIN', 'SYS_TIME'],
      expected: ['NET_ADMIN', 'SYS_TIME'],
    },
    { field: 'security_opt', base: ['a', 'a'], over: ['a', 'b'], expected: ['a', 'a', 'b'] },
    {
      field: 'logging',
      base: { driver: 'json-file', options: { a: '1' } },
      over: { driver: 'syslog', options: { b: '2' } },
      expected: { driver: 'syslog', options: { b: '2' } },
    },
    {
      field: 'logging',
      base: { driver: 'json-file', options: { a: '1' } },
      over: { options: { b: '2' } },
      expected: { driver: 'json-file', options: { a: '1', b: '2' } },
    },
    {
      field: 'ulimits',
      base: { nofile: { soft: 1, hard: 2 } },
      over: { nofile: { hard: 3 } },
      expected: { nofile: { soft: 1, hard: 3 } },
    },
    {
      field: 'healthcheck',
      base: { test: ['CMD', 'a'], retries: 3 },
      over: { test: ['CMD', 'b'] },
      expected: { test: ['CMD', 'b'], retries: 3 },
    },
    {
      field: 'x-devenv',
      base: { native: { command: ['a'] } },
      over: { native: { command: ['b'] } },
      expected: { native: { command: ['b'] } },
    },
  ])('$field: $base + $over', ({ field, base, over, expected }) => {
    expect(merged(base, over, field)).toEqual(expected);
  });
});

describe('mergeTaggedDocuments with !reset / !override paths', () => {
  it('clears a tagged path in what came before, and leaves other fields merged', () => {
    const base = { services: { s: { image: 'a', ports: ['80:80'], environment: { A: '1' } } } };
    const over = { services: { s: { environment: { B: '2' } } } };
    const result = mergeTaggedDocuments([
      { value: base, origin: { file: 0, path: [] }, resets: [] },
      {
        value: over,
        origin: { file: 1, path: [] },
        resets: [
          ['services', 's', 'ports'],
          ['services', 's', 'environment'],
          ['services', 'ghost', 'x'],
        ],
      },
    ]);
    expect(result.value).toEqual({ services: { s: { image: 'a', environment: { B: '2' } } } });
    expect(locate(result.origin, ['services', 's', 'environment', 'B']).file).toBe(1);
  });
});
