import type Dockerode from 'dockerode';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { networkName, objectLabels, type LabelScope } from './docker-labels.js';
import { removeNetworkIfUnused, statusCodeOf } from './docker-leftovers.js';
import type { StartFailure } from './runtime.js';

export interface ProjectNetwork {
  readonly name: string;
  acquire(): Promise<Result<void, StartFailure>>;
  /** Called once per successful acquire; the last one out removes the network. */
  release(): Promise<void>;
}

/**
 * The project's network, created on first use and removed when this session's last container is
 * gone. Serialised so a release never removes the network under a start that just joined it.
 */
export function projectNetwork(docker: Dockerode, scope: LabelScope): ProjectNetwork {
  const name = networkName(scope.projectName);
  let users = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
  const ensure = async (): Promise<Result<void, StartFailure>> => {
    try {
      await docker.getNetwork(name).inspect();
      return ok(undefined);
    } catch (error) {
      if (statusCodeOf(error) !== 404)
        return err({
          reason: 'engine-refused',
          detail: `cannot inspect network ${name}: ${messageOf(error)}`,
        });
    }
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: objectLabels(scope),
      });
      return ok(undefined);
    } catch (error) {
      // 409: another devenv process created it a moment ago, which is just as good.
      return statusCodeOf(error) === 409
        ? ok(undefined)
        : err({
            reason: 'engine-refused',
            detail: `cannot create network ${name}: ${messageOf(error)}`,
          });
    }
  };
  return {
    name,
    acquire: () =>
      serial(async () => {
        const ready = await ensure();
        if (ready.ok) users++;
        return ready;
      }),
    release: () =>
      serial(async () => {
        users = Math.max(0, users - 1);
        // Another session's container keeps it alive: removal then fails harmlessly as "in use".
        if (users === 0) await removeNetworkIfUnused(docker, name);
      }),
  };
}
