import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../devenv/src/project-root.js';
import { devCredentialsPath } from '../devenv/src/promote/dev-credentials.js';
import { describeToolFailure } from '../devenv/src/toolchain/resolve.js';
import { createToolchain } from '../devenv/src/toolchain/toolchain.js';
import { loadProjectVersions } from '../devenv/test/project-versions.js';
import { useTempDirs } from '../devenv/test/temp-dir.js';

/**
 * The root Tiltfile, evaluated by the real tilt binary (`tilt alpha tiltfile-result`: the
 * Tiltfile runs, helm renders the chart, nothing is built or deployed) against a throwaway
 * kubeconfig. No cluster answers at these addresses; evaluation does not contact one.
 */

const makeTempDir = useTempDirs('devenv-tilt-');
let tilt: string;

beforeAll(async () => {
  const toolchain = createToolchain({
    projectRoot: PROJECT_ROOT,
    versions: await loadProjectVersions(),
  });
  // The Tiltfile runs helm from the toolchain cache. A fresh machine builds both with Go first
  // (minutes, once), which must not count against a test's timeout.
  const [found, helm] = await Promise.all([toolchain.ensure('tilt'), toolchain.ensure('helm')]);
  if (!found.ok)
    throw new Error(`tilt: ${describeToolFailure(found.error)} → ${found.error.remediation}`);
  if (!helm.ok)
    throw new Error(`helm: ${describeToolFailure(helm.error)} → ${helm.error.remediation}`);
  tilt = found.value.path;
}, 20 * 60_000);

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: kind-time-cop
  cluster: {server: 'https://127.0.0.1:6443'}
- name: prod
  cluster: {server: 'https://k8s.prod.example.com:6443'}
- name: kind-faraway
  cluster: {server: 'https://10.20.30.40:6443'}
contexts:
- name: kind-time-cop
  context: {cluster: kind-time-cop, user: dev}
- name: prod
  context: {cluster: prod, user: dev}
- name: kind-faraway
  context: {cluster: kind-faraway, user: dev}
users:
- name: dev
  user: {token: not-a-real-token}
current-context: kind-time-cop
`;

interface TiltResult {
  readonly Manifests: readonly {
    readonly Name: string;
    readonly Labels: Record<string, string>;
    readonly ResourceDependencies: readonly string[] | null;
    readonly ImageTargets:
      | readonly {
          readonly selector: string;
          readonly overrideCommand?: { readonly command: readonly string[] };
          readonly LiveUpdateSpec: {
            readonly syncs: readonly { localPath: string; containerPath: string }[];
            readonly execs: readonly { args: readonly string[] }[];
          };
          readonly BuildDetails: { readonly args?: readonly string[] };
        }[]
      | null;
    readonly DeployTarget: {
      readonly yaml?: string;
      readonly portForwardTemplateSpec?: {
        readonly forwards: readonly { localPort: number; containerPort: number }[];
      } | null;
      readonly UpdateCmdSpec?: { readonly args: readonly string[] };
    };
  }[];
}

function evaluate(...extra: string[]) {
  return evaluateWith({}, ...extra);
}

/** `withEnv` may name `$DIR`, the test's own directory (the kubeconfig's, and HOME). */
async function evaluateWith(
  withEnv: Record<string, string>,
  ...extra: string[]
): Promise<{ code: number; result: TiltResult | undefined; stderr: string }> {
  const dir = await makeTempDir();
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, KUBECONFIG);
  const added = Object.entries(withEnv).map(([k, v]) => [k, v.replace('$DIR', dir)]);
  // The caller's own DEVENV_CONTAINERD_ADDRESS must not turn the kind case into a containerd one.
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  delete env['DEVENV_CONTAINERD_ADDRESS'];
  Object.assign(env, Object.fromEntries(added));
  try {
    const { stdout, stderr } = await promisify(execFile)(
      tilt,
      ['alpha', 'tiltfile-result', '-f', 'Tiltfile', ...extra],
      { cwd: PROJECT_ROOT, env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, result: JSON.parse(stdout) as TiltResult, stderr };
  } catch (thrown) {
    const e = thrown as { code?: number; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      result: undefined,
      stderr: e.stderr ?? '',
    };
  }
}

/** What each app's Dockerfile copies from the context (its COPY lines), the Dockerfile first. */
const SHARED_INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'versions.yaml',
  'versions.lock.yaml',
  'devenv/bin',
  'devenv/shared',
  'devenv/src',
  'protos',
];
const BUILD_INPUTS: Readonly<Record<string, readonly string[]>> = {
  'worker-typescript': [
    'workers/typescript/Dockerfile',
    ...SHARED_INPUTS,
    'workers/typescript/src',
  ],
  'worker-python': [
    'workers/python/Dockerfile',
    ...SHARED_INPUTS,
    'workers/python/requirements.lock',
    'workers/python/timecop_worker',
  ],
  dispatcher: [
    'dispatcher/Dockerfile',
    ...SHARED_INPUTS,
    'workers/typescript/src',
    'dispatcher/src',
  ],
};

describe('Tiltfile (real tilt)', () => {
  it('deploys the chart with the three images live-updated, grouped and forwarded like the native stack', async () => {
    const { code, result, stderr } = await evaluate();
    expect(code, stderr).toBe(0);
    const manifests = new Map(result!.Manifests.map((m) => [m.Name, m]));

    // Labels mirror compose.yaml's x-devenv.group; only what the kind values render is there.
    const groups = Object.fromEntries(
      [...manifests.values()]
        .filter((m) => m.Name !== 'uncategorized')
        .map((m) => [m.Name, Object.keys(m.Labels)]),
    );
    expect(groups).toEqual({
      temporal: ['platform'],
      postgres: ['platform'],
      'worker-typescript': ['workers'],
      'worker-python': ['workers'],
      dispatcher: ['app'],
      prometheus: ['observability'],
      protos: ['contracts'],
      'protos-lint': ['contracts'],
      'app-tests': ['tests'],
      'cluster-images': ['platform'],
    });
    // The images Tilt does not build: loaded into kind when the local Engine has them (Temporal's
    // is built here, so it must be), before any workload; the node pulls the others.
    const load = manifests.get('cluster-images')?.DeployTarget.UpdateCmdSpec?.args.at(-1) ?? '';
    expect(load).toMatch(
      /^for i in postgres:\S+ prom\/prometheus:\S+ time-cop\/temporal-cli:\S+; do if docker image inspect "\$i" /,
    );
    expect(load).toContain('then kind load docker-image "$i" --name time-cop; fi; done');
    expect(manifests.get('temporal')?.ResourceDependencies).toContain('cluster-images');

    const forwards = (name: string) =>
      manifests
        .get(name)
        ?.DeployTarget.portForwardTemplateSpec?.forwards.map(
          (f) => `${f.localPort}:${f.containerPort}`,
        );
    expect(forwards('dispatcher')).toEqual(['7070:7070', '7071:7071']);
    expect(forwards('temporal')).toEqual(['7233:7233', '8233:8233']);
    expect(forwards('prometheus')).toEqual(['9090:9090']);

    // Each app image is Tilt-built and live-updated: the synced paths are compose.yaml's
    // develop.watch paths, landing in the writable /tmp/live, then the app restarts.
    for (const [name, synced, command] of [
      [
        'worker-typescript',
        ['workers/typescript/src', 'protos/ts', 'protos/gen/ts'],
        'workers/typescript/src/worker.ts',
      ],
      [
        'dispatcher',
        ['dispatcher/src', 'workers/typescript/src', 'protos/ts', 'protos/gen/ts'],
        'dispatcher/src/server.js',
      ],
      ['worker-python', ['workers/python/timecop_worker', 'protos/gen/python'], 'timecop_worker'],
    ] as const) {
      const manifest = manifests.get(name)!;
      const images = manifest.ImageTargets ?? [];
      expect(
        images.map((i) => i.selector),
        name,
      ).toEqual([`time-cop/${name}`]);
      const image = images[0]!;
      expect(image.LiveUpdateSpec.syncs).toEqual(
        synced.map((path) => ({ localPath: path, containerPath: `/tmp/live/${path}` })),
      );
      expect(image.LiveUpdateSpec.execs).toHaveLength(1);
      expect(image.LiveUpdateSpec.execs[0]?.args.join(' ')).toMatch(
        /^sh -c pid="\$\(cat \/tmp\/app\.pid\)"; kill -TERM "\$pid"; /,
      );
      expect(image.overrideCommand?.command.at(-1)).toBe(command);
      // Its context is only what its Dockerfile copies, so only an edit there rebuilds it.
      const ignores = (image.BuildDetails as { contextIgnores?: { patterns?: string[] }[] })
        .contextIgnores;
      const only = ignores?.find((i) => i.patterns?.[0] === '**')?.patterns?.slice(1);
      expect(only).toEqual(BUILD_INPUTS[name]!.map((path) => `!${path}`));
      // Images wait for the generated contracts and for Temporal.
      expect(manifest.ResourceDependencies).toEqual(expect.arrayContaining(['protos', 'temporal']));
      // The chart as rendered for kind: Tilt's image replaces the :dev tag, the kubelet never pulls.
      expect(manifest.DeployTarget.yaml).toMatch(/imagePullPolicy: Never/);
      expect(manifest.DeployTarget.yaml).toMatch(/readOnlyRootFilesystem: true/);
    }
    expect(manifests.get('protos')?.DeployTarget.UpdateCmdSpec?.args).toEqual([
      'sh',
      '-c',
      'npm run proto',
    ]);
    // helm test pods belong to `helm test` (devenv promote), not to Tilt.
    for (const m of manifests.values())
      expect(m.DeployTarget.yaml ?? '').not.toMatch(/helm\.sh\/hook: test/);
    // The chart has no default credentials: Tilt passes the generated ones devenv promote passes.
    const credentials = parse(await readFile(devCredentialsPath(PROJECT_ROOT), 'utf8')) as {
      secrets: { dispatcherToken: string };
    };
    const rendered = [...manifests.values()].map((m) => m.DeployTarget.yaml ?? '').join('\n');
    expect(rendered).toMatch(
      new RegExp(`DISPATCHER_TOKEN: "?${credentials.secrets.dispatcherToken}"?\\n`),
    );
  });

  it('refuses a context that is not a local cluster', async () => {
    for (const context of ['prod', 'kind-faraway']) {
      const { code, stderr } = await evaluate('--context', context);
      expect(code, context).toBe(5);
      expect(stderr).toContain(`kube context "${context}" is not a local cluster`);
    }
    // A containerd socket does not make a cluster elsewhere local.
    const socket = { DEVENV_CONTAINERD_ADDRESS: '$DIR/config' };
    const remote = await evaluateWith(socket, '--context', 'prod');
    expect(remote.code).toBe(5);
    expect(remote.stderr).toContain('kube context "prod" is not a local cluster');
    const missing = await evaluateWith({ DEVENV_CONTAINERD_ADDRESS: '/nonexistent/c.sock' });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('DEVENV_CONTAINERD_ADDRESS names /nonexistent/c.sock');
  });

  it('on a containerd cluster: docker builds imported with ctr, the offline values, its own namespace', async () => {
    // Any existing path stands for the socket: evaluation does not contact containerd.
    const { code, result, stderr } = await evaluateWith(
      { DEVENV_CONTAINERD_ADDRESS: '$DIR/config' },
      '--',
      '--namespace',
      'tilt-ns',
      '--no-port-forwards',
    );
    expect(code, stderr).toBe(0);
    const manifests = new Map(result!.Manifests.map((m) => [m.Name, m]));
    // The namespace is Tilt's to create (the chart renders none; helm's --create-namespace).
    expect(manifests.get('uncategorized')?.DeployTarget.yaml).toMatch(
      /kind: Namespace\nmetadata:\n\s+name: tilt-ns\n/,
    );
    // values-offline.yaml: no Prometheus; Postgres from Debian, imported with Temporal's image.
    expect(manifests.has('prometheus')).toBe(false);
    const imported = manifests.get('cluster-images')?.DeployTarget.UpdateCmdSpec?.args.at(-1);
    expect(imported).toMatch(
      /^docker save time-cop\/postgres-debian:15 \S+ \| ctr --address \S+\/config --namespace k8s\.io images import -$/,
    );
    for (const name of ['worker-typescript', 'worker-python', 'dispatcher']) {
      const manifest = manifests.get(name)!;
      expect(manifest.ResourceDependencies).toContain('cluster-images');
      const build = manifest.ImageTargets![0]!.BuildDetails as {
        args?: readonly string[];
        outputMode?: string;
        outputsImageRefTo?: string;
      };
      // Built by docker, tagged by content, imported into containerd; Tilt deploys that tag.
      const script = build.args?.at(-1) ?? '';
      expect(script).toContain(`docker build --iidfile "$iid" -f `);
      expect(script).toContain(`ref="time-cop/${name}:tilt-$(cut -d: -f2 "$iid" | cut -c1-16)"`);
      expect(script).toMatch(
        /docker save "\$ref" \| ctr --address \S+\/config --namespace k8s\.io images import -; /,
      );
      expect(script).toMatch(new RegExp(`echo "\\$ref" > ${build.outputsImageRefTo ?? '-'}$`));
      // Not pushed anywhere: there is no registry.
      expect(build.outputMode).toBe('local-docker-and-remote');
      // Rebuilt when what its Dockerfile copies changes, not on any edit in the repository.
      const deps = (build as { Deps?: readonly string[] }).Deps ?? [];
      expect(deps.map((d) => relative(PROJECT_ROOT, d))).toEqual(BUILD_INPUTS[name]);
      expect(manifest.DeployTarget.yaml).toMatch(/namespace: tilt-ns\n/);
      expect(manifest.DeployTarget.portForwardTemplateSpec ?? undefined).toBeUndefined();
    }
  });
});
