import type { Problem } from './problem.js';
import type { PortMapping } from './stack.js';
import { formatPath, isPlainObject, type TreePath } from './tree.js';

/**
 * How many instances of a service to run: `scale`, or `deploy.replicas`, as compose-go reads them
 * (both given must agree; neither: 1). Problems are positioned at the key that is wrong.
 */
export function replicaCount(
  service: Readonly<Record<string, unknown>>,
  at: TreePath,
): { readonly replicas: number; readonly problems: Problem[] } {
  const problems: Problem[] = [];
  const deploy = service['deploy'];
  const scale = readCount(service['scale'], [...at, 'scale'], problems);
  const replicas = isPlainObject(deploy)
    ? readCount(deploy['replicas'], [...at, 'deploy', 'replicas'], problems)
    : undefined;
  if (scale !== undefined && replicas !== undefined && scale !== replicas)
    problems.push({
      path: [...at, 'scale'],
      at: 'key',
      message: `${formatPath(at)}: can't set distinct values on 'scale' and 'deploy.replicas' (${scale} and ${replicas})`,
      hint: 'keep one of the two, or give both the same number',
    });
  const count = scale ?? replicas ?? 1;
  if (count > 1 && service['container_name'] !== undefined)
    problems.push({
      path: [...at, 'container_name'],
      message: `${formatPath(at)}: can't set container_name and ${scale === undefined ? 'deploy.replicas' : 'scale'} as container name must be unique`,
      hint: 'remove container_name: each replica gets a name of its own',
    });
  return { replicas: count, problems };
}

/** A count as written: an integer, or (interpolated) text of one; undefined when absent. */
function readCount(value: unknown, path: TreePath, problems: Problem[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const count = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count)) {
    problems.push({
      path,
      message: `${formatPath(path)}: expected a number of replicas, got ${JSON.stringify(value)}`,
    });
    return undefined;
  }
  if (count < 0) {
    problems.push({ path, message: `${formatPath(path)}: must be greater than or equal to 0` });
    return undefined;
  }
  return count;
}

/** Why `count` replicas of a service cannot publish one of its ports, per port (index, text). */
export interface ReplicaPortProblem {
  readonly index: number;
  readonly message: string;
  readonly hint: string;
}

/**
 * Each replica publishes its own host ports: a fixed host port cannot serve two replicas (the
 * second would fail with Compose's "port is already allocated"); a host range (`8080-8082:80`)
 * gives replica i its i-th port, so it needs a port per replica.
 */
export function replicaPortProblems(
  service: string,
  ports: readonly PortMapping[],
  count: number,
): ReplicaPortProblem[] {
  if (count <= 1) return [];
  const problems: ReplicaPortProblem[] = [];
  ports.forEach((port, index) => {
    if (port.host === undefined) return;
    const where = `${port.hostIp ?? '0.0.0.0'}:${port.host}`;
    const span = port.hostEnd === undefined ? 1 : port.hostEnd - port.host + 1;
    if (span >= count) return;
    const wanted = `${port.hostIp ? `${port.hostIp}:` : ''}${port.host}-${port.host + count - 1}:${port.container}`;
    problems.push({
      index,
      message:
        port.hostEnd === undefined
          ? `service "${service}" has ${count} replicas but publishes the fixed host port ${where}: Bind for ${where} failed: port is already allocated`
          : `service "${service}" has ${count} replicas but its host port range ${where}-${port.hostEnd} has ${span} ports`,
      hint: `give a host port range with one port per replica, e.g. "${wanted}"`,
    });
  });
  return problems;
}
