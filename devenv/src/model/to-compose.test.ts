import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../shared/result.js';
import { parseStack } from './load-stack.js';
import type { Stack } from './stack.js';
import { escapeInterpolation, formatDuration, toComposeDocument } from './to-compose.js';

const PROJECT_DIR = '/srv/project';

function load(text: string, env: Record<string, string> = {}): Stack {
  const loaded = parseStack([{ file: 'compose.yaml', text }], {
    projectDir: PROJECT_DIR,
    env,
    readText: (path) =>
      path === `${PROJECT_DIR}/app.env` ? ok('FROM_FILE=file\nSHARED=file\n') : err('missing'),
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error, null, 2));
  return loaded.value;
}

/** What `devenv config` prints, read back as `devenv config -f` reads it. */
function roundTrip(stack: Stack): Stack {
  const text = stringify(escapeInterpolation(toComposeDocument(stack)));
  return load(text);
}

const RICH = `
name: demo
services:
  db:
    image: postgres:16.10
    environment:
      - POSTGRES_PASSWORD=secret
      - FROM_ENV
      - NOT_SET
    ports: ['127.0.0.1:5432:5432', '6005-6007:80', '9000']
    volumes: [data:/var/lib/postgresql/data, ./init:/docker-entrypoint-initdb.d:ro, /anon]
    healthcheck:
      test: pg_isready -U $$USER
      interval: 90s
    user: postgres
    restart: on-failure:5
    x-devenv:
      probe: { tcp: 5432 }
  app:
    build: { context: ./app, dockerfile: Dockerfile.dev }
    command: sh -c 'echo "$$HOME" && sleep 1'
    env_file: app.env
    environment: { SHARED: inline }
    depends_on:
      db: { condition: service_healthy }
    links: [db]
    labels: { team: platform }
    stop_grace_period: 1500ms
    develop:
      watch:
        - { path: ./app/src, action: sync, target: /app/src, ignore: [node_modules/] }
    x-devenv:
      group: apps
      native: { command: [node, server.js], cwd: ./app, environment: { PORT: '8080' } }
      probe: { http: http://127.0.0.1:8080/healthz, period: 1s }
volumes:
  data: {}
x-top: { kept: true }
`;

describe('toComposeDocument', () => {
  const stack = load(RICH, { FROM_ENV: 'from-env' });
  const document = toComposeDocument(stack);
  const services = document.services as Record<string, Record<string, unknown>>;

  it('prints the project name, the services in file order and the top-level keys as written', () => {
    expect(document.name).toBe('demo');
    expect(Object.keys(services)).toEqual(['db', 'app']);
    expect(document.volumes).toEqual({ data: {} });
    expect(document['x-top']).toEqual({ kept: true });
  });

  it('resolves environment: env_file folded in, variables looked up, unset keys null', () => {
    expect(services.db?.environment).toEqual({
      POSTGRES_PASSWORD: 'secret',
      FROM_ENV: 'from-env',
      NOT_SET: null,
    });
    expect(services.app?.environment).toEqual({ FROM_FILE: 'file', SHARED: 'inline' });
    expect(services.app).not.toHaveProperty('env_file');
  });

  it('writes ports, volumes and healthchecks in the long syntax with paths absolute', () => {
    expect(services.db?.ports).toEqual([
      { target: 5432, published: '5432', host_ip: '127.0.0.1', protocol: 'tcp' },
      { target: 80, published: '6005-6007', protocol: 'tcp' },
      { target: 9000, protocol: 'tcp' },
    ]);
    expect(services.db?.volumes).toEqual([
      { type: 'volume', source: 'data', target: '/var/lib/postgresql/data', read_only: false },
      {
        type: 'bind',
        source: `${PROJECT_DIR}/init`,
        target: '/docker-entrypoint-initdb.d',
        read_only: true,
      },
      { type: 'volume', target: '/anon', read_only: false },
    ]);
    expect(services.db?.healthcheck).toEqual({
      test: ['CMD-SHELL', 'pg_isready -U $USER'],
      interval: '1m30s',
    });
    expect(services.app?.build).toEqual({
      context: `${PROJECT_DIR}/app`,
      dockerfile: 'Dockerfile.dev',
    });
  });

  it('writes implicit dependencies, defaults and keys devenv does not model', () => {
    expect(services.app?.depends_on).toEqual({
      db: { condition: 'service_healthy', required: true, restart: false },
    });
    expect(services.app?.restart).toBe('no');
    expect(services.app?.stop_grace_period).toBe('1.5s');
    expect(services.app?.labels).toEqual({ team: 'platform' });
    expect(services.app?.links).toEqual(['db']);
    expect(services.db?.user).toBe('postgres');
    expect(services.db?.restart).toBe('on-failure:5');
  });

  it('shows x-devenv resolved: defaults applied, paths absolute', () => {
    expect(services.app?.['x-devenv']).toEqual({
      group: 'apps',
      optional: false,
      native: {
        command: ['node', 'server.js'],
        requires: [],
        cwd: `${PROJECT_DIR}/app`,
        environment: { PORT: '8080' },
      },
      probe: {
        http: { url: 'http://127.0.0.1:8080/healthz' },
        period: '1s',
        timeout: '2s',
        failure_threshold: 3,
        start_timeout: '1m0s',
        restart_unhealthy: true,
      },
    });
    expect(services.db?.['x-devenv']).toMatchObject({
      group: 'app',
      probe: { tcp: { host: '127.0.0.1', port: 5432 } },
    });
  });

  it('reads back to the same services, in the same order', () => {
    const again = roundTrip(stack);
    expect(again.projectName).toBe(stack.projectName);
    expect(again.services).toEqual(stack.services);
    expect(again.startOrder).toEqual(stack.startOrder);
  });
});

describe('escapeInterpolation', () => {
  it('doubles every $ in values, never in keys, so the file reads back to the same values', () => {
    const escaped = escapeInterpolation({ $key: ['$HOME', 'a$$b', { v: '${X}' }], n: 1 });
    expect(escaped).toEqual({ $key: ['$$HOME', 'a$$$$b', { v: '$${X}' }], n: 1 });
    const command = ['echo', '$HOME', '${X:?never read}'];
    const text = stringify({
      services: { a: { image: 'busybox', command: escapeInterpolation(command) } },
    });
    expect(load(text).services.a?.command).toEqual(command);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [5_430_500, '1h30m30.5s'],
  ])('%i ms is %s, as Go prints it', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
