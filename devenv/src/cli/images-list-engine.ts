/** The Engine calls of `devenv images [SERVICE…]`: each container's inspect, then its image's. */
import type Dockerode from 'dockerode';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { statusCodeOf } from '../runtime/docker-leftovers.js';
import type { ContainerImage, InspectedImage } from './images-list.js';

/**
 * The image of each container, in the order given. A container the Engine no longer has (it
 * exited and was removed since devenv last said) is left out, as Compose lists only containers
 * that exist; an image removed under its container is `image: undefined`.
 */
export async function inspectContainerImages(
  docker: Dockerode,
  containers: readonly { readonly name: string; readonly containerId: string }[],
): Promise<Result<ContainerImage[], string>> {
  const found = await Promise.all(containers.map((c) => containerImage(docker, c)));
  const failed = found.find((f): f is { ok: false; error: string } => !f.ok);
  if (failed) return failed;
  return ok(found.flatMap((f) => (f.ok && f.value !== undefined ? [f.value] : [])));
}

async function containerImage(
  docker: Dockerode,
  container: { readonly name: string; readonly containerId: string },
): Promise<Result<ContainerImage | undefined, string>> {
  let info: Dockerode.ContainerInspectInfo;
  try {
    info = await docker.getContainer(container.containerId).inspect();
  } catch (error) {
    if (statusCodeOf(error) === 404) return ok(undefined);
    return err(`cannot inspect the container of ${container.name}: ${messageOf(error)}`);
  }
  const image = await inspectImage(docker, info.Image);
  if (!image.ok) return err(`cannot inspect the image of ${container.name}: ${image.error}`);
  return ok({
    containerName: info.Name.replace(/^\//, ''),
    imageId: info.Image,
    reference: info.Config.Image,
    image: image.value,
  });
}

async function inspectImage(
  docker: Dockerode,
  id: string,
): Promise<Result<InspectedImage | undefined, string>> {
  try {
    const info = (await docker.getImage(id).inspect()) as Dockerode.ImageInspectInfo & {
      Metadata?: { LastTagTime?: string };
    };
    return ok({
      id: info.Id,
      repoTags: info.RepoTags ?? [],
      repoDigests: info.RepoDigests ?? [],
      size: info.Size,
      created: info.Created ?? '',
      os: info.Os ?? '',
      architecture: info.Architecture ?? '',
      variant: info.Variant ?? '',
      lastTagTime: info.Metadata?.LastTagTime ?? '',
    });
  } catch (error) {
    return statusCodeOf(error) === 404 ? ok(undefined) : err(messageOf(error));
  }
}
