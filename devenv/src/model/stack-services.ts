import type { Diagnostic } from '../diagnostic.js';
import { resolveDependencies, findCycles, type GraphNode } from './dependency-graph.js';
import { normalizeService, type NormalizeContext, type NormalizedService } from './normalize.js';
import { readLabelFiles, resolvedLabels } from './label-files.js';
import { readContainerOptions } from './container-options.js';
import { readFileMounts, type FileContext } from './container-files.js';
import { findPortConflicts } from './port-conflicts.js';
import { replicaCount, replicaPortProblems } from './replica-count.js';
import { formatPath, type Problem } from './problem.js';
import type { ServiceInput } from './schema.js';
import type { ServiceSpec } from './stack.js';
import { setOwn } from './tree.js';

/** The services of the merged document, one by one and as a graph: the middle steps of parseStack. */

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

export type ServicesContext = NormalizeContext & {
  readonly isActive: (profiles: readonly string[]) => boolean;
  /** Top-level `secrets` and `configs`, as written, for the files services mount. */
  readonly secrets?: unknown;
  readonly configs?: unknown;
};

export interface NormalizedServices {
  /** The services of active profiles. */
  readonly normalized: NormalizedService[];
  /** Services of inactive profiles, with their profiles (a dependency on one is explained). */
  readonly inactive: Map<string, readonly string[]>;
  readonly problems: Problem[];
  readonly diagnostics: Diagnostic[];
}

export function normalizeServices(
  services: readonly (readonly [string, ServiceInput | null])[],
  context: ServicesContext,
): NormalizedServices {
  const { isActive, secrets, configs, ...normalizeContext } = context;
  const fileContext = { projectDir: context.projectDir, secrets, configs };
  const found: NormalizedServices = {
    normalized: [],
    inactive: new Map(),
    problems: [],
    diagnostics: [],
  };
  const { problems } = found;
  if (services.length === 0)
    problems.push({
      path: ['services'],
      message: 'the project defines no services',
      hint: 'add services: with at least one service',
    });
  for (const [name, input] of services) {
    const at = ['services', name];
    if (!SERVICE_NAME.test(name))
      problems.push({
        path: at,
        at: 'key',
        message: `invalid service name "${name}"`,
        hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit',
      });
    if (input === null) {
      problems.push({
        path: at,
        at: 'key',
        message: `service "${name}" is empty`,
        hint: 'give it an image, a build or x-devenv.native',
      });
      continue;
    }
    const result = normalizeService(name, input, normalizeContext);
    problems.push(...result.problems);
    found.diagnostics.push(...result.diagnostics);
    const { spec } = result.service;
    if (!isActive(spec.profiles)) {
      found.inactive.set(name, spec.profiles);
      continue;
    }
    if (spec.image === undefined && spec.build === undefined && spec.devenv.native === undefined)
      problems.push({
        path: at,
        at: 'key',
        message: `service "${name}" has no image, build or x-devenv.native: nothing could run it`,
        hint: 'add image:, build:, or x-devenv: {native: {command: …}}',
      });
    const labelled = withLabels(result.service, input, normalizeContext, found);
    found.normalized.push(
      withReplicas(withContainer(labelled, input, fileContext, found), input, found),
    );
  }
  return found;
}

/** The service with its labels resolved (only active services read label files, as in compose-go). */
function withLabels(
  service: NormalizedService,
  input: ServiceInput,
  ctx: NormalizeContext,
  found: NormalizedServices,
): NormalizedService {
  if (input['label_file'] === undefined && input['labels'] === undefined) return service;
  const at = ['services', service.spec.name, 'label_file'];
  const read = readLabelFiles(input['label_file'], at, ctx);
  found.problems.push(...read.problems);
  found.diagnostics.push(...read.diagnostics);
  return {
    ...service,
    spec: { ...service.spec, labels: resolvedLabels(read.labels, input['labels']) },
  };
}

/** The container options and files the docker runtime applies (only active services: compose-go). */
function withContainer(
  service: NormalizedService,
  input: ServiceInput,
  ctx: FileContext,
  found: NormalizedServices,
): NormalizedService {
  const at = ['services', service.spec.name];
  const container = readContainerOptions(input, at, found.problems);
  const files = readFileMounts(input, at, ctx, found.problems);
  if (container === undefined && files.length === 0) return service;
  const spec: ServiceSpec = {
    ...service.spec,
    ...(container === undefined ? {} : { container }),
    ...(files.length === 0 ? {} : { files }),
  };
  return { ...service, spec };
}

/** `scale` / `deploy.replicas`, and the host ports each replica needs. */
function withReplicas(
  service: NormalizedService,
  input: ServiceInput,
  found: NormalizedServices,
): NormalizedService {
  const at = ['services', service.spec.name];
  const { replicas, problems } = replicaCount(input, at);
  found.problems.push(...problems);
  for (const port of replicaPortProblems(service.spec.name, service.spec.ports, replicas))
    found.problems.push({
      path: service.portPaths[port.index] ?? [...at, 'ports'],
      message: `${formatPath(service.portPaths[port.index] ?? [...at, 'ports'])}: ${port.message}`,
      hint: port.hint,
    });
  return replicas === 1 ? service : { ...service, spec: { ...service.spec, replicas } };
}

/** Dependencies resolved against the active services, cycles, and host ports taken twice. */
export function checkGraph(
  normalized: readonly NormalizedService[],
  services: readonly (readonly [string, unknown])[],
  inactive: ReadonlyMap<string, readonly string[]>,
) {
  const nodes: GraphNode[] = normalized.map((s) => ({
    name: s.spec.name,
    dependsOn: s.spec.dependsOn,
    edges: s.edges,
  }));
  const resolved = resolveDependencies(nodes, {
    defined: services.map(([name]) => name),
    inactive,
  });
  const activeNodes = nodes.map((n) => ({ ...n, dependsOn: resolved.dependsOn.get(n.name) ?? {} }));
  const problems: Problem[] = [
    ...resolved.problems,
    ...findCycles(activeNodes),
    ...findPortConflicts(
      normalized.map((s) => ({ name: s.spec.name, ports: s.spec.ports, portPaths: s.portPaths })),
    ),
  ];
  return { problems, activeNodes, dependsOn: resolved.dependsOn };
}

export function serviceSpecs(
  normalized: readonly NormalizedService[],
  dependsOn: ReadonlyMap<string, ServiceSpec['dependsOn']>,
): Record<string, ServiceSpec> {
  const specs: Record<string, ServiceSpec> = {};
  for (const s of normalized)
    setOwn(specs, s.spec.name, { ...s.spec, dependsOn: dependsOn.get(s.spec.name) ?? {} });
  return specs;
}
