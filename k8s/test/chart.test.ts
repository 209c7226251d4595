import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import {
  devCredentialsValues,
  ensureDevCredentials,
} from '../../devenv/src/promote/dev-credentials.js';
import { loadProjectVersions } from '../../devenv/test/project-versions.js';
import {
  CHART_DIR,
  helmLint,
  helmTemplate,
  kubeconform,
  kubernetesSchemaDir,
  parseManifests,
  resolveTools,
  TEST_CREDENTIALS,
  VALUES_SETS,
  type Manifest,
  type Tools,
} from './chart-rig.js';
import { policyViolations } from './pod-policy.js';

// Real helm and kubeconform (devenv's toolchain, versions.yaml), and the real Kubernetes API
// schemas of the pinned release (generated from its OpenAPI spec); nothing here needs a cluster.
let tools: Tools;
let schemaDir: string;
let scratch: string;
const rendered = new Map<string, { text: string; manifests: Manifest[] }>();

beforeAll(async () => {
  // A fresh machine builds helm and kubeconform with Go first (minutes, once).
  tools = await resolveTools();
  schemaDir = await kubernetesSchemaDir(tools);
  scratch = await mkdtemp(join(tmpdir(), 'time-cop-chart-'));
  for (const [name, files] of Object.entries(VALUES_SETS)) {
    const out = await helmTemplate(tools, files);
    if (out.code !== 0) throw new Error(`helm template (${name}) failed:\n${out.stderr}`);
    rendered.set(name, { text: out.stdout, manifests: parseManifests(out.stdout) });
  }
}, 20 * 60_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function render(name: string): { text: string; manifests: Manifest[] } {
  const r = rendered.get(name);
  if (!r) throw new Error(`no render for ${name}`);
  return r;
}

const byKind = (manifests: readonly Manifest[], kind: string) =>
  manifests.filter((m) => m.kind === kind);

describe.each(Object.keys(VALUES_SETS))('values: %s', (name) => {
  it('passes helm lint --strict', async () => {
    const out = await helmLint(tools, VALUES_SETS[name] ?? []);
    expect(out.stderr + out.stdout).toContain('0 chart(s) failed');
    expect(out.code).toBe(0);
  });

  it('renders every manifest valid against the Kubernetes API schemas (kubeconform, strict)', async () => {
    const { text, manifests } = render(name);
    const result = await kubeconform(tools, schemaDir, text, scratch);
    expect(result.resources.map((r) => `${r.kind}/${r.name}: ${r.msg}`)).toEqual([]);
    // Every document was checked against a schema: none skipped for want of one.
    expect(result.summary).toEqual({
      valid: manifests.length,
      invalid: 0,
      errors: 0,
      skipped: 0,
    });
  });

  it('keeps every pod non-root, read-only, capability-free, probed and limited, with pinned images', () => {
    expect(policyViolations(render(name).manifests)).toEqual([]);
  });

  it('denies traffic by default and allows each component only what it needs', () => {
    const policies = byKind(render(name).manifests, 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name.endsWith('-default-deny'));
    expect(deny?.['spec']).toMatchObject({ policyTypes: ['Ingress', 'Egress'] });
    expect(deny?.['spec']).not.toHaveProperty('ingress');
    expect(deny?.['spec']).not.toHaveProperty('egress');
    const names = policies.map((p) => p.metadata.name);
    for (const component of ['worker-typescript', 'worker-python', 'dispatcher', 'test']) {
      expect(names).toContain(`time-cop-${component}`);
    }
    // Every pod of the release is selected by some policy.
    const podLabels = byKind(render(name).manifests, 'Deployment').map(
      (d) =>
        (d['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template
          .metadata.labels,
    );
    for (const labels of podLabels) {
      const selected = policies.some((p) =>
        Object.entries(
          (p['spec'] as { podSelector: { matchLabels?: Record<string, string> } }).podSelector
            .matchLabels ?? {},
        ).every(([k, v]) => labels[k] === v),
      );
      expect(selected, JSON.stringify(labels)).toBe(true);
    }
  });
});

describe('the default values', () => {
  const deployment = (component: string) =>
    render('default').manifests.find(
      (m) => m.kind === 'Deployment' && m.metadata.name === `time-cop-${component}`,
    ) as unknown as {
      spec: {
        template: {
          metadata: { annotations: Record<string, string> };
          spec: {
            terminationGracePeriodSeconds: number;
            automountServiceAccountToken: boolean;
            containers: {
              image: string;
              env: { name: string; value?: string }[];
              ports: { name: string; containerPort: number }[];
              readinessProbe: { httpGet: { path: string; port: string } };
            }[];
          };
        };
      };
    };

  it('wires Temporal, the task queues and the ports the apps read (compose.yaml’s names)', () => {
    const config = render('default').manifests.find((m) => m.kind === 'ConfigMap');
    expect(config?.['data']).toEqual({
      TEMPORAL_HOST: 'temporal-frontend.temporal.svc.cluster.local:7233',
      TEMPORAL_NAMESPACE: 'time-cop',
      TS_TASK_QUEUE: 'time-cop-typescript',
      PYTHON_TASK_QUEUE: 'time-cop-python',
    });
    const env = (component: string) =>
      Object.fromEntries(
        deployment(component).spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]),
      );
    expect(env('worker-typescript')).toMatchObject({
      HEALTH_PORT: '7081',
      METRICS_PORT: '9464',
      BIND_HOST: '0.0.0.0',
      SHUTDOWN_GRACE_MS: '30000',
    });
    expect(env('worker-python')).toMatchObject({ HEALTH_PORT: '7082', METRICS_PORT: '9465' });
    expect(env('dispatcher')).toMatchObject({
      DISPATCHER_HOST: '0.0.0.0',
      DISPATCHER_PORT: '7070',
      DISPATCHER_GRPC_PORT: '7071',
      DISPATCHER_SHUTDOWN_GRACE_MS: '10000',
    });
    expect(deployment('worker-typescript').spec.template.spec.terminationGracePeriodSeconds).toBe(
      40,
    );
    expect(deployment('dispatcher').spec.template.spec.terminationGracePeriodSeconds).toBe(15);
    expect(
      deployment('dispatcher').spec.template.spec.containers[0]!.readinessProbe.httpGet,
    ).toEqual({
      path: '/readyz',
      port: 'http',
    });
  });

  it('annotates pods for Prometheus with each metrics port, and mounts no API token', () => {
    for (const [component, port] of [
      ['worker-typescript', '9464'],
      ['worker-python', '9465'],
      ['dispatcher', '7070'],
    ] as const) {
      const template = deployment(component).spec.template;
      expect(template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': port,
        'prometheus.io/path': '/metrics',
      });
      expect(template.spec.automountServiceAccountToken).toBe(false);
    }
    const sa = render('default').manifests.find((m) => m.kind === 'ServiceAccount');
    expect(sa?.['automountServiceAccountToken']).toBe(false);
  });

  it('has a helm test pod that starts demo-mixed through the dispatcher and follows it', () => {
    const pod = render('default').manifests.find((m) => m.kind === 'Pod') as unknown as {
      metadata: { annotations: Record<string, string> };
      spec: {
        initContainers: {
          image: string;
          env: { name: string; value?: string }[];
          args: string[];
        }[];
        containers: { image: string; args: string[] }[];
      };
    };
    expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
    // `helm test --logs` reads the pod after it ends: it must not be deleted on success.
    expect(pod.metadata.annotations['helm.sh/hook-delete-policy']).toBe('before-hook-creation');
    const init = pod.spec.initContainers[0]!;
    expect(init.env.find((e) => e.name === 'START_URL')?.value).toBe(
      'http://time-cop-dispatcher:7070/typescript/demo-mixed?name=helm-test',
    );
    expect(init.args.join('\n')).toContain('"workflow_id"');
    const follow = pod.spec.containers[0]!.args.join('\n');
    expect(follow).toContain('temporal workflow show');
    expect(follow).toContain('--follow');
    expect(follow).toContain('temporal workflow result');
  });

  it('takes its image tags from versions.yaml and its appVersion from package.json', async () => {
    const versions = await loadProjectVersions();
    const values = parse(await readFile(join(CHART_DIR, 'values.yaml'), 'utf8')) as {
      tests: { image: { repository: string; tag: string } };
    };
    expect(values.tests.image).toMatchObject({
      repository: 'time-cop/temporal-cli',
      tag: versions.tools.temporal.text,
    });
    const sub = async (chart: string) =>
      (
        parse(await readFile(join(CHART_DIR, 'charts', chart, 'values.yaml'), 'utf8')) as {
          image: { repository: string; tag: string };
        }
      ).image;
    const ref = (i: { repository: string; tag: string }) => `${i.repository}:${i.tag}`;
    expect(ref(await sub('temporal-dev'))).toBe(
      `time-cop/temporal-cli:${versions.tools.temporal.text}`,
    );
    expect(ref(await sub('postgres'))).toBe(versions.images['postgres']);
    expect(ref(await sub('prometheus'))).toBe(versions.images['prometheus']);
    const chart = parse(await readFile(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as {
      appVersion: string;
    };
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(chart.appVersion).toBe(pkg.version);
  });
});

describe('the self-contained values', () => {
  it('adds Temporal, Postgres and Prometheus and points the apps at them', () => {
    const { manifests } = render('self-contained');
    const deployments = byKind(manifests, 'Deployment')
      .map((d) => d.metadata.name)
      .sort();
    expect(deployments).toEqual([
      'time-cop-dispatcher',
      'time-cop-postgres',
      'time-cop-prometheus',
      'time-cop-temporal',
      'time-cop-worker-python',
      'time-cop-worker-typescript',
    ]);
    const config = manifests.find((m) => m.metadata.name === 'time-cop-config');
    expect((config?.['data'] as Record<string, string>)['TEMPORAL_HOST']).toBe(
      'time-cop-temporal:7233',
    );
    const secret = manifests.find((m) => m.metadata.name === 'time-cop-secrets');
    expect((secret?.['stringData'] as Record<string, string>)['DATABASE_URL']).toBe(
      'postgres://timecop:chart-test-password@time-cop-postgres:5432/timecop',
    );
  });
});

describe('the kind values', () => {
  it('never pulls the locally built images and exposes the dispatcher as a NodePort', () => {
    const { manifests } = render('kind');
    for (const d of byKind(manifests, 'Deployment')) {
      const containers = (
        d['spec'] as { template: { spec: { containers: { imagePullPolicy: string }[] } } }
      ).template.spec.containers;
      expect(containers.map((c) => c.imagePullPolicy)).toEqual(['Never']);
    }
    const service = manifests.find(
      (m) => m.kind === 'Service' && m.metadata.name === 'time-cop-dispatcher',
    );
    expect(service?.['spec']).toMatchObject({ type: 'NodePort' });
  });
});

describe('toggles', () => {
  it('renders HPAs, PDBs and ServiceMonitors when asked, and no chart Secret with existingSecret', async () => {
    const out = await helmTemplate(
      tools,
      [],
      [
        '--set',
        'workerTypescript.autoscaling.enabled=true',
        '--set',
        'dispatcher.podDisruptionBudget.enabled=true',
        '--set',
        'observability.serviceMonitor.enabled=true',
        '--set',
        'secrets.existingSecret=time-cop-external',
      ],
    );
    expect(out.stderr).toBe('');
    const manifests = parseManifests(out.stdout);
    expect(byKind(manifests, 'HorizontalPodAutoscaler').map((m) => m.metadata.name)).toEqual([
      'time-cop-worker-typescript',
    ]);
    expect(byKind(manifests, 'PodDisruptionBudget').map((m) => m.metadata.name)).toEqual([
      'time-cop-dispatcher',
    ]);
    expect(byKind(manifests, 'ServiceMonitor')).toHaveLength(3);
    expect(byKind(manifests, 'Secret')).toEqual([]);
    // An autoscaled Deployment leaves its replica count to the HPA.
    const ts = manifests.find(
      (m) => m.metadata.name === 'time-cop-worker-typescript' && m.kind === 'Deployment',
    );
    expect(ts?.['spec']).not.toHaveProperty('replicas');
    const databaseUrl = (
      ts?.['spec'] as {
        template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } };
      }
    ).template.spec.containers[0]?.env.find((e) => e.name === 'DATABASE_URL');
    expect(databaseUrl?.valueFrom).toEqual({
      secretKeyRef: { name: 'time-cop-external', key: 'DATABASE_URL' },
    });
    // ServiceMonitor is a Prometheus Operator CRD: no Kubernetes schema exists for it, so the
    // core kinds are validated and the CRD kind is the only one kubeconform reports as missing.
    const result = await kubeconform(tools, schemaDir, out.stdout, scratch);
    expect(result.summary).toMatchObject({ invalid: 0, errors: 3, valid: manifests.length - 3 });
    expect(new Set(result.resources.map((r) => r.kind))).toEqual(new Set(['ServiceMonitor']));
  });
});

describe('pod annotations', () => {
  it("a component's own annotation goes on its pods only, and wins over the shared one", async () => {
    const out = await helmTemplate(tools, VALUES_SETS['default']!, [
      '--set-string',
      'podAnnotations.team=core',
      '--set-string',
      'podAnnotations.devenv\\.dev/image=shared',
      // What `devenv promote` sets for a rebuilt image (promote-plan.ts rolloutArgs).
      '--set-string',
      'workerPython.podAnnotations.devenv\\.dev/image=0123abcd',
    ]);
    expect(out.stderr).toBe('');
    const annotationsOf = (name: string) => {
      const deployment = parseManifests(out.stdout).find(
        (m) => m.kind === 'Deployment' && m.metadata.name === `time-cop-${name}`,
      );
      const spec = deployment?.['spec'] as
        { template: { metadata: { annotations: Record<string, string> } } } | undefined;
      return spec?.template.metadata.annotations;
    };
    expect(annotationsOf('worker-python')).toMatchObject({
      team: 'core',
      'devenv.dev/image': '0123abcd',
    });
    expect(annotationsOf('worker-typescript')).toMatchObject({
      team: 'core',
      'devenv.dev/image': 'shared',
    });
    expect(annotationsOf('dispatcher')?.['devenv.dev/image']).toBe('shared');
  });
});

describe('bad values', () => {
  async function badValues(text: string): Promise<{ code: number; stderr: string }> {
    const file = join(scratch, `bad-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    return helmTemplate(tools, [TEST_CREDENTIALS, file]);
  }

  it('a wrong type fails helm template and helm lint, naming the field', async () => {
    const file = join(scratch, 'wrong-type.yaml');
    await writeFile(file, 'workerTypescript:\n  replicas: two\n');
    const template = await helmTemplate(tools, [TEST_CREDENTIALS, file]);
    expect(template.code).not.toBe(0);
    expect(template.stderr).toContain("at '/workerTypescript/replicas': got string, want integer");
    const lint = await helmLint(tools, [TEST_CREDENTIALS, file]);
    expect(lint.code).not.toBe(0);
    expect(lint.stdout + lint.stderr).toContain('/workerTypescript/replicas');
  });

  it('refuses a latest tag, a misspelled key, a root user and a missing limit, each by name', async () => {
    expect((await badValues('dispatcher:\n  image:\n    tag: latest\n')).stderr).toContain(
      '/dispatcher/image/tag',
    );
    expect((await badValues('temporal:\n  adress: x:7233\n')).stderr).toContain("'adress'");
    expect((await badValues('podSecurityContext:\n  runAsUser: 0\n')).stderr).toContain(
      '/podSecurityContext/runAsUser',
    );
    expect(
      // null removes a default in helm's merge: the limit is then missing.
      (await badValues('workerPython:\n  resources:\n    limits: { memory: null }\n')).stderr,
    ).toContain('/workerPython/resources/limits');
    expect((await badValues('postgres:\n  enabled: true\n  port: "5432"\n')).stderr).toContain(
      '/port',
    );
  });
});

describe('credentials and exposure', () => {
  type EnvVar = { name: string; valueFrom?: { secretKeyRef?: { optional?: boolean } } };
  const tokenRef = (manifests: readonly Manifest[]) => {
    const dispatcher = manifests.find(
      (m) => m.kind === 'Deployment' && m.metadata.name === 'time-cop-dispatcher',
    ) as unknown as { spec: { template: { spec: { containers: { env: EnvVar[] }[] } } } };
    return dispatcher.spec.template.spec.containers[0]!.env.find(
      (e) => e.name === 'DISPATCHER_TOKEN',
    )?.valueFrom?.secretKeyRef;
  };
  const secretData = (manifests: readonly Manifest[]) =>
    manifests.find((m) => m.kind === 'Secret' && m.metadata.name === 'time-cop-secrets')?.[
      'stringData'
    ] as Record<string, string> | undefined;

  it('has no default credentials: the schema requires a database URL and a dispatcher token', async () => {
    const bare = await helmTemplate(tools, []);
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain("at '/secrets/databaseUrl': minLength: got 0, want 1");
    expect(bare.stderr).toContain("at '/secrets/dispatcherToken': minLength: got 0, want 16");
    // The self-contained Postgres has no default password either.
    const selfContained = await helmTemplate(
      tools,
      ['values-self-contained.yaml'],
      ['--set', 'secrets.dispatcherToken=0123456789abcdef'],
    );
    expect(selfContained.stderr).toContain("at '/auth/password': minLength: got 0, want 8");
    // A too-short token is refused too.
    const short = await helmTemplate(
      tools,
      [TEST_CREDENTIALS],
      ['--set', 'secrets.dispatcherToken=abc'],
    );
    expect(short.stderr).toContain("at '/secrets/dispatcherToken'");
  });

  it('fails the render with what to do when the schema is skipped', async () => {
    const out = await helmTemplate(
      tools,
      [],
      ['--skip-schema-validation', '--set', 'secrets.databaseUrl=postgres://u:p@db:5432/d'],
    );
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('secrets.dispatcherToken is required (at least 16 characters');
    expect(out.stderr).toContain('secrets.dispatcherTokenWaived=true');
  });

  it('requires the token in the Secret unless it is explicitly waived', async () => {
    const required = render('default').manifests;
    expect(secretData(required)?.['DISPATCHER_TOKEN']).toBe('chart-test-dispatcher-token');
    expect(tokenRef(required)).toMatchObject({ key: 'DISPATCHER_TOKEN', optional: false });

    const waived = await helmTemplate(
      tools,
      [],
      [
        '--set',
        'secrets.databaseUrl=postgres://u:p@db:5432/d',
        '--set',
        'secrets.dispatcherTokenWaived=true',
      ],
    );
    expect(waived.stderr).toBe('');
    const manifests = parseManifests(waived.stdout);
    expect(secretData(manifests)).not.toHaveProperty('DISPATCHER_TOKEN');
    expect(tokenRef(manifests)).toMatchObject({ optional: true });
  });

  it('lets only the release’s own pods reach the dispatcher unless dispatcherFrom lists others', async () => {
    type Rule = { ports: { port: number }[]; from?: Record<string, unknown>[] };
    const dispatcherIngress = (manifests: readonly Manifest[]) =>
      (
        manifests.find(
          (m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'time-cop-dispatcher',
        )?.['spec'] as { ingress: Rule[] }
      ).ingress;
    const releasePods = {
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/instance': 'time-cop',
          'app.kubernetes.io/part-of': 'time-cop',
        },
      },
    };
    for (const name of Object.keys(VALUES_SETS)) {
      const ingress = dispatcherIngress(render(name).manifests);
      // Every rule names its peers: none is open to any pod (an empty `from`).
      expect(
        ingress.every((rule) => (rule.from ?? []).length > 0),
        name,
      ).toBe(true);
      expect(ingress[0]?.from, name).toEqual([releasePods]);
    }
    const opened = await helmTemplate(
      tools,
      [TEST_CREDENTIALS],
      [
        '--set-json',
        'networkPolicy.dispatcherFrom=[{"namespaceSelector":{"matchLabels":{"team":"qa"}}}]',
        '--set-json',
        'networkPolicy.metricsFrom=[{"namespaceSelector":{"matchLabels":{"name":"monitoring"}}}]',
      ],
    );
    expect(opened.stderr).toBe('');
    const ingress = dispatcherIngress(parseManifests(opened.stdout));
    expect(ingress.map((rule) => rule.from)).toEqual([
      [{ namespaceSelector: { matchLabels: { team: 'qa' } } }],
      [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }],
      [expect.objectContaining({ podSelector: expect.anything() })],
    ]);
  });

  it('renders for a kind cluster with the credentials devenv generates for it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'time-cop-credentials-'));
    try {
      const made = await ensureDevCredentials(root);
      if (!made.ok) throw new Error(made.error);
      const text = await readFile(made.value, 'utf8');
      expect((await stat(made.value)).mode & 0o777).toBe(0o600);
      // Kept: a second call (another promote, a Tilt reload) passes the same credentials.
      expect((await ensureDevCredentials(root)).ok).toBe(true);
      expect(await readFile(made.value, 'utf8')).toBe(text);
      const values = parse(text) as {
        secrets: { dispatcherToken: string };
        postgres: { auth: { password: string } };
      };
      expect(
        devCredentialsValues(values.secrets.dispatcherToken, values.postgres.auth.password),
      ).toBe(text);
      const out = await helmTemplate(tools, [
        made.value,
        'values-kind.yaml',
        'values-self-contained.yaml',
      ]);
      expect(out.stderr).toBe('');
      const data = secretData(parseManifests(out.stdout));
      expect(data?.['DISPATCHER_TOKEN']).toBe(values.secrets.dispatcherToken);
      expect(data?.['DATABASE_URL']).toBe(
        `postgres://timecop:${values.postgres.auth.password}@time-cop-postgres:5432/timecop`,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('the checks themselves', () => {
  it('kubeconform rejects a manifest the API server would (wrong type, unknown field)', async () => {
    const broken = render('default')
      .text.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: "yes"')
      .replace('revisionHistoryLimit: 3', 'revisionHistoryLimt: 3');
    const result = await kubeconform(tools, schemaDir, broken, scratch);
    expect(result.summary.invalid).toBeGreaterThan(0);
    const messages = result.resources.map((r) => r.msg).join('\n');
    expect(messages).toContain('readOnlyRootFilesystem');
    expect(messages).toContain('revisionHistoryLimt');
  });

  it('the policy check names what a weakened pod breaks', () => {
    const pod: Manifest = {
      kind: 'Deployment',
      metadata: { name: 'weak' },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'app', image: 'example/app:latest', securityContext: {} }],
          },
        },
      },
    };
    expect(policyViolations([pod])).toEqual([
      'Deployment/weak container app: runAsNonRoot is not true',
      'Deployment/weak container app: readOnlyRootFilesystem is not true',
      'Deployment/weak container app: allowPrivilegeEscalation is not false',
      'Deployment/weak container app: capabilities do not drop ALL',
      'Deployment/weak container app: seccompProfile is not RuntimeDefault',
      'Deployment/weak container app: no cpu requests',
      'Deployment/weak container app: no memory requests',
      'Deployment/weak container app: no cpu limits',
      'Deployment/weak container app: no memory limits',
      'Deployment/weak container app: image example/app:latest uses the latest tag',
      'Deployment/weak container app: no startupProbe',
      'Deployment/weak container app: no livenessProbe',
      'Deployment/weak container app: no readinessProbe',
    ]);
  });
});
