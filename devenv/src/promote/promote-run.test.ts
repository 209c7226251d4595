import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../process/run-command.js';
import { err, ok } from '../../shared/result.js';
import type { TargetContext } from './context-policy.js';
import { connectKubeApi } from './kube-api.js';
import { collectDiagnostics } from './pod-diagnostics.js';
import { planPromote, type CommandLine, type PromoteRequest } from './promote-plan.js';
import { executePromote, type PromoteEffects, type PromoteEvent } from './promote-run.js';

// No kind cluster can run on this machine, so the steps' effects here are stand-ins that record
// what promote asks for, and the API server is a stand-in HTTP server on loopback.

const REQUEST: PromoteRequest = {
  chart: '/repo/chart',
  valuesFiles: ['/repo/chart/values-kind.yaml'],
  release: 'time-cop',
  namespace: 'time-cop',
  timeout: '2m',
  appImages: ['time-cop/dispatcher:dev'],
  images: ['time-cop/dispatcher:dev', 'time-cop/temporal-cli:1.9.1'],
};

function target(server = 'https://127.0.0.1:1', token?: string): TargetContext {
  return {
    context: { name: 'kind-dev', cluster: 'kind-dev', user: 'u', namespace: undefined },
    cluster: {
      name: 'kind-dev',
      server,
      caData: undefined,
      caFile: undefined,
      insecureSkipTlsVerify: false,
      containerdAddress: undefined,
    },
    user: {
      name: 'u',
      token,
      clientCertData: undefined,
      clientKeyData: undefined,
      clientCertFile: undefined,
      clientKeyFile: undefined,
      plugin: false,
    },
    kindCluster: 'dev',
    containerd: undefined,
  };
}

const STEPS = planPromote(REQUEST, target(), { helm: 'helm', kind: 'kind', ctr: 'ctr' });
const done = (code: number, tail = ''): CommandOutcome => ({ code, signal: null, tail });

/** Stand-in effects: `outcomes` answers each command by its first two words. */
function standIn(options: {
  outcomes?: Record<string, CommandOutcome>;
  stdout?: Record<string, string>;
  build?: 'ok' | 'fail';
  diagnostics?: () => string;
  runMs?: number;
  /** Images the cluster already holds as built (the import skips them). */
  held?: readonly string[];
}) {
  const ran: string[] = [];
  const key = (line: CommandLine) => `${line.command} ${line.args.slice(0, 2).join(' ')}`;
  const effects: PromoteEffects = {
    pollMs: 5,
    run: async (line) => {
      ran.push(`${line.command} ${line.args.join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, options.runMs ?? 0));
      return options.outcomes?.[key(line)] ?? done(0);
    },
    imagesToImport: async (images) => images.filter((i) => !options.held?.includes(i)),
    importImages: async (images, line) => {
      ran.push(`docker save ${images.join(' ')} | ${line.command} ${line.args.join(' ')}`);
      return options.outcomes?.[key(line)] ?? done(0);
    },
    capture: async (line) => {
      ran.push(`${line.command} ${line.args.join(' ')}`);
      return { outcome: done(0), stdout: options.stdout?.[key(line)] ?? '' };
    },
    buildImages: async () => {
      ran.push('build');
      return options.build === 'fail'
        ? err({
            reason: 'image-build-failed',
            image: 'time-cop/dispatcher:dev',
            detail: 'no FROM image',
          })
        : ok([{ service: 'dispatcher', id: 'sha256:1111' }]);
    },
    diagnostics: async () => options.diagnostics?.() ?? '',
  };
  return { effects, ran };
}

describe('executePromote (stand-in effects)', () => {
  it('runs the steps in order, rolls pods with the built image ids, and lists the endpoints', async () => {
    const manifest =
      'kind: Service\nmetadata: {name: time-cop-dispatcher}\nspec:\n  ports: [{name: http, port: 7070}]\n';
    const { effects, ran } = standIn({ stdout: { 'helm get manifest': manifest } });
    const events: PromoteEvent[] = [];
    const result = await executePromote(STEPS, REQUEST, 'kind-dev', effects, (e) => events.push(e));
    expect(result.ok && result.value.endpoints.map((e) => e.service)).toEqual([
      'time-cop-dispatcher',
    ]);
    expect(ran.map((r) => r.split(' ').slice(0, 3).join(' '))).toEqual([
      'build',
      'kind load docker-image',
      'helm upgrade --install',
      'helm test time-cop',
      'helm get manifest',
    ]);
    expect(ran[2]).toMatch(
      / --atomic --wait --timeout 2m --set-string dispatcher\.podAnnotations\.devenv\\\.dev\/image=1111$/,
    );
    expect(events.filter((e) => e.type === 'step')).toHaveLength(5);
  });

  it('deploys nothing when the import into a containerd cluster fails', async () => {
    const local = { ...target(), kindCluster: undefined, containerd: '/run/c.sock' };
    const steps = planPromote(REQUEST, local, { helm: 'helm', kind: 'kind', ctr: 'ctr' });
    const { effects, ran } = standIn({
      outcomes: {
        'ctr --address /run/c.sock': done(1, 'ctr: content digest sha256:ab: not found'),
      },
    });
    const result = await executePromote(steps, REQUEST, 'local', effects, () => {});
    expect(result).toMatchObject({
      ok: false,
      error: {
        reason: 'image-import-failed',
        address: '/run/c.sock',
        detail: 'exit 1:\nctr: content digest sha256:ab: not found',
      },
    });
    expect(ran).toEqual([
      'build',
      'docker save time-cop/dispatcher:dev time-cop/temporal-cli:1.9.1 | ctr --address /run/c.sock --namespace k8s.io images import -',
    ]);
  });

  it('imports only the images the containerd does not hold as built, and none when it holds all', async () => {
    const local = { ...target(), kindCluster: undefined, containerd: '/run/c.sock' };
    const steps = planPromote(REQUEST, local, { helm: 'helm', kind: 'kind', ctr: 'ctr' });
    const some = standIn({ held: ['time-cop/temporal-cli:1.9.1'] });
    const notes: string[] = [];
    await executePromote(steps, REQUEST, 'local', some.effects, (e) => {
      if (e.type === 'note') notes.push(e.text);
    });
    expect(some.ran[1]).toBe(
      'docker save time-cop/dispatcher:dev | ctr --address /run/c.sock --namespace k8s.io images import -',
    );
    expect(notes).toContain('1 of 2 images already in the cluster, as built: not imported again');
    const all = standIn({ held: ['time-cop/dispatcher:dev', 'time-cop/temporal-cli:1.9.1'] });
    const result = await executePromote(steps, REQUEST, 'local', all.effects, () => {});
    expect(result.ok).toBe(true);
    expect(all.ran.some((line) => line.startsWith('docker save'))).toBe(false);
  });

  it('deploys nothing when a build fails', async () => {
    const { effects, ran } = standIn({ build: 'fail' });
    const result = await executePromote(STEPS, REQUEST, 'kind-dev', effects, () => {});
    expect(result).toMatchObject({ ok: false, error: { reason: 'image-build-failed' } });
    expect(ran).toEqual(['build']);
  });

  it('a failed upgrade shows the pods as they were while helm waited, before the rollback', async () => {
    let polls = 0;
    const { effects } = standIn({
      runMs: 60,
      outcomes: {
        'helm upgrade --install': done(1, 'Error: UPGRADE FAILED: context deadline exceeded'),
      },
      // While helm waits the pod crash-loops; after --atomic's rollback it is gone.
      diagnostics: () =>
        ++polls < 100 && polls > 1
          ? 'pod time-cop-dispatcher-1 (Running): app waiting: CrashLoopBackOff'
          : '',
    });
    const result = await executePromote(STEPS, REQUEST, 'kind-dev', effects, () => {});
    expect(result.ok).toBe(false);
    if (result.ok || result.error.reason !== 'helm-upgrade-failed')
      throw new Error('wrong failure');
    expect(result.error.detail).toContain('UPGRADE FAILED');
    expect(result.error.diagnostics).toMatch(
      /^pod time-cop-dispatcher-1 .*CrashLoopBackOff\n\(as seen at \d\d:\d\d:\d\d, before the rollback\)$/,
    );
  });

  it('a failed helm test is undone: rollback to the last good revision, or uninstall after a first install', async () => {
    for (const [history, undo] of [
      [
        '[{"revision":1,"status":"superseded"},{"revision":2,"status":"deployed"}]',
        'helm rollback time-cop 1',
      ],
      ['[{"revision":1,"status":"deployed"}]', 'helm uninstall time-cop'],
    ] as const) {
      const { effects, ran } = standIn({
        outcomes: { 'helm test time-cop': done(1, 'Phase: Failed') },
        stdout: { 'helm history time-cop': history },
      });
      const result = await executePromote(STEPS, REQUEST, 'kind-dev', effects, () => {});
      expect(result).toMatchObject({ ok: false, error: { reason: 'helm-test-failed' } });
      expect(ran.at(-1)).toContain(undo);
      expect(ran.some((r) => r.includes('get manifest'))).toBe(false);
    }
  });
});

describe('collectDiagnostics (stand-in API server on loopback)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('reads pods, events and the previous logs of a crashed container with the kubeconfig token', async () => {
    const seen: { url: string; auth: string | undefined }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (body: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (url.pathname === '/api/v1/namespaces/time-cop/pods')
        return json({
          items: [
            {
              metadata: { name: 'ok-pod' },
              status: {
                phase: 'Running',
                containerStatuses: [
                  { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
                ],
              },
            },
            {
              metadata: { name: 'bad-pod' },
              status: {
                phase: 'Running',
                containerStatuses: [
                  {
                    name: 'app',
                    ready: false,
                    restartCount: 2,
                    state: { waiting: { reason: 'CrashLoopBackOff' } },
                  },
                ],
              },
            },
          ],
        });
      if (url.pathname === '/api/v1/namespaces/time-cop/events')
        return json({
          items: [
            {
              type: 'Warning',
              reason: 'BackOff',
              message: 'Back-off restarting failed container',
              lastTimestamp: '2026-01-01T00:00:00Z',
            },
          ],
        });
      if (url.pathname === '/api/v1/namespaces/time-cop/pods/bad-pod/log')
        return res.writeHead(200).end('Error: TEMPORAL_HOST is not set\n');
      res.writeHead(404).end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;

    const api = await connectKubeApi(target(`http://127.0.0.1:${port}`, 'tok'));
    if (!api.ok) throw new Error(api.error);
    const text = await collectDiagnostics(api.value, 'time-cop', 'time-cop');
    expect(text).toBe(
      [
        'pod bad-pod (Running): app waiting: CrashLoopBackOff, 2 restarts',
        '  events:',
        '    Warning BackOff: Back-off restarting failed container',
        '  logs of app (previous run):',
        '    Error: TEMPORAL_HOST is not set',
      ].join('\n'),
    );
    expect(seen.every((s) => s.auth === 'Bearer tok')).toBe(true);
    expect(seen.map((s) => s.url)).toEqual([
      '/api/v1/namespaces/time-cop/pods?labelSelector=app.kubernetes.io%2Finstance%3Dtime-cop',
      '/api/v1/namespaces/time-cop/events?fieldSelector=involvedObject.name%3Dbad-pod',
      '/api/v1/namespaces/time-cop/pods/bad-pod/log?container=app&tailLines=30&previous=true',
    ]);
  });
});
