import Dockerode from 'dockerode';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { ContainerReaper } from '../session/reap.js';
import { labelFilters, SERVICE_LABEL, SESSION_LABEL } from './docker-labels.js';

/** Which devenv objects to look at: a project's, or only one session's within it. */
export interface LeftoverScope {
  readonly projectName: string;
  /** undefined: every session of the project (what `devenv down` wants). */
  readonly sessionId?: string | undefined;
}

export interface LabelledContainer {
  readonly id: string;
  readonly name: string;
  readonly service: string | undefined;
  readonly sessionId: string | undefined;
  /** The Engine's state: `running`, `exited`, `created`, … */
  readonly state: string;
}

export interface LabelledNetwork {
  readonly id: string;
  readonly name: string;
}

export interface LabelledObjects {
  readonly containers: readonly LabelledContainer[];
  readonly networks: readonly LabelledNetwork[];
}

/** The containers (running or not) and networks carrying the project's (and session's) labels. */
export async function listProjectLeftovers(
  docker: Dockerode,
  scope: LeftoverScope,
): Promise<Result<LabelledObjects, string>> {
  const filters = JSON.stringify(labelFilters(scope.projectName, scope.sessionId));
  try {
    const [containers, networks] = await Promise.all([
      docker.listContainers({ all: true, filters }),
      // The project network outlives sessions, so it is found by the project label alone.
      docker.listNetworks({ filters: JSON.stringify(labelFilters(scope.projectName)) }),
    ]);
    return ok({
      containers: containers.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        service: c.Labels[SERVICE_LABEL],
        sessionId: c.Labels[SESSION_LABEL],
        state: c.State,
      })),
      networks: networks.map((n) => ({ id: n.Id, name: n.Name })),
    });
  } catch (error) {
    return err(`cannot list devenv's containers: ${messageOf(error)}`);
  }
}

export interface RemovedObjects {
  /** Ids of the containers removed (those already gone are not counted). */
  readonly containers: readonly string[];
  readonly networks: readonly string[];
}

/**
 * Removes the containers with these ids and every container labelled with the project (and the
 * session, when given), then the project's networks that nothing uses any more. The labels find
 * containers the session file never recorded (devenv killed between create and record).
 */
export async function removeProjectContainers(
  docker: Dockerode,
  scope: LeftoverScope & { readonly ids?: readonly string[] },
): Promise<Result<RemovedObjects, string>> {
  const listed = await listProjectLeftovers(docker, scope);
  if (!listed.ok) return listed;
  const ids = [...new Set([...(scope.ids ?? []), ...listed.value.containers.map((c) => c.id)])];
  const removed: string[] = [];
  const problems: string[] = [];
  await Promise.all(
    ids.map(async (id) => {
      const outcome = await removeContainer(docker, id);
      if (outcome === 'removed') removed.push(id);
      else if (outcome !== 'gone') problems.push(`container ${id.slice(0, 12)}: ${outcome.error}`);
    }),
  );
  const networks: string[] = [];
  for (const network of listed.value.networks) {
    const outcome = await removeNetworkIfUnused(docker, network.id);
    if (outcome === 'removed') networks.push(network.name);
    else if (typeof outcome !== 'string')
      problems.push(`network ${network.name}: ${outcome.error}`);
  }
  return problems.length > 0
    ? err(`could not remove everything: ${problems.join('; ')}`)
    : ok({ containers: removed, networks });
}

/** Force-removes a container (and its anonymous volumes); one already gone counts as done. */
export async function removeContainer(
  docker: Dockerode,
  id: string,
): Promise<'removed' | 'gone' | { readonly error: string }> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
    return 'removed';
  } catch (error) {
    const status = statusCodeOf(error);
    // 404: no such container; 409: the Engine is already removing it.
    if (status === 404 || status === 409) return 'gone';
    return { error: messageOf(error) };
  }
}

/** Removes a network unless a container still uses it (another session, or a foreign container). */
export async function removeNetworkIfUnused(
  docker: Dockerode,
  id: string,
): Promise<'removed' | 'gone' | 'in-use' | { readonly error: string }> {
  try {
    await docker.getNetwork(id).remove();
    return 'removed';
  } catch (error) {
    const status = statusCodeOf(error);
    if (status === 404) return 'gone';
    // 403/409: "has active endpoints".
    if (status === 403 || status === 409) return 'in-use';
    return { error: messageOf(error) };
  }
}

export interface ReaperOptions extends LeftoverScope {
  readonly docker?: Dockerode;
  /** Told what could not be removed; the reaper's type has no room for a result. */
  readonly onProblem?: (message: string) => void;
}

/**
 * The session reaper's container half: removes a dead session's containers by the ids its session
 * file recorded and by label. Pass the dead session's id to spare other sessions of the project.
 */
export function dockerReaper(options: ReaperOptions): ContainerReaper {
  return async (ids) => {
    const docker = options.docker ?? new Dockerode();
    const outcome = await removeProjectContainers(docker, { ...options, ids });
    if (!outcome.ok) options.onProblem?.(outcome.error);
  };
}

/** The HTTP status dockerode attaches to Engine errors, when there is one. */
export function statusCodeOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
