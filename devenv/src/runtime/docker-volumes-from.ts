import type Dockerode from 'dockerode';
import { err, ok, type Result } from '../../shared/result.js';
import type { ServiceSpec } from '../model/stack.js';
import { volumesFromOf } from './docker-container-options.js';
import { containerName, type LabelScope } from './docker-labels.js';
import type { StartFailure } from './runtime.js';

/**
 * HostConfig.VolumesFrom for the service: each `volumes_from` service as its container of this
 * session, or, replicated, its first replica's (`x-1`), as Compose takes the first container.
 * A service with no container here (it runs natively, or has not started) is a failure that says
 * so: the Engine's own answer would be a bare "No such container".
 */
export async function resolveVolumesFrom(
  docker: Dockerode,
  spec: ServiceSpec,
  scope: LabelScope,
): Promise<Result<string[], StartFailure>> {
  const found: Record<string, string> = {};
  for (const source of spec.container?.volumesFrom ?? []) {
    if (source.kind !== 'service' || Object.hasOwn(found, source.service)) continue;
    const candidates = [source.service, `${source.service}-1`].map((instance) =>
      containerName(scope.projectName, instance, scope.sessionId),
    );
    let name: string | undefined;
    for (const candidate of candidates) {
      const present = await docker
        .getContainer(candidate)
        .inspect()
        .then(
          () => true,
          () => false,
        );
      if (present) {
        name = candidate;
        break;
      }
    }
    if (name === undefined)
      return err({ reason: 'unavailable', why: noContainer(source.service, candidates) });
    found[source.service] = name;
  }
  return ok(volumesFromOf(spec.container, scope, found));
}

/** Why a `volumes_from` service cannot lend its volumes. Exported for testing. */
export function noContainer(service: string, looked: readonly string[]): string {
  return (
    `volumes_from: service "${service}" has no container in this session (no ${looked.join(' or ')}): ` +
    'it runs natively or has not started, and a native process has no container volumes to share; ' +
    `run it in a container (\`devenv up --runtime ${service}=docker\`) or take it out of volumes_from`
  );
}
