/**
 * The chart tests' real tools: helm and kubeconform from devenv's toolchain (versions.yaml), and
 * the Kubernetes API schemas generated from the OpenAPI spec of the pinned Kubernetes release
 * (the Go module k8s.io/kubernetes, from the Go module proxy; cached in .devenv/cache/).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../devenv/src/project-root.js';
import { describeToolFailure } from '../../devenv/src/toolchain/resolve.js';
import { createToolchain } from '../../devenv/src/toolchain/toolchain.js';
import type { ToolId } from '../../devenv/src/versions/tool-ids.js';
import { loadProjectVersions } from '../../devenv/test/project-versions.js';
import { kubeconformSchemas, type OpenApiV2 } from './openapi-to-json-schemas.js';

const run = promisify(execFile);

export const CHART_DIR = join(PROJECT_ROOT, 'k8s', 'charts', 'time-cop');
export const RELEASE = 'time-cop';

/** Credentials for the renderings: the chart requires them and has no defaults. */
export const TEST_CREDENTIALS = join(PROJECT_ROOT, 'k8s', 'test', 'values-test-credentials.yaml');

/**
 * The values files the chart ships, each rendered and checked alone and in the documented mix,
 * after the test credentials.
 */
export const VALUES_SETS: Readonly<Record<string, readonly string[]>> = {
  default: [TEST_CREDENTIALS],
  kind: [TEST_CREDENTIALS, 'values-kind.yaml'],
  'self-contained': [TEST_CREDENTIALS, 'values-self-contained.yaml'],
  'kind + self-contained': [TEST_CREDENTIALS, 'values-kind.yaml', 'values-self-contained.yaml'],
  'kind + self-contained + offline': [
    TEST_CREDENTIALS,
    'values-kind.yaml',
    'values-self-contained.yaml',
    'values-offline.yaml',
  ],
};

export interface Tools {
  readonly helm: string;
  readonly kubeconform: string;
  readonly go: string;
  /** versions.yaml libraries.kubernetes: what the chart is rendered for and validated against. */
  readonly kubernetesVersion: string;
}

/** helm, kubeconform and go at versions.yaml's versions (installed into .devenv/tools/ if missing). */
export async function resolveTools(): Promise<Tools> {
  const versions = await loadProjectVersions();
  const toolchain = createToolchain({ projectRoot: PROJECT_ROOT, versions });
  const path = async (id: ToolId) => {
    const found = await toolchain.ensure(id);
    if (!found.ok) {
      throw new Error(`${id}: ${describeToolFailure(found.error)} → ${found.error.remediation}`);
    }
    return found.value.path;
  };
  const kubernetesVersion = versions.libraries['kubernetes'];
  if (!kubernetesVersion) throw new Error('versions.yaml has no libraries.kubernetes');
  const [helm, kubeconform, go] = await Promise.all([
    path('helm'),
    path('kubeconform'),
    path('go'),
  ]);
  return { helm, kubeconform, go, kubernetesVersion };
}

export interface HelmOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function helm(tools: Tools, args: readonly string[]): Promise<HelmOutcome> {
  try {
    const { stdout, stderr } = await run(tools.helm, [...args], {
      cwd: CHART_DIR,
      maxBuffer: 64 * 1024 * 1024,
      // Keep helm away from the user's repositories and plugins.
      env: { ...process.env, HELM_CACHE_HOME: join(PROJECT_ROOT, '.devenv', 'cache', 'helm') },
    });
    return { code: 0, stdout, stderr };
  } catch (thrown) {
    const e = thrown as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

const valuesArgs = (files: readonly string[]) => files.flatMap((f) => ['-f', f]);

/**
 * `--kube-version`: render for the pinned Kubernetes, not helm's built-in default (a `go install`
 * build of helm defaults to v1.20, older than the chart's kubeVersion).
 */
export function helmTemplate(
  tools: Tools,
  values: readonly string[],
  extra: readonly string[] = [],
): Promise<HelmOutcome> {
  return helm(tools, [
    'template',
    RELEASE,
    '.',
    '--namespace',
    'time-cop',
    '--kube-version',
    tools.kubernetesVersion,
    ...valuesArgs(values),
    ...extra,
  ]);
}

export function helmLint(tools: Tools, values: readonly string[]): Promise<HelmOutcome> {
  return helm(tools, [
    'lint',
    '.',
    '--strict',
    '--kube-version',
    tools.kubernetesVersion,
    ...valuesArgs(values),
  ]);
}

export type Manifest = {
  readonly kind: string;
  readonly metadata: { readonly name: string };
} & Record<string, unknown>;

/** The rendered stream's documents (empty ones dropped); a YAML error throws, naming it. */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0)
      throw new Error(`rendered YAML is invalid: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

/**
 * The kubeconform schema directory for the pinned Kubernetes: built once from the release's own
 * OpenAPI spec (go mod download k8s.io/kubernetes@v<version>), then reused. Built beside its
 * final place and renamed, so a half-written directory is never used.
 */
export async function kubernetesSchemaDir(tools: Tools): Promise<string> {
  const dir = join(
    PROJECT_ROOT,
    '.devenv',
    'cache',
    'kubernetes-schemas',
    `v${tools.kubernetesVersion}-standalone-strict`,
  );
  if (await exists(join(dir, 'deployment-apps-v1.json'))) return dir;
  const { stdout } = await run(
    tools.go,
    ['mod', 'download', '-json', `k8s.io/kubernetes@v${tools.kubernetesVersion}`],
    { maxBuffer: 1024 * 1024, timeout: 10 * 60_000 },
  );
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleDir)
    throw new Error(`go mod download did not say where k8s.io/kubernetes is: ${stdout}`);
  const spec = JSON.parse(
    await readFile(join(moduleDir, 'api', 'openapi-spec', 'swagger.json'), 'utf8'),
  ) as OpenApiV2;
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  for (const [file, schema] of kubeconformSchemas(spec)) {
    await writeFile(join(partial, file), JSON.stringify(schema));
  }
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir).catch(async (thrown: unknown) => {
    // Another test process finished first: its copy is as good as this one.
    await rm(partial, { recursive: true, force: true });
    if (!(await exists(join(dir, 'deployment-apps-v1.json')))) throw thrown;
  });
  return dir;
}

export interface KubeconformResult {
  readonly summary: { valid: number; invalid: number; errors: number; skipped: number };
  readonly resources: readonly {
    filename: string;
    kind: string;
    name: string;
    status: string;
    msg: string;
  }[];
}

/** kubeconform over a rendered stream, strict, with the local schemas only (no network). */
export async function kubeconform(
  tools: Tools,
  schemaDir: string,
  manifests: string,
  scratchDir: string,
): Promise<KubeconformResult> {
  const file = join(
    scratchDir,
    `rendered-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`,
  );
  await writeFile(file, manifests);
  const args = [
    '-strict',
    '-summary',
    '-output',
    'json',
    '-kubernetes-version',
    tools.kubernetesVersion,
    '-schema-location',
    `${schemaDir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    file,
  ];
  // Exit 1 means "something is invalid": its JSON report is still the answer.
  const { stdout } = await run(tools.kubeconform, args, { maxBuffer: 16 * 1024 * 1024 }).catch(
    (thrown: { stdout?: string }) => ({ stdout: thrown.stdout ?? '' }),
  );
  return JSON.parse(stdout) as KubeconformResult;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
