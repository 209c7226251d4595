import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { ServiceSpec } from '../model/stack.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { buildPlan } from './docker-build.js';
import { statusCodeOf } from './docker-leftovers.js';
import type { Unavailable } from './runtime.js';
import { imageAction, type ImageAction, type PullOverride } from './docker-pull-policy.js';
import { lastPulled } from './docker-pull.js';

// What the docker runtime's check asks before a start, once the Engine answers: an image, what it mounts.

export async function buildable(
  spec: ServiceSpec,
  projectDir: string,
): Promise<Result<void, Unavailable>> {
  const plan = buildPlan(spec.build ?? {}, projectDir);
  if (!plan.ok) return err({ reason: 'build-invalid', detail: plan.error });
  const dockerfile = join(plan.value.context, plan.value.dockerfile);
  const readable = await access(dockerfile).then(
    () => true,
    () => false,
  );
  return readable ? ok(undefined) : err({ reason: 'dockerfile-missing', dockerfile });
}

export async function present(
  docker: Dockerode,
  spec: ServiceSpec,
): Promise<Result<void, Unavailable>> {
  if (spec.image === undefined) return err({ reason: 'nothing-to-run' });
  try {
    await docker.getImage(spec.image).inspect();
    return ok(undefined);
  } catch (error) {
    if (statusCodeOf(error) !== 404)
      return err({
        reason: 'engine-refused',
        detail: `cannot inspect image ${spec.image}: ${messageOf(error)}`,
      });
    return err({ reason: 'image-missing', image: spec.image });
  }
}

/** What the service's image needs before a start: used as it is, pulled, built, or refused. */
export async function imageActionFor(
  docker: Dockerode,
  spec: ServiceSpec,
  pull: { readonly override: PullOverride | undefined; readonly timesFile: string },
): Promise<Result<ImageAction, Unavailable>> {
  const policy = spec.container?.pullPolicy;
  if (spec.image === undefined) {
    if (spec.build) return ok('build');
    return err({ reason: 'nothing-to-run' });
  }
  const here = await present(docker, spec);
  if (!here.ok && here.error.reason !== 'image-missing') return here;
  const action = imageAction({
    policy,
    override: pull.override,
    buildable: spec.build !== undefined,
    present: here.ok,
    lastPulledMs: await lastPulled(pull.timesFile, spec.image),
    nowMs: Date.now(),
  });
  if (action !== 'refuse-absent') return ok(action);
  const why = pull.override === 'never' ? '--pull never' : 'its pull_policy is never';
  return err({
    reason: 'engine-refused',
    detail:
      `image ${spec.image} is not present locally, and ${why}: pull it (\`docker pull ${spec.image}\` or ` +
      `\`npx devenv pull ${spec.replicaOf?.service ?? spec.name}\`), load it (\`docker load -i <file>\`), or let devenv pull it ` +
      '(pull_policy: missing)',
  });
}

/** The Engine API that added `type: image` mounts (Docker Engine 28). */
const IMAGE_MOUNT_API = '1.48';

function apiAtLeast(version: string, wanted: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [wantedMajor = 0, wantedMinor = 0] = wanted.split('.').map(Number);
  return major > wantedMajor || (major === wantedMajor && minor >= wantedMinor);
}

/** `type: image` volumes mount images that must be here already, like the service's own image. */
export async function imageVolumesPresent(
  docker: Dockerode,
  spec: ServiceSpec,
): Promise<Result<void, Unavailable>> {
  const images = spec.volumes.filter((volume) => volume.type === 'image');
  if (images.length === 0) return ok(undefined);
  const api = await docker.version().then(
    (answer) => answer.ApiVersion,
    () => undefined,
  );
  if (api !== undefined && !apiAtLeast(api, IMAGE_MOUNT_API))
    return err({ reason: 'engine-too-old', api, wanted: IMAGE_MOUNT_API });
  for (const volume of images) {
    try {
      await docker.getImage(volume.source).inspect();
    } catch (error) {
      return err(
        statusCodeOf(error) === 404
          ? { reason: 'image-volume-missing', image: volume.source, target: volume.target }
          : {
              reason: 'engine-refused',
              detail: `cannot inspect image ${volume.source}: ${messageOf(error)}`,
            },
      );
    }
  }
  return ok(undefined);
}
