import { DEFAULT_LOGGING, loggingWarning, readLogging, type ServiceLogging } from './logging.js';
import type { Stack } from './stack.js';

/** How one service's log file rotates; `keepFiles` counts the rotated files only (`.1` … `.N`). */
export interface LogFileRotation {
  readonly maxFileBytes: number;
  readonly keepFiles: number;
}

export interface StackLogFiles {
  /** A service's (or replica's) rotation; undefined: `driver: none`, no file. */
  rotationOf(service: string): LogFileRotation | undefined;
  /** One per service whose driver devenv does not run, to show when the stack starts. */
  readonly warnings: readonly string[];
}

/**
 * The log-file policy of each service from its `logging:` (already checked when the stack
 * loaded). A replica (`worker-2`, also one `devenv scale` adds later) follows its service; a
 * name the file does not define (devenv's own log, a `devenv run`) gets devenv's rotation.
 */
export function stackLogFiles(stack: Stack, pathOf: (service: string) => string): StackLogFiles {
  const byService = new Map<string, ServiceLogging>();
  const warnings: string[] = [];
  for (const [name, definition] of Object.entries(documentServices(stack))) {
    const read = readLogging(isMapping(definition) ? definition['logging'] : undefined);
    const logging = read.ok ? read.value : DEFAULT_LOGGING;
    byService.set(name, logging);
    if (stack.services[name] === undefined && !hasReplicas(stack, name)) continue;
    const warning = loggingWarning(name, logging, pathOf(name));
    if (warning !== undefined) warnings.push(warning);
  }
  const serviceOf = (name: string): string => {
    const replicaOf = stack.services[name]?.replicaOf?.service;
    if (replicaOf !== undefined) return replicaOf;
    if (byService.has(name)) return name;
    const replica = /^(.+)-\d+$/.exec(name)?.[1];
    return replica !== undefined && byService.has(replica) ? replica : name;
  };
  return {
    rotationOf(service) {
      const logging = byService.get(serviceOf(service)) ?? DEFAULT_LOGGING;
      if (logging.kind === 'none') return undefined;
      return { maxFileBytes: logging.maxFileBytes, keepFiles: logging.files - 1 };
    },
    warnings,
  };
}

function documentServices(stack: Stack): Readonly<Record<string, unknown>> {
  const services = stack.document['services'];
  return isMapping(services) ? services : {};
}

function hasReplicas(stack: Stack, name: string): boolean {
  return Object.values(stack.services).some((spec) => spec.replicaOf?.service === name);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
