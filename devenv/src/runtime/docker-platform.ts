import type Dockerode from 'dockerode';
import type { ServiceSpec } from '../model/stack.js';

/** The Engine API from which POST /containers/create takes a `platform` (Docker 20.10). */
export const CREATE_PLATFORM_API = '1.41';

/** `a` is API version `b` or later (`1.41` ≥ `1.4`, numerically per part). */
export function apiAtLeast(a: string, b: string): boolean {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor > bMajor : aMinor >= bMinor;
}

/**
 * The `platform` the create request can carry on an Engine speaking `api`: the service's, or
 * null with a note saying it is ignored (an older Engine would silently run what the image is).
 * Pure; `api` undefined (the Engine did not say) sends it.
 */
export function createPlatformFor(
  platform: string | undefined,
  api: string | undefined,
): { platform: string | null | undefined; notes: string[] } {
  if (platform === undefined || api === undefined || apiAtLeast(api, CREATE_PLATFORM_API))
    return { platform, notes: [] };
  return {
    platform: null,
    notes: [
      `platform: ${platform} is not applied to the container: this Docker Engine speaks API ${api}, ` +
        `and a container's platform needs API ${CREATE_PLATFORM_API} (Docker 20.10); the image ` +
        'is run as it is (a build still asks for the platform)',
    ],
  };
}

/** createPlatformFor with the Engine's own API version. */
export async function createPlatform(
  docker: Dockerode,
  spec: ServiceSpec,
): Promise<{ platform: string | null | undefined; notes: string[] }> {
  const platform = spec.container?.platform;
  if (platform === undefined) return { platform, notes: [] };
  const api = await docker.version().then(
    (answer) => answer.ApiVersion,
    () => undefined,
  );
  return createPlatformFor(platform, api);
}
