import { describe, expect, it } from 'vitest';
import { locate, mergeDocuments } from './merge.js';

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
