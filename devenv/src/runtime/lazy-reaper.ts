import type { ContainerReaper } from '../session/reap.js';
import type { ReaperOptions } from './docker-leftovers.js';

/** The docker reaper, loading dockerode only when a dead session did leave containers. */
export function lazyDockerReaper(options: ReaperOptions): ContainerReaper {
  return async (ids) => {
    const { dockerReaper } = await import('./docker-leftovers.js');
    await dockerReaper(options)(ids);
  };
}
