/** The few Docker Engine calls `devenv images` makes besides building (docker-build.ts). */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { statusCodeOf } from '../runtime/docker-leftovers.js';
import { describeEngineSilence, pingDockerEngine } from '../runtime/docker-ping.js';

export async function pingEngine(docker: Dockerode): Promise<Result<void, string>> {
  const ping = await pingDockerEngine(docker);
  if (ping.ok) return ok(undefined);
  return err(
    `the Docker Engine does not answer (${describeEngineSilence(ping.error)}): install docker.io and start it ` +
      '(`sudo systemctl start docker`, or `sudo dockerd > /tmp/dockerd.log 2>&1 &`)',
  );
}

/** Every `name:tag` the Engine has. */
export async function presentTags(docker: Dockerode): Promise<Set<string>> {
  const images = await docker.listImages();
  return new Set(
    images.flatMap((image) => image.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
  );
}

export interface ImageFacts {
  /** The image id (`sha256:…`), which is its config digest. */
  readonly id: string;
  readonly sizeBytes: number;
  readonly user: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly healthcheck: readonly string[] | undefined;
  readonly stopSignal: string | undefined;
}

export async function inspectImage(
  docker: Dockerode,
  ref: string,
): Promise<Result<ImageFacts, string>> {
  try {
    const info = await docker.getImage(ref).inspect();
    const config = info.Config as Dockerode.ImageInspectInfo['Config'] & {
      Healthcheck?: { Test?: string[] };
      StopSignal?: string;
    };
    return ok({
      id: info.Id,
      sizeBytes: info.Size,
      user: config.User,
      labels: config.Labels ?? {},
      healthcheck: config.Healthcheck?.Test,
      stopSignal: config.StopSignal,
    });
  } catch (error) {
    return err(`cannot inspect image ${ref}: ${messageOf(error)}`);
  }
}

/** The id a tag points at now, or undefined when the Engine does not have it. */
export async function imageId(docker: Dockerode, ref: string): Promise<string | undefined> {
  return docker
    .getImage(ref)
    .inspect()
    .then((info) => info.Id)
    .catch(() => undefined);
}

/**
 * After a rebuild moved `tag` to a new image, the previous one is left untagged: remove it, so
 * rebuilds do not pile up dangling images. An image still used by a container or as a parent of
 * another image is kept (the Engine refuses with 409), which is what we want.
 */
export async function removeReplaced(
  docker: Dockerode,
  previousId: string | undefined,
  tag: string,
): Promise<void> {
  if (previousId === undefined) return;
  const now = await imageId(docker, tag);
  if (now === undefined || now === previousId) return;
  try {
    const info = await docker.getImage(previousId).inspect();
    if ((info.RepoTags ?? []).filter((t) => t !== '<none>:<none>').length > 0) return;
    await docker.getImage(previousId).remove({ noprune: false });
  } catch (error) {
    if (statusCodeOf(error) !== 409 && statusCodeOf(error) !== 404) throw error;
  }
}

/** `docker import`: a root filesystem tar stream becomes image `tag`. */
export async function importRootfs(
  docker: Dockerode,
  tar: Readable,
  tag: string,
): Promise<Result<string, string>> {
  const colon = tag.lastIndexOf(':');
  try {
    const stream = await docker.importImage(tar, {
      repo: tag.slice(0, colon),
      tag: tag.slice(colon + 1),
    });
    const failure = await new Promise<string | undefined>((resolve) => {
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        resolve(error ? error.message : output.find((o) => o.error !== undefined)?.error);
      });
    });
    if (failure !== undefined) return err(`docker import of ${tag} failed: ${failure}`);
  } catch (error) {
    return err(`docker import of ${tag} failed: ${messageOf(error)}`);
  }
  const id = await imageId(docker, tag);
  return id === undefined ? err(`docker import finished but ${tag} is not there`) : ok(id);
}
