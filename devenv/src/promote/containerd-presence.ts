import type Dockerode from 'dockerode';
import { imagesMissingFrom as missingFrom, type ContainerdLookups } from './containerd-images.js';
import { CRI_NAMESPACE } from './promote-plan.js';
import { captureCommand } from './promote-effects.js';

/** containerd's name for this machine's architecture (Node's `x64` is `amd64`). */
const ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm' };

/**
 * Of `images`, those the containerd at `address` does not hold with the local Engine's image id:
 * `ctr images ls` once, then `ctr content get` of each candidate's manifest (or index). An image
 * the Engine cannot inspect is reported missing, so that the import names it.
 */
export async function imagesMissingFrom(
  images: readonly string[],
  ctr: string,
  address: string,
  docker: Dockerode,
  where: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<string[]> {
  const ctrOutput = async (...args: string[]) => {
    const { outcome, stdout } = await captureCommand(
      ctr,
      ['--address', address, '--namespace', CRI_NAMESPACE, ...args],
      where.cwd,
      where.env,
    );
    return outcome.code === 0 ? stdout : undefined;
  };
  const lookups: ContainerdLookups = {
    listImages: () => ctrOutput('images', 'ls'),
    readContent: (digest) => ctrOutput('content', 'get', digest),
  };
  const ids = await Promise.all(
    images.map(async (ref) => ({
      ref,
      id: await docker
        .getImage(ref)
        .inspect()
        .then((facts) => facts.Id)
        .catch(() => `not in the Engine: ${ref}`),
    })),
  );
  return missingFrom(ids, lookups, ARCH[process.arch] ?? process.arch);
}
