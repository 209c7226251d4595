import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../project-root.js';
import type { TargetContext } from './context-policy.js';
import { eventLines, troubledPods } from './pod-diagnostics.js';
import { kindClusterList } from './preflight.js';
import {
  endpointsFromManifest,
  formatCommand,
  helmUndoArgs,
  imagesFromManifest,
  missingImages,
  planPromote,
  rollbackTarget,
  rolloutArgs,
  type PromoteRequest,
} from './promote-plan.js';

const REQUEST: PromoteRequest = {
  chart: '/repo/k8s/charts/time-cop',
  valuesFiles: ['/repo/k8s/charts/time-cop/values-kind.yaml', '/tmp/my values.yaml'],
  release: 'time-cop',
  namespace: 'time-cop',
  timeout: '5m',
  appImages: ['time-cop/dispatcher:dev', 'time-cop/worker-python:dev'],
  images: ['time-cop/dispatcher:dev', 'time-cop/temporal-cli:1.9.1', 'time-cop/worker-python:dev'],
};
const TOOLS = { helm: '/t/helm', kind: '/t/kind', ctr: '/usr/bin/ctr' };

function target(name: string, kindCluster: string | undefined, containerd?: string): TargetContext {
  return {
    context: { name, cluster: name, user: name, namespace: undefined },
    cluster: {
      name,
      server: 'https://127.0.0.1:1',
      caData: undefined,
      caFile: undefined,
      insecureSkipTlsVerify: false,
      containerdAddress: undefined,
    },
    user: undefined,
    kindCluster,
    containerd,
  };
}

describe('planPromote', () => {
  it('builds, loads into kind, upgrades atomically, tests, then lists the endpoints', () => {
    const steps = planPromote(REQUEST, target('kind-dev', 'dev'), TOOLS);
    expect(steps.map((s) => s.kind)).toEqual([
      'build-images',
      'kind-load',
      'helm-upgrade',
      'helm-test',
      'endpoints',
    ]);
    expect(
      steps.map((s) => (s.kind === 'build-images' ? s.images.join(' ') : formatCommand(s.run))),
    ).toEqual([
      'time-cop/dispatcher:dev time-cop/worker-python:dev',
      '/t/kind load docker-image time-cop/dispatcher:dev time-cop/temporal-cli:1.9.1 time-cop/worker-python:dev --name dev',
      // The generated dev credentials first, so the user's values files override them.
      `/t/helm upgrade --install time-cop /repo/k8s/charts/time-cop --namespace time-cop --kube-context kind-dev --create-namespace --set-string global.namespace=time-cop --values ${PROJECT_ROOT}/.devenv/k8s/credentials.yaml --values /repo/k8s/charts/time-cop/values-kind.yaml --values '/tmp/my values.yaml' --atomic --wait --timeout 5m`,
      '/t/helm test time-cop --namespace time-cop --kube-context kind-dev --timeout 5m --logs',
      '/t/helm get manifest time-cop --namespace time-cop --kube-context kind-dev',
    ]);
  });

  it("rolls a component's pods out when its image changed under the same tag, and only then", () => {
    const images = [
      { service: 'worker-typescript', id: 'sha256:aaaa' },
      { service: 'worker-python', id: 'sha256:bbbb' },
      { service: 'dispatcher', id: 'sha256:cccc' },
    ];
    expect(rolloutArgs(images)).toEqual([
      '--set-string',
      'workerTypescript.podAnnotations.devenv\\.dev/image=aaaa',
      '--set-string',
      'workerPython.podAnnotations.devenv\\.dev/image=bbbb',
      '--set-string',
      'dispatcher.podAnnotations.devenv\\.dev/image=cccc',
    ]);
    expect(rolloutArgs([{ service: 'temporal', id: 'sha256:dddd' }])).toEqual([]);
  });

  it('imports into the containerd of a local containerd cluster, every image of the chart', () => {
    const steps = planPromote(REQUEST, target('local', undefined, '/tmp/c/containerd.sock'), TOOLS);
    expect(steps.map((s) => s.kind)).toEqual([
      'build-images',
      'containerd-import',
      'helm-upgrade',
      'helm-test',
      'endpoints',
    ]);
    expect(steps[1]).toEqual({
      kind: 'containerd-import',
      address: '/tmp/c/containerd.sock',
      images: REQUEST.images,
      run: {
        command: '/usr/bin/ctr',
        args: [
          '--address',
          '/tmp/c/containerd.sock',
          '--namespace',
          'k8s.io',
          'images',
          'import',
          '-',
        ],
      },
    });
  });

  it('loads nothing into an allowed context that is not kind', () => {
    const steps = planPromote(REQUEST, target('staging', undefined), TOOLS);
    expect(steps.map((s) => s.kind)).toEqual([
      'build-images',
      'helm-upgrade',
      'helm-test',
      'endpoints',
    ]);
  });

  it('undoes a failed test by rolling back to the last good revision, or uninstalling', () => {
    const history = (entries: [number, string][]) =>
      JSON.stringify(
        entries.map(([revision, status]) => ({ revision, status, chart: 'time-cop-0.1.0' })),
      );
    expect(rollbackTarget(history([[1, 'deployed']]))).toBeUndefined();
    expect(
      rollbackTarget(
        history([
          [1, 'superseded'],
          [2, 'failed'],
          [3, 'deployed'],
        ]),
      ),
    ).toBe(1);
    expect(
      rollbackTarget(
        history([
          [4, 'superseded'],
          [5, 'superseded'],
          [6, 'deployed'],
        ]),
      ),
    ).toBe(5);
    expect(
      rollbackTarget(
        history([
          [1, 'failed'],
          [2, 'deployed'],
        ]),
      ),
    ).toBeUndefined();
    expect(rollbackTarget('not json')).toBeUndefined();
    expect(helmUndoArgs(REQUEST, 'kind-dev', undefined)).toEqual([
      'uninstall',
      'time-cop',
      '--namespace',
      'time-cop',
      '--kube-context',
      'kind-dev',
      '--wait',
    ]);
    expect(helmUndoArgs(REQUEST, 'kind-dev', 5).slice(0, 3)).toEqual(['rollback', 'time-cop', '5']);
  });
});

describe('endpointsFromManifest', () => {
  it('turns each Service with ports into a port-forward command', () => {
    const manifest = `---
# Source: time-cop/templates/dispatcher.yaml
apiVersion: v1
kind: Service
metadata:
  name: time-cop-dispatcher
  namespace: time-cop
spec:
  ports:
    - {name: http, port: 7070, targetPort: http}
    - {name: grpc, port: 7071, targetPort: grpc}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: time-cop-dispatcher}
---
apiVersion: v1
kind: Service
metadata: {name: headless}
spec: {clusterIP: None}
`;
    expect(endpointsFromManifest(manifest, 'other', 'kind-dev')).toEqual([
      {
        service: 'time-cop-dispatcher',
        ports: [
          { name: 'http', port: 7070 },
          { name: 'grpc', port: 7071 },
        ],
        command:
          'kubectl --context kind-dev --namespace time-cop port-forward service/time-cop-dispatcher 7070:7070 7071:7071',
      },
    ]);
  });
});

describe('the images a rendered chart runs', () => {
  const manifest = `kind: Deployment
spec:
  template:
    spec:
      containers: [{name: app, image: "time-cop/dispatcher:dev"}]
---
kind: Pod
metadata: {annotations: {helm.sh/hook: test}}
spec:
  initContainers: [{name: start, image: time-cop/temporal-cli:1.9.1}]
  containers: [{name: follow, image: time-cop/temporal-cli:1.9.1}]
---
kind: CronJob
spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: "postgres:16.10"}]}}}}}
---
kind: Service
spec: {ports: [{port: 1}]}
`;

  it('are every container image of workloads and test pods, init containers included', () => {
    expect(imagesFromManifest(manifest)).toEqual([
      'postgres:16.10',
      'time-cop/dispatcher:dev',
      'time-cop/temporal-cli:1.9.1',
    ]);
  });

  it('are missing when devenv does not build them and the engine does not have them', () => {
    const images = imagesFromManifest(manifest);
    expect(
      missingImages(images, ['time-cop/dispatcher:dev'], new Set(['time-cop/temporal-cli:1.9.1'])),
    ).toEqual(['postgres:16.10']);
    expect(
      missingImages(
        images,
        ['time-cop/dispatcher:dev'],
        new Set(images.slice(0, 1).concat(images.slice(2))),
      ),
    ).toEqual([]);
  });
});

describe('pod diagnostics', () => {
  it('picks the pods that are not running with every container ready, or that restarted', () => {
    const pod = (name: string, phase: string, containers: object[]) => ({
      metadata: { name },
      status: { phase, containerStatuses: containers },
    });
    const list = JSON.stringify({
      items: [
        pod('well', 'Running', [
          { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
        ]),
        pod('crashing', 'Running', [
          {
            name: 'app',
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
          },
        ]),
        pod('pulling', 'Pending', [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ErrImageNeverPull' } },
          },
        ]),
        pod('done', 'Succeeded', []),
        pod('unscheduled', 'Pending', []),
      ],
    });
    expect(troubledPods(list)).toEqual([
      {
        name: 'crashing',
        phase: 'Running',
        containers: [
          { name: 'app', restarts: 3, state: 'waiting: CrashLoopBackOff (back-off 40s)' },
        ],
      },
      {
        name: 'pulling',
        phase: 'Pending',
        containers: [{ name: 'app', restarts: 0, state: 'waiting: ErrImageNeverPull' }],
      },
      { name: 'unscheduled', phase: 'Pending', containers: [] },
    ]);
    expect(troubledPods('{}')).toEqual([]);
  });

  it('orders events oldest first', () => {
    const events = JSON.stringify({
      items: [
        {
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting',
          count: 4,
          lastTimestamp: '2026-01-01T00:00:09Z',
        },
        {
          type: 'Normal',
          reason: 'Scheduled',
          message: 'assigned to node ',
          lastTimestamp: '2026-01-01T00:00:01Z',
        },
      ],
    });
    expect(eventLines(events)).toEqual([
      'Normal Scheduled: assigned to node',
      'Warning BackOff: Back-off restarting (×4)',
    ]);
  });

  it("reads kind's cluster list", () => {
    expect(kindClusterList('time-cop\nother\n')).toEqual(['time-cop', 'other']);
    expect(kindClusterList('No kind clusters found.\n')).toEqual([]);
  });
});
