/**
 * The chart's pod security and operability rules, checked on rendered manifests. Pure: each
 * broken rule is one line naming the object, the container and the rule.
 */
import type { Manifest } from './chart-rig.js';

type Obj = Record<string, unknown>;

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

interface PodOf {
  readonly where: string;
  readonly spec: Obj;
  /** Long-running pods must have probes; a run-to-completion pod (helm test) need not. */
  readonly longRunning: boolean;
}

function obj(value: unknown): Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

export function podsOf(manifests: readonly Manifest[]): PodOf[] {
  return manifests.flatMap((m): PodOf[] => {
    const where = `${m.kind}/${m.metadata.name}`;
    if (m.kind === 'Pod') return [{ where, spec: obj(m['spec']), longRunning: false }];
    if (WORKLOADS.has(m.kind)) {
      const spec = obj(obj(obj(m['spec'])['template'])['spec']);
      return [{ where, spec, longRunning: m.kind !== 'Job' }];
    }
    return [];
  });
}

/** Every rule every container of every pod breaks; empty when all hold. */
export function policyViolations(manifests: readonly Manifest[]): string[] {
  return podsOf(manifests).flatMap(podViolations);
}

function podViolations({ where, spec, longRunning }: PodOf): string[] {
  const problems: string[] = [];
  const pod = obj(spec['securityContext']);
  const containers = [
    ...list(spec['initContainers']).map((c) => ({ c, init: true })),
    ...list(spec['containers']).map((c) => ({ c, init: false })),
  ];
  if (containers.length === 0) problems.push(`${where}: no containers`);
  for (const { c, init } of containers) {
    const at = `${where} container ${String(c['name'])}`;
    const sc = obj(c['securityContext']);
    const effective = (key: string) => (key in sc ? sc[key] : pod[key]);
    if (effective('runAsNonRoot') !== true) problems.push(`${at}: runAsNonRoot is not true`);
    const uid = effective('runAsUser');
    if (uid === 0) problems.push(`${at}: runAsUser is 0 (root)`);
    if (sc['readOnlyRootFilesystem'] !== true) {
      problems.push(`${at}: readOnlyRootFilesystem is not true`);
    }
    if (sc['allowPrivilegeEscalation'] !== false) {
      problems.push(`${at}: allowPrivilegeEscalation is not false`);
    }
    if (sc['privileged'] === true) problems.push(`${at}: privileged`);
    const drop = obj(sc['capabilities'])['drop'];
    if (!Array.isArray(drop) || !drop.includes('ALL')) {
      problems.push(`${at}: capabilities do not drop ALL`);
    }
    const addCaps = obj(sc['capabilities'])['add'];
    if (Array.isArray(addCaps) && addCaps.length > 0) problems.push(`${at}: adds capabilities`);
    const seccomp = obj(effective('seccompProfile'))['type'];
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(`${at}: seccompProfile is not RuntimeDefault`);
    }
    const resources = obj(c['resources']);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (obj(resources[kind])[resource] === undefined) {
          problems.push(`${at}: no ${resource} ${kind}`);
        }
      }
    }
    problems.push(...imageViolations(at, c['image']));
    if (longRunning && !init) {
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        if (c[probe] === undefined) problems.push(`${at}: no ${probe}`);
      }
    }
    problems.push(...graceViolations(at, c, spec));
  }
  return problems;
}

/** A pinned tag (or digest): never `latest`, never none (which means latest). */
export function imageViolations(at: string, image: unknown): string[] {
  if (typeof image !== 'string' || image === '') return [`${at}: no image`];
  if (image.includes('@sha256:')) return [];
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  if (tag === '') return [`${at}: image ${image} has no tag (that is latest)`];
  if (tag === 'latest') return [`${at}: image ${image} uses the latest tag`];
  return [];
}

/** SIGKILL must not cut the app's own drain short: grace period > SHUTDOWN_GRACE_MS. */
function graceViolations(at: string, container: Obj, spec: Obj): string[] {
  const env = list(container['env']);
  const grace = env.find(
    (e) => e['name'] === 'SHUTDOWN_GRACE_MS' || e['name'] === 'DISPATCHER_SHUTDOWN_GRACE_MS',
  );
  if (!grace) return [];
  const appSeconds = Number(grace['value']) / 1000;
  const podSeconds = spec['terminationGracePeriodSeconds'];
  return typeof podSeconds === 'number' && podSeconds > appSeconds
    ? []
    : [
        `${at}: terminationGracePeriodSeconds ${String(podSeconds)} does not exceed ${String(grace['name'])} (${appSeconds} s)`,
      ];
}
