import type { Problem } from './problem.js';
import { serviceConsistencyProblems } from './service-consistency.js';
import { closestName } from './suggest.js';
import { isPlainObject, type TreePath } from './tree.js';
import { cleanTarget } from './volumes.js';

/**
 * What compose-go checks across the whole project once it is merged (loader/validate.go): the
 * networks a service names are declared, `network_mode` and `networks` are not both set, and a
 * secret says where its value comes from. Only active services are checked, as there.
 */
export function consistencyProblems(merged: unknown, activeServices: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const document = isPlainObject(merged) ? merged : {};
  const services = isPlainObject(document['services']) ? document['services'] : {};
  const declared = Object.keys(isPlainObject(document['networks']) ? document['networks'] : {});
  for (const name of activeServices) {
    const service = services[name];
    if (!isPlainObject(service)) continue;
    problems.push(...networkProblems(name, service, declared));
    problems.push(...buildContextProblems(name, service, services));
    problems.push(...referenceProblems(name, service, document));
    problems.push(...mountTargetProblems(name, service));
    problems.push(...serviceConsistencyProblems(name, service));
  }
  problems.push(...secretProblems(document['secrets']));
  return problems;
}

function networkProblems(
  name: string,
  service: Readonly<Record<string, unknown>>,
  declared: readonly string[],
): Problem[] {
  const networks = service['networks'];
  const named = Array.isArray(networks)
    ? networks.map(String)
    : isPlainObject(networks)
      ? Object.keys(networks)
      : [];
  const at = ['services', name];
  const mode = service['network_mode'];
  if (typeof mode === 'string' && mode !== '' && named.length > 0)
    return [
      {
        path: [...at, 'networks'],
        at: 'key',
        message: `service "${name}" sets both network_mode and networks, which exclude each other`,
        hint: 'keep network_mode (the container shares that network stack) or networks, not both',
      },
    ];
  const problems: Problem[] = [];
  named.forEach((network, i) => {
    // Compose reads a service's network named x-… as an extension, never as a network.
    if (network === 'default' || (declared.includes(network) && !network.startsWith('x-'))) return;
    const suggestion = closestName(network, declared);
    problems.push({
      path: Array.isArray(networks) ? [...at, 'networks', i] : [...at, 'networks', network],
      at: Array.isArray(networks) ? 'value' : 'key',
      message: `service "${name}" uses network "${network}", which is not declared under the top-level networks${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      hint: network.startsWith('x-')
        ? 'rename the network: Compose reads names starting with x- as extensions'
        : `declare it: networks: {${network}: {}} at the top level`,
    });
  });
  return problems;
}

/** The secrets and configs a service (or its build) uses are declared; one Dockerfile source. */
function referenceProblems(
  name: string,
  service: Readonly<Record<string, unknown>>,
  document: Readonly<Record<string, unknown>>,
): Problem[] {
  const problems: Problem[] = [];
  const build = isPlainObject(service['build']) ? service['build'] : {};
  const uses: [readonly (string | number)[], unknown, 'secrets' | 'configs'][] = [
    [['services', name, 'secrets'], service['secrets'], 'secrets'],
    [['services', name, 'configs'], service['configs'], 'configs'],
    [['services', name, 'build', 'secrets'], build['secrets'], 'secrets'],
  ];
  for (const [at, list, kind] of uses) {
    if (!Array.isArray(list)) continue;
    const declared = isPlainObject(document[kind]) ? document[kind] : {};
    list.forEach((entry, i) => {
      const source = isPlainObject(entry) ? entry['source'] : entry;
      if (typeof source !== 'string' || Object.hasOwn(declared, source)) return;
      const suggestion = closestName(source, Object.keys(declared));
      problems.push({
        path: [...at, i],
        message: `service "${name}" uses ${kind === 'secrets' ? 'secret' : 'config'} "${source}", which is not declared under the top-level ${kind}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        hint: `declare it under ${kind}: at the top level (with file:, ${kind === 'configs' ? 'content:, ' : ''}environment: or external: true)`,
      });
    });
  }
  const given = (key: string) => typeof build[key] === 'string' && build[key] !== '';
  if (given('dockerfile') && given('dockerfile_inline'))
    problems.push({
      path: ['services', name, 'build', 'dockerfile_inline'],
      at: 'key',
      message: `service "${name}" sets both build.dockerfile and build.dockerfile_inline`,
      hint: 'keep one: a Dockerfile path, or the Dockerfile written inline',
    });
  return problems;
}

/**
 * Two mounts at one container path, as compose-go refuses them: two different tmpfs entries, or a
 * volume over a tmpfs. (Identical tmpfs entries are one, and of volumes sharing a target the last
 * wins, as compose-go makes them unique before it checks.)
 */
function mountTargetProblems(name: string, service: Readonly<Record<string, unknown>>): Problem[] {
  const problems: Problem[] = [];
  const tmpfsPaths = new Map<string, number>();
  const tmpfs = service['tmpfs'];
  const tmpfsList: unknown[] =
    typeof tmpfs === 'string' ? [tmpfs] : Array.isArray(tmpfs) ? tmpfs : [];
  const seen = new Set<string>();
  const mountedBy = (path: string) => {
    const i = tmpfsPaths.get(path);
    return typeof tmpfs === 'string' ? 'tmpfs' : `tmpfs[${String(i)}]`;
  };
  tmpfsList.forEach((entry, i) => {
    if (typeof entry !== 'string' || seen.has(entry)) return;
    seen.add(entry);
    const path = entry.split(':')[0] ?? entry;
    if (tmpfsPaths.has(path))
      problems.push(twice(name, path, mountedBy(path), ['services', name, 'tmpfs', i]));
    else tmpfsPaths.set(path, i);
  });
  const volumes = service['volumes'];
  if (Array.isArray(volumes))
    volumes.forEach((entry, i) => {
      const target = volumeTarget(entry);
      if (typeof target === 'string' && tmpfsPaths.has(target))
        problems.push(twice(name, target, mountedBy(target), ['services', name, 'volumes', i]));
    });
  return problems;
}

function twice(name: string, target: string, earlier: string, path: TreePath): Problem {
  return {
    path,
    message: `service "${name}" mounts ${target} twice (already mounted by ${earlier})`,
    hint: 'give each mount its own container path',
  };
}

/**
 * A volumes entry's container path, cleaned as compose-go cleans it before this check (`/cache/`
 * is `/cache`; a tmpfs path is compared as written): the long form's target, the short form's
 * second part.
 */
function volumeTarget(entry: unknown): string | undefined {
  const target = isPlainObject(entry)
    ? entry['target']
    : typeof entry === 'string'
      ? entry.split(':')[entry.includes(':') ? 1 : 0]
      : undefined;
  return typeof target === 'string' ? cleanTarget(target) : undefined;
}

/** `additional_contexts` naming `service:x`: x must be a service (of any profile) that builds. */
function buildContextProblems(
  name: string,
  service: Readonly<Record<string, unknown>>,
  services: Readonly<Record<string, unknown>>,
): Problem[] {
  const build = service['build'];
  const contexts = isPlainObject(build) ? build['additional_contexts'] : undefined;
  const entries: [string | number, unknown][] = Array.isArray(contexts)
    ? contexts.map((item, i) => [i, String(item).slice(String(item).indexOf('=') + 1)])
    : isPlainObject(contexts)
      ? Object.entries(contexts)
      : [];
  const problems: Problem[] = [];
  for (const [key, value] of entries) {
    if (typeof value !== 'string' || !value.startsWith('service:')) continue;
    const target = value.slice('service:'.length);
    const other = Object.hasOwn(services, target) ? services[target] : undefined;
    const builds = isPlainObject(other) && other['build'] !== undefined && other['build'] !== null;
    if (builds) continue;
    problems.push({
      path: ['services', name, 'build', 'additional_contexts', key],
      message:
        other === undefined
          ? `service "${name}" builds with the context of service "${target}", which is not defined`
          : `service "${name}" builds with the context of service "${target}", which has no build`,
      hint: `name a service with a build: section, or give the context as a path`,
    });
  }
  return problems;
}

function secretProblems(secrets: unknown): Problem[] {
  if (!isPlainObject(secrets)) return [];
  const problems: Problem[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (name.startsWith('x-')) continue;
    const spec = isPlainObject(secret) ? secret : {};
    const given = (key: string) => typeof spec[key] === 'string' && spec[key] !== '';
    if (spec['external'] === true || given('file') || given('environment')) continue;
    problems.push({
      path: ['secrets', name],
      at: 'key',
      message: `secret "${name}" says neither file nor environment`,
      hint: 'give it file: (a path) or environment: (a variable name), or mark it external: true',
    });
  }
  return problems;
}
