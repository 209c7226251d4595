import type Dockerode from 'dockerode';
import type { ServiceSpec } from '../model/stack.js';
import { err, ok, type Result } from '../../shared/result.js';
import { buildImage, buildPlan } from './docker-build.js';
import { imageActionFor } from './docker-check.js';
import { defaultImageTag, objectLabels, SESSION_LABEL, type LabelScope } from './docker-labels.js';
import type { PullOverride } from './docker-pull-policy.js';
import { pullImage, recordPull } from './docker-pull.js';
import { describeUnavailable } from './unavailable.js';
import type { StartContext, StartFailure } from './runtime.js';

export interface ImageSource {
  readonly projectDir: string;
  /** `devenv up --pull`: over every service's pull_policy. */
  readonly override: PullOverride | undefined;
  /** Where the last pull of each image is kept (for `daily`, `weekly`, `every_<duration>`). */
  readonly timesFile: string;
}

/**
 * The image to run, as the service's pull_policy (or `--pull`) says: the one here, pulled now
 * (progress in the service's log, cancelled when devenv stops), or built (the cache makes a
 * rebuild cheap). A failed pull of a buildable service falls back to its build, as in Compose.
 */
export async function prepareImage(
  docker: Dockerode,
  spec: ServiceSpec,
  scope: LabelScope,
  source: ImageSource,
  ctx: StartContext,
): Promise<Result<string, StartFailure>> {
  const action = await imageActionFor(docker, spec, source);
  if (!action.ok) return err({ reason: 'unavailable', why: describeUnavailable(action.error) });
  const image = spec.image;
  if (action.value === 'use-local' && image !== undefined) return ok(image);
  if (typeof action.value === 'object' && image !== undefined) {
    const log = (line: string) => ctx.output('devenv', Buffer.from(`${line}\n`));
    const pulled = await pullImage(docker, image, log, ctx.signal);
    if (pulled.ok) {
      await recordPull(source.timesFile, image, Date.now());
      return ok(image);
    }
    if (action.value.fallback === 'fail' || ctx.signal?.aborted === true)
      return err({ reason: 'engine-refused', detail: pulled.error });
    log(`${pulled.error}\nbuilding it instead (the service has build:)`);
  }
  return build(docker, spec, scope, source.projectDir, ctx);
}

async function build(
  docker: Dockerode,
  spec: ServiceSpec,
  scope: LabelScope,
  projectDir: string,
  ctx: StartContext,
): Promise<Result<string, StartFailure>> {
  if (!spec.build) return err({ reason: 'nothing-to-run' });
  const plan = buildPlan(spec.build, projectDir, process.env, spec.container?.platform);
  if (!plan.ok) return err({ reason: 'image-build-failed', detail: plan.error });
  const tag = spec.image ?? defaultImageTag(scope.projectName, spec.name);
  // Project and service, not the session: the same sources give the same image (and digest) in
  // every session and in `devenv images build`/promote, and a rebuild reuses the cache instead of
  // leaving the previous session's image dangling.
  const imageLabels = objectLabels(scope, spec.name);
  delete imageLabels[SESSION_LABEL];
  const built = await buildImage(
    docker,
    plan.value,
    tag,
    imageLabels,
    (chunk) => ctx.output('stdout', chunk),
    ctx.signal,
  );
  return built.ok ? built : err({ reason: 'image-build-failed', detail: built.error });
}
