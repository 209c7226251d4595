import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import { buildOciImage, type ImageSpec } from './oci-image.js';
import { COREDNS_IMAGE_REPO, PAUSE_IMAGE, type ClusterLayout } from './layout.js';

/** containerd's namespace for everything the kubelet runs. */
export const K8S_NAMESPACE = 'k8s.io';

/**
 * The pod sandbox image: a static busybox that sleeps. The real pause binary only holds the
 * namespaces open too; a sleeping PID 1 does the same, and busybox-static is a Debian package.
 */
export function pauseImage(busybox: string): ImageSpec {
  return {
    name: PAUSE_IMAGE,
    files: { 'bin/busybox': busybox },
    entrypoint: ['/bin/busybox', 'sleep', '2147483647'],
  };
}

/** CoreDNS's static binary alone, as its upstream image is. */
export function corednsImage(coredns: string, version: string): ImageSpec {
  return {
    name: `${COREDNS_IMAGE_REPO}:${version}`,
    files: { coredns },
    entrypoint: ['/coredns'],
  };
}

/** Builds the image as an OCI tarball and imports it into the cluster's containerd. */
export async function importImage(
  ctr: string,
  layout: ClusterLayout,
  spec: ImageSpec,
): Promise<Result<void, string>> {
  const tarball = await buildOciImage(spec, layout.imagesDir);
  if (!tarball.ok) return tarball;
  return importTarball(ctr, layout, tarball.value);
}

/** `ctr images import` of an image tarball (OCI layout or `docker save`) into the k8s.io namespace. */
export async function importTarball(
  ctr: string,
  layout: ClusterLayout,
  tarball: string,
): Promise<Result<void, string>> {
  const outcome = await runCommand(
    ctr,
    ['--address', layout.containerdSocket, '-n', K8S_NAMESPACE, 'images', 'import', tarball],
    { timeoutMs: 300_000 },
  );
  return outcome.code === 0
    ? ok(undefined)
    : err(`ctr images import ${tarball} failed: ${describeOutcome(outcome)}`);
}
