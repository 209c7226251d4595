import { isAbsolute, join, resolve } from 'node:path';
import { appImageTags } from '../promote/app-images.js';
import { checkChart, preflight, type PreflightPassed } from '../promote/preflight.js';
import { realPromoteEffects, type EffectsInput } from '../promote/promote-effects.js';
import {
  describePromoteFailure,
  exitCodeOf,
  type PromoteFailure,
} from '../promote/promote-failure.js';
import {
  endpointsFromManifest,
  planPromote,
  type PromoteRequest,
  type PromoteStep,
} from '../promote/promote-plan.js';
import { executePromote } from '../promote/promote-run.js';
import { ok, type Result } from '../../shared/result.js';
import { createToolchain } from '../toolchain/toolchain.js';
import type { Versions } from '../versions/versions-file.js';
import { parseCommandArgs } from './args.js';
import { describeStep, lineWriter, printEndpoints } from './promote-output.js';
import type { CommandContext } from './command.js';
import { projectVersions } from './project-versions.js';
import { loadStackFromFlags } from './stack-options.js';
import { UsageError } from './usage-error.js';

const CHART = join('k8s', 'charts', 'time-cop');
const DEFAULTS = {
  // A fresh kind cluster has no Temporal: the self-contained values run one (and Postgres,
  // Prometheus) in the release, as the Tiltfile does.
  values: [join(CHART, 'values-kind.yaml'), join(CHART, 'values-self-contained.yaml')],
  namespace: 'time-cop',
  release: 'time-cop',
  timeout: '5m',
} as const;

export const PROMOTE_USAGE = `Usage: devenv promote [options]

Deploys the stack's own images to a local cluster: builds them as \`devenv up --runtime docker\`
does, loads them into the cluster (kind: kind load docker-image; a containerd cluster: docker
save | ctr -n k8s.io images import, into the socket --containerd names), installs or upgrades the
chart in ${CHART} (helm upgrade --install --atomic --wait), runs helm test, and prints how to
reach the Services. A failed upgrade is rolled back by helm; a failed test is rolled back too;
either way the troubled pods' events and logs are printed. Nothing is built or deployed until
the preflight (kubeconfig, context, files, helm and kind, Docker Engine, the API server, the
cluster's containerd) has passed.

      --context NAME        kubeconfig context (default: the current context); must be a local
                            cluster, its API server on loopback: kind (kind-<name>), or one whose
                            containerd socket is known (--containerd, or the kubeconfig cluster's
                            devenv.dev/containerd extension)
      --containerd SOCKET   the cluster's containerd socket (the kubelet's runtime endpoint):
                            images are imported there (default: $DEVENV_CONTAINERD_ADDRESS)
      --allow-context NAME  also accept this exact context when it is not a local cluster
                            (images are then not loaded: the cluster must see them itself)
      --values FILE         chart values, repeatable; default:
                            ${DEFAULTS.values.join('\n                            ')}
      --namespace NAME      release namespace, created when missing (default ${DEFAULTS.namespace})
      --release NAME        Helm release name (default ${DEFAULTS.release})
      --timeout DURATION    for each helm wait (Go duration: 90s, 5m; default ${DEFAULTS.timeout})
      --dry-run             run the preflight, render the chart and print the plan; change nothing

KUBECONFIG (or ~/.kube/config) is read as kubectl reads it. Helm and kind come from the
toolchain (versions.yaml; \`devenv doctor --fix --all\`).

Exit status: 0 deployed and tested, 1 a step failed, 2 usage or configuration error (bad
context, missing file): nothing was changed.`;

/** The checked flags, paths resolved against the project root. */
interface PromoteOptions {
  readonly context: string | undefined;
  readonly allowContext: string | undefined;
  readonly containerd: string | undefined;
  readonly chart: string;
  readonly valuesFiles: readonly string[];
  readonly release: string;
  readonly namespace: string;
  readonly timeout: string;
  readonly dryRun: boolean;
}

/** What the preflight and the rendered chart settled: the steps to run and where. */
interface PromotePlan {
  readonly request: PromoteRequest;
  readonly steps: readonly PromoteStep[];
  readonly target: PreflightPassed['target'];
  readonly manifest: string;
}

export async function promoteCommand(
  args: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const options = parsePromoteArgs(args, ctx);
  if (options === undefined) return 0;
  const versions = await projectVersions(ctx);
  if (versions === undefined) return 2;
  const toolchain = createToolchain({
    projectRoot: ctx.projectRoot,
    versions: versions,
    log: (line) => ctx.err(`devenv promote: ${line}`),
  });
  const { context, allowContext, containerd, chart, valuesFiles } = options;
  const checked = await preflight({
    env: ctx.env,
    context,
    allowContext,
    containerd,
    chart,
    valuesFiles,
    toolchain,
  });
  if (!checked.ok) return fail(ctx, checked.error);
  const { target } = checked.value;
  if (target.kindCluster === undefined && target.containerd === undefined)
    ctx.err(
      `devenv promote: ${target.context.name} is not a local cluster; deploying there because --allow-context names it (images are not loaded into it)`,
    );

  const stack = await loadStackFromFlags({}, ctx, ctx.projectRoot);
  if (stack === undefined) return 2;
  const plan = await planFromChart(ctx, options, versions, checked.value, appImageTags(stack));
  if (!plan.ok) return fail(ctx, plan.error);
  ctx.err(
    `devenv promote: preflight passed; context ${target.context.name}, release ${options.release} in namespace ${options.namespace}`,
  );
  if (options.dryRun) return printDryRun(ctx, plan.value);
  return runPromote(ctx, plan.value, { env: ctx.env, cwd: ctx.projectRoot, stack, versions });
}

/** The checked options, or undefined once `--help` has been answered. */
function parsePromoteArgs(
  args: readonly string[],
  ctx: CommandContext,
): PromoteOptions | undefined {
  const { values } = parseCommandArgs(
    args,
    {
      context: { type: 'string' },
      'allow-context': { type: 'string' },
      containerd: { type: 'string' },
      values: { type: 'string', multiple: true },
      namespace: { type: 'string' },
      release: { type: 'string' },
      timeout: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    PROMOTE_USAGE,
  );
  if (values.help) {
    ctx.out(PROMOTE_USAGE);
    return undefined;
  }
  const timeout = values.timeout ?? DEFAULTS.timeout;
  if (!/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(timeout))
    throw new UsageError(
      `--timeout ${timeout}: expected a duration such as 90s or 5m`,
      PROMOTE_USAGE,
    );
  for (const [flag, name] of [
    ['--namespace', values.namespace],
    ['--release', values.release],
  ] as const)
    if (name !== undefined && !/^[a-z0-9]([a-z0-9-]{0,51}[a-z0-9])?$/.test(name))
      throw new UsageError(`${flag} ${name}: expected a DNS label (a-z, 0-9, -)`, PROMOTE_USAGE);
  const fromRoot = (path: string) => (isAbsolute(path) ? path : resolve(ctx.projectRoot, path));
  return {
    context: values.context,
    allowContext: values['allow-context'],
    containerd: nonEmpty(values.containerd ?? ctx.env['DEVENV_CONTAINERD_ADDRESS']),
    chart: fromRoot(CHART),
    valuesFiles: (values.values ?? DEFAULTS.values).map(fromRoot),
    release: values.release ?? DEFAULTS.release,
    namespace: values.namespace ?? DEFAULTS.namespace,
    timeout,
    dryRun: values['dry-run'] === true,
  };
}

/** Renders the chart with the values, checks its images will be there, and plans the steps. */
async function planFromChart(
  ctx: CommandContext,
  options: PromoteOptions,
  versions: Versions,
  preflighted: PreflightPassed,
  appImages: readonly string[],
): Promise<Result<PromotePlan, PromoteFailure>> {
  const { target, tools } = preflighted;
  const { chart, valuesFiles, release, namespace, timeout } = options;
  const chartCheck = await checkChart({
    helm: tools.helm,
    request: { release, chart, namespace, valuesFiles },
    appImages,
    imagesLocal: target.kindCluster !== undefined || target.containerd !== undefined,
    kubeVersion: versions.libraries['kubernetes'],
    env: ctx.env,
    cwd: ctx.projectRoot,
  });
  if (!chartCheck.ok) return chartCheck;
  const request: PromoteRequest = {
    chart,
    valuesFiles,
    release,
    namespace,
    timeout,
    appImages,
    images: chartCheck.value.images,
  };
  const steps = planPromote(request, target, tools);
  return ok({ request, steps, target, manifest: chartCheck.value.manifest });
}

function printDryRun(ctx: CommandContext, plan: PromotePlan): number {
  plan.steps.forEach((step, i) => ctx.out(`${i + 1}. ${describeStep(step)}`));
  printEndpoints(
    ctx,
    endpointsFromManifest(plan.manifest, plan.request.namespace, plan.target.context.name),
  );
  ctx.err('devenv promote: dry run: nothing was built, loaded or deployed');
  return 0;
}

/** Runs the steps, their output as indented lines on stderr; the endpoints once deployed. */
async function runPromote(
  ctx: CommandContext,
  plan: PromotePlan,
  input: Pick<EffectsInput, 'env' | 'cwd' | 'stack' | 'versions'>,
): Promise<number> {
  const { request, steps, target } = plan;
  const context = target.context.name;
  const lines = lineWriter((line) => ctx.err(`  ${line}`));
  const outcome = await executePromote(
    steps,
    request,
    context,
    realPromoteEffects({
      ...input,
      target,
      buildLog: (line) => ctx.err(`  ${line}`),
      namespace: request.namespace,
      release: request.release,
      buildOutput: (chunk) => lines.write(chunk.toString('utf8')),
    }),
    (event) => {
      if (event.type === 'output') lines.write(event.text);
      else {
        lines.flush();
        ctx.err(
          event.type === 'step'
            ? `devenv promote: [${steps.indexOf(event.step) + 1}/${steps.length}] ${describeStep(event.step)}`
            : `devenv promote: ${event.text}`,
        );
      }
    },
  );
  lines.flush();
  if (!outcome.ok) return fail(ctx, outcome.error);
  printEndpoints(ctx, outcome.value.endpoints);
  ctx.err(`devenv promote: ${request.release} is deployed to ${context} and its tests passed`);
  return 0;
}

/** A unix:// endpoint (as the kubelet's config spells it) is the socket path ctr takes. */
function nonEmpty(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  return address.startsWith('unix://') ? address.slice('unix://'.length) : address;
}

function fail(ctx: CommandContext, failure: PromoteFailure): number {
  const { what, todo } = describePromoteFailure(failure);
  ctx.err(`devenv promote: ${what}\n  → ${todo}`);
  return exitCodeOf(failure);
}
