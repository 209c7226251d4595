import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostic.js';
import { parseStack } from './load-stack.js';
import { expandReplicas, instanceNames, rescale, type RunStack } from './replicas.js';
import type { Stack } from './stack.js';

function parsed(text: string) {
  return parseStack([{ file: 'compose.yaml', text }], { projectDir: '/proj', env: {} });
}

function stackOf(text: string): Stack {
  const result = parsed(text);
  if (!result.ok) throw new Error(result.error.map(formatDiagnostic).join('\n'));
  return result.value;
}

function errorsOf(text: string): string[] {
  const result = parsed(text);
  if (result.ok) throw new Error('expected diagnostics');
  return result.error.map((d) => formatDiagnostic(d).split('\n')[0] ?? '');
}

function expanded(stack: Stack, counts: Record<string, number> = {}): RunStack {
  const result = expandReplicas(stack, counts);
  if (!result.ok) throw new Error(result.error.join('\n'));
  return result.value;
}

const WORKER = `
services:
  db:
    image: postgres
  worker:
    image: w
    scale: 3
    depends_on: {db: {condition: service_healthy}}
    environment: {HEALTH_PORT: '7081', OTHER: '7081x'}
    ports: ['127.0.0.1:7081-7083:7081']
    x-devenv:
      native: {command: [node, w.js], environment: {METRICS: '9000'}}
      probe: {http: {url: 'http://127.0.0.1:7081/readyz'}}
      hot_reload: {paths: [src], url: 'http://127.0.0.1:7081/reload'}
  api:
    image: a
    depends_on: [worker]
`;

describe('replica counts as compose-go reads them', () => {
  it('takes scale or deploy.replicas; both must agree; never negative', () => {
    const stack = stackOf(
      'services:\n  a: {image: x, scale: 2}\n  b: {image: x, deploy: {replicas: 0}}\n  c: {image: x, scale: 2, deploy: {replicas: 2}}\n  d: {image: x}\n',
    );
    expect(['a', 'b', 'c', 'd'].map((name) => stack.services[name]?.replicas ?? 1)).toEqual([
      2, 0, 2, 1,
    ]);
    expect(
      errorsOf('services:\n  a:\n    image: x\n    scale: 1\n    deploy: {replicas: 3}\n'),
    ).toEqual([
      "compose.yaml:4:5: services.a: can't set distinct values on 'scale' and 'deploy.replicas' (1 and 3)",
    ]);
    expect(errorsOf('services:\n  a:\n    image: x\n    scale: -1\n')).toEqual([
      'compose.yaml:4:12: services.a.scale: must be greater than or equal to 0',
    ]);
  });

  it('refuses a fixed host port or too short a range for several replicas, at the port', () => {
    expect(
      errorsOf(
        "services:\n  web:\n    image: x\n    scale: 3\n    ports: ['8080:80', '127.0.0.1:9000-9001:90', '7000']\n",
      ),
    ).toEqual([
      'compose.yaml:5:13: services.web.ports[0]: service "web" has 3 replicas but publishes the fixed host port 0.0.0.0:8080: Bind for 0.0.0.0:8080 failed: port is already allocated',
      'compose.yaml:5:24: services.web.ports[1]: service "web" has 3 replicas but its host port range 127.0.0.1:9000-9001 has 2 ports',
    ]);
  });

  it('refuses container_name with several replicas, as compose-go does', () => {
    expect(
      errorsOf(
        'services:\n  a:\n    image: x\n    container_name: one\n    deploy: {replicas: 2}\n',
      ),
    ).toEqual([
      "compose.yaml:4:21: services.a: can't set container_name and deploy.replicas as container name must be unique",
    ]);
  });
});

describe('expandReplicas', () => {
  it('names one replica after its service, several SERVICE-1…N', () => {
    expect(instanceNames('w', 1, 'plain-first')).toEqual(['w']);
    expect(instanceNames('w', 3, 'numbered')).toEqual(['w-1', 'w-2', 'w-3']);
    expect(instanceNames('w', 3, 'plain-first')).toEqual(['w', 'w-2', 'w-3']);
    expect(instanceNames('w', 0, 'numbered')).toEqual([]);
  });

  it('gives each replica its number, its port of each range and URLs naming it', () => {
    const run = expanded(stackOf(WORKER));
    expect(run.startOrder).toEqual(['db', 'worker-1', 'worker-2', 'worker-3', 'api']);
    const third = run.services['worker-3'];
    expect(third?.replicaOf).toEqual({ service: 'worker', index: 3 });
    expect(third?.environment).toMatchObject({ DEVENV_REPLICA: '3', HEALTH_PORT: '7081' });
    expect(third?.ports).toEqual([
      { host: 7083, container: 7081, hostIp: '127.0.0.1', protocol: 'tcp' },
    ]);
    // Natively the process listens on the host: its port variable moves with the range.
    expect(third?.devenv.native?.environment).toEqual({ METRICS: '9000', HEALTH_PORT: '7083' });
    expect(third?.devenv.probe?.check).toMatchObject({ url: 'http://127.0.0.1:7083/readyz' });
    expect(third?.devenv.hotReload?.url).toBe('http://127.0.0.1:7083/reload');
    // Each replica depends on what its service depends on; a dependant waits for every replica.
    expect(Object.keys(third?.dependsOn ?? {})).toEqual(['db']);
    expect(Object.keys(run.services['api']?.dependsOn ?? {})).toEqual([
      'worker-1',
      'worker-2',
      'worker-3',
    ]);
    expect(run.services['db']).toEqual(run.declared.services['db']);
  });

  it('takes --scale over the file, 0 included, and refuses a count its ports cannot serve', () => {
    const stack = stackOf(WORKER);
    expect(expanded(stack, { worker: 1 }).startOrder).toEqual(['db', 'worker', 'api']);
    expect(expanded(stack, { worker: 1 }).services['worker']?.environment).not.toHaveProperty(
      'DEVENV_REPLICA',
    );
    expect(expanded(stack, { worker: 0 }).services['api']?.dependsOn).toEqual({});
    const tooMany = expandReplicas(stack, { worker: 4 });
    expect(!tooMany.ok && tooMany.error[0]).toMatch(
      /^service "worker" has 4 replicas but its host port range 127.0.0.1:7081-7083 has 3 ports\n {2}give a host port range with one port per replica, e.g. "127.0.0.1:7081-7084:7081"$/,
    );
    const clash = expandReplicas(
      stackOf(
        "services:\n  a: {image: x, ports: ['127.0.0.1:8000-8002:80']}\n  b: {image: x, ports: ['127.0.0.1:8001:80']}\n",
      ),
      { a: 2 },
    );
    expect(!clash.ok && clash.error).toEqual([
      'host port 127.0.0.1:8001/tcp is already published by "a-2"\n  publish a different host port, or bind different host IPs',
    ]);
    const unknown = expandReplicas(stack, { nope: 2 });
    expect(!unknown.ok && unknown.error).toEqual(['no service named "nope" to scale']);
  });
});

describe('rescale', () => {
  it('adds or removes the highest replicas and keeps the names of the others', () => {
    const one = expanded(stackOf(WORKER), { worker: 1 });
    const up = rescale(one, 'worker', 3);
    expect(up.ok && up.value.startOrder).toEqual(['db', 'worker', 'worker-2', 'worker-3', 'api']);
    const three = expanded(stackOf(WORKER));
    const down = rescale(three, 'worker', 1);
    expect(down.ok && down.value.startOrder).toEqual(['db', 'worker-1', 'api']);
    expect(down.ok && down.value.services['worker-1']).toEqual(three.services['worker-1']);
    const db = rescale(three, 'db', 2);
    expect(db.ok && db.value.startOrder).toEqual([
      'db',
      'db-2',
      'worker-1',
      'worker-2',
      'worker-3',
      'api',
    ]);
  });
});
