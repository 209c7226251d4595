import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { ServiceSpec } from '../model/stack.js';
import { err, messageOf, ok, type Result } from '../result.js';
import { buildPlan } from './docker-build.js';
import { statusCodeOf } from './docker-leftovers.js';
import { pingDockerEngine } from './docker-ping.js';
import type { Unavailable } from './runtime.js';

// What the docker runtime's check asks before a start: an Engine, an image, what it mounts.

/** Whether the Engine answers, or why not and how to start it. */
export async function pingEngine(docker: Dockerode): Promise<Result<void, string>> {
  const ping = await pingDockerEngine(docker);
  if (ping.ok) return ok(undefined);
  const silence = ping.error;
  return err(
    silence.reason === 'no-answer-in-time'
      ? `the Docker Engine did not answer within ${silence.timeoutMs / 1000} s: ${START_ENGINE}`
      : `the Docker Engine does not answer (${silence.message}): ${START_ENGINE}`,
  );
}

const START_ENGINE =
  'start it (`sudo systemctl start docker`, or `sudo dockerd &`), or run the service with --runtime native';

export async function buildable(
  spec: ServiceSpec,
  projectDir: string,
): Promise<Result<void, Unavailable>> {
  const plan = buildPlan(spec.build ?? {}, projectDir);
  if (!plan.ok) return err({ reason: plan.error });
  const dockerfile = join(plan.value.context, plan.value.dockerfile);
  const readable = await access(dockerfile).then(
    () => true,
    () => false,
  );
  return readable
    ? ok(undefined)
    : err({
        reason: `cannot build: ${dockerfile} does not exist (build.context / build.dockerfile)`,
      });
}

export async function present(
  docker: Dockerode,
  spec: ServiceSpec,
): Promise<Result<void, Unavailable>> {
  if (spec.image === undefined)
    return err({ reason: 'the service has neither image: nor build:, so there is nothing to run' });
  try {
    await docker.getImage(spec.image).inspect();
    return ok(undefined);
  } catch (error) {
    if (statusCodeOf(error) !== 404)
      return err({ reason: `cannot inspect image ${spec.image}: ${messageOf(error)}` });
    return err({
      reason:
        `image ${spec.image} is not present locally, and devenv never pulls (no registry is assumed reachable): ` +
        `build or load it first (\`docker build -t ${spec.image} <dir>\` or \`docker load -i <file>\`), ` +
        `or give the service a build: section`,
    });
  }
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
    return err({
      reason: `volumes of type: image need Docker Engine 28 or later (API ${IMAGE_MOUNT_API}); this Engine speaks API ${api}: upgrade the Engine, or mount the files another way (a bind mount or a volume)`,
    });
  for (const volume of images) {
    try {
      await docker.getImage(volume.source).inspect();
    } catch (error) {
      return err({
        reason:
          statusCodeOf(error) === 404
            ? `image ${volume.source}, mounted at ${volume.target} (volumes, type: image), is not present locally, and devenv never pulls: build or load it first`
            : `cannot inspect image ${volume.source}: ${messageOf(error)}`,
      });
    }
  }
  return ok(undefined);
}
