import type Dockerode from 'dockerode';
import { buildApps, checkoutIdentity } from '../images/build-apps.js';
import { presentTags } from '../images/engine.js';
import {
  APP_SERVICES,
  appBuildEnv,
  baseImages,
  chooseBases,
  officialImages,
} from '../images/image-plan.js';
import type { Stack } from '../model/stack.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { Versions } from '../versions/versions-file.js';
import type { PromoteFailure } from './promote-failure.js';
import type { BuiltAppImage } from './promote-plan.js';

/** The tags of the images this repository builds (compose.yaml `image:` of the app services). */
export function appImageTags(stack: Stack): string[] {
  return APP_SERVICES.flatMap((service) => {
    const image = stack.services[service]?.image;
    return image === undefined ? [] : [image];
  });
}

export interface AppImagesInput {
  readonly docker: Dockerode;
  readonly stack: Stack;
  readonly projectRoot: string;
  readonly versions: Versions;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
  readonly output: (chunk: Buffer) => void;
}

/**
 * Builds the app images exactly as `devenv images build` does (the images module: the same base
 * choice, build args and labels, through the docker runtime's builder), so promote deploys the
 * image `devenv up --runtime docker` runs. The value is each service's image id.
 */
export async function buildAppImages(
  input: AppImagesInput,
): Promise<Result<readonly BuiltAppImage[], PromoteFailure>> {
  const failed = (detail: string): Result<never, PromoteFailure> =>
    err({ reason: 'image-build-failed', image: appImageTags(input.stack).join(', '), detail });
  const official = officialImages(input.versions);
  if (!official.ok) return failed(official.error);
  const local = baseImages(input.versions);
  if (!local.ok) return failed(local.error);
  const bases = chooseBases(official.value, local.value, await presentTags(input.docker), false);
  if (!bases.ok) return failed(bases.error);
  const identity = await checkoutIdentity(input.projectRoot);
  const built = await buildApps({
    docker: input.docker,
    stack: input.stack,
    buildEnv: {
      ...input.env,
      ...appBuildEnv({
        env: input.env,
        ...identity,
        bases: bases.value,
        official: official.value,
        local: local.value,
      }),
    },
    log: input.log,
    output: input.output,
  });
  if (!built.ok) return failed(built.error);
  return ok(built.value.map((image) => ({ service: image.service, id: image.facts.id })));
}
