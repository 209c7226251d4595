import { isAbsolute, join, posix, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import type { Result } from '../../shared/result.js';
import { parseDotenv, parseRawEnvFile } from './dotenv.js';
import type { Lookup } from './interpolate.js';
import { toHealthcheck } from './healthcheck.js';
import { serviceDependencies, type EdgeLocation } from './implicit-dependencies.js';
import type { Problem } from './problem.js';
import { resolveVolume, type DeclaredVolume, type VolumeMount } from './volumes.js';
import { keyedSchema, type ServiceInput } from './schema.js';
import type { DevenvExtension, PortMapping, ServiceSpec, WatchRule } from './stack.js';
import { setOwn, type TreePath } from './tree.js';
import type { z } from 'zod';

/** Reads a file by absolute path: its text, or why it could not be read (`ENOENT` → 'missing'). */
export type ReadText = (absolutePath: string) => Result<string, string>;

export interface NormalizeContext {
  /** Absolute directory relative paths resolve against. */
  readonly projectDir: string;
  /** The project directory as the user named it, for messages about env files. */
  readonly displayDir: string;
  /** Variables for `KEY` without a value (process environment over `.env`). */
  readonly lookup: Lookup;
  readonly readText: ReadText;
  /** Top-level `volumes`, by key, as the Engine names them. */
  readonly volumes: ReadonlyMap<string, DeclaredVolume>;
}

export type { EdgeLocation } from './implicit-dependencies.js';

export interface NormalizedService {
  readonly spec: ServiceSpec;
  /** Per `spec.ports` entry, the path of the `ports` item it came from. */
  readonly portPaths: readonly TreePath[];
  /** Per dependency name, where it is written. */
  readonly edges: Readonly<Record<string, EdgeLocation>>;
}

export interface Normalized {
  readonly service: NormalizedService;
  readonly problems: readonly Problem[];
  /** Problems inside env files (their own file, line and column). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Turns one validated service into a ServiceSpec: short syntax expanded, paths absolute. */
export function normalizeService(
  name: string,
  input: ServiceInput,
  ctx: NormalizeContext,
): Normalized {
  const base: TreePath = ['services', name];
  const problems: Problem[] = [];
  const diagnostics: Diagnostic[] = [];

  const fromFiles = readEnvFiles(input.env_file, [...base, 'env_file'], ctx, problems, diagnostics);
  // As compose-go: `environment` overrides the env files, and a key it leaves unset stays unset
  // (the docker runtime then removes it from the image's ENV too).
  const explicit = resolveEnvironment(input.environment, ctx.lookup);
  const environment = { ...fromFiles, ...explicit.values };
  for (const key of explicit.unset) delete environment[key];

  const { ports, portPaths } = collectPorts(input.ports, [...base, 'ports']);
  const volumes = collectVolumes(input.volumes, [...base, 'volumes'], ctx, problems);

  const { dependsOn, edges } = serviceDependencies(input, base);

  const spec: ServiceSpec = {
    name,
    image: imageOf(input, [...base, 'image'], problems),
    build: resolveBuild(input.build, ctx.projectDir, ctx.lookup),
    command: input.command ?? undefined,
    entrypoint: input.entrypoint ?? undefined,
    environment,
    unsetEnvironment: explicit.unset,
    user: input.user,
    ports,
    volumes,
    dependsOn,
    healthcheck: toHealthcheck(input.healthcheck, [...base, 'healthcheck'], problems),
    profiles: input.profiles ?? [],
    restart: input.restart.policy,
    ...(input.restart.maxRetries === undefined
      ? {}
      : { restartMaxRetries: input.restart.maxRetries }),
    stopGracePeriodMs: input.stop_grace_period,
    workingDir: input.working_dir ?? undefined,
    watch: (input.develop?.watch ?? []).map((rule): WatchRule => ({
      path: resolve(ctx.projectDir, rule.path),
      action: rule.action,
      target: rule.target,
      ignore: rule.ignore,
    })),
    devenv: resolveExtension(input['x-devenv'], ctx),
  };
  return { service: { spec, portPaths, edges }, problems, diagnostics };
}

/** `ports`, expanded; identical mappings once (Compose drops those, e.g. repeated by an override). */
function collectPorts(
  entries: ServiceInput['ports'],
  path: TreePath,
): { ports: PortMapping[]; portPaths: TreePath[] } {
  const ports: PortMapping[] = [];
  const portPaths: TreePath[] = [];
  const seen = new Set<string>();
  (entries ?? []).forEach((mappings, i) => {
    for (const mapping of mappings) {
      const identity = JSON.stringify(mapping);
      if (seen.has(identity)) continue;
      seen.add(identity);
      ports.push(mapping);
      portPaths.push([...path, i]);
    }
  });
  return { ports, portPaths };
}

function collectVolumes(
  entries: ServiceInput['volumes'],
  path: TreePath,
  ctx: NormalizeContext,
  problems: Problem[],
): VolumeMount[] {
  const volumes: VolumeMount[] = [];
  // One mount per container path, as compose-go makes them: a later entry replaces an earlier one
  // in its place.
  const byTarget = new Map<string, number>();
  (entries ?? []).forEach((entry, i) => {
    const mount = resolveVolume(entry, ctx.projectDir, ctx.volumes);
    const earlier = mount.ok ? byTarget.get(mount.value.target) : undefined;
    if (mount.ok && earlier !== undefined) volumes[earlier] = mount.value;
    else if (mount.ok) byTarget.set(mount.value.target, volumes.push(mount.value) - 1);
    else
      problems.push({
        path: [...path, i],
        message: mount.error,
        hint: 'declare it under volumes: at the top level of the file (or use a ./path for a bind mount)',
      });
  });
  return volumes;
}

/** `x-devenv` with paths absolute and environment resolved. */
function resolveExtension(
  extension: ServiceInput['x-devenv'],
  ctx: NormalizeContext,
): DevenvExtension {
  return {
    native: extension.native
      ? {
          command: extension.native.command,
          tool: extension.native.tool,
          requires: extension.native.requires,
          cwd: resolve(ctx.projectDir, extension.native.cwd ?? '.'),
          environment: resolveKeyed(extension.native.environment, ctx.lookup),
        }
      : undefined,
    probe: extension.probe,
    reloadGuard: extension.reload_guard
      ? {
          command: extension.reload_guard.command,
          paths: extension.reload_guard.paths.map((p) => resolve(ctx.projectDir, p)),
          cwd: resolve(ctx.projectDir, extension.reload_guard.cwd ?? extension.native?.cwd ?? '.'),
          serve: extension.reload_guard.serve,
        }
      : undefined,
    hotReload: extension.hot_reload
      ? {
          paths: extension.hot_reload.paths.map((p) => resolve(ctx.projectDir, p)),
          url: extension.hot_reload.url,
        }
      : undefined,
    group: extension.group,
    optional: extension.optional,
    url: extension.url,
  };
}

type Keyed = z.output<typeof keyedSchema>;

/**
 * `environment` in either form as a mapping. A key without a value (`KEY` in a list, `KEY:` in a
 * mapping) takes the variable's value from the environment; when that is unset too, the key is
 * listed in `unset` (Compose keeps it as "no value", which unsets it in the container).
 */
export function resolveEnvironment(
  keyed: Keyed | null | undefined,
  lookup: Lookup,
): { values: Record<string, string>; unset: string[] } {
  const values: Record<string, string> = {};
  const unset = new Set<string>();
  const put = (key: string, value: string | undefined) => {
    if (value === undefined) {
      unset.add(key);
      delete values[key];
    } else {
      unset.delete(key);
      setOwn(values, key, value);
    }
  };
  if (Array.isArray(keyed)) {
    for (const item of keyed) {
      const eq = item.indexOf('=');
      if (eq < 0) put(item, lookup(item));
      else put(item.slice(0, eq), item.slice(eq + 1));
    }
  } else if (keyed) {
    for (const [key, value] of Object.entries(keyed))
      put(key, value === null ? lookup(key) : String(value));
  }
  return { values, unset: [...unset] };
}

/** `environment` as the variables it sets; an unset `KEY` is left out (x-devenv.native's). */
export function resolveKeyed(
  keyed: Keyed | null | undefined,
  lookup: Lookup,
): Record<string, string> {
  return resolveEnvironment(keyed, lookup).values;
}

/**
 * `image:`; empty (typically `${TAG}` with TAG unset) is an error unless `build:` names the
 * image's source, as compose-go's consistency check has it.
 */
function imageOf(input: ServiceInput, path: TreePath, problems: Problem[]): string | undefined {
  if (input.image !== '') return input.image;
  if (input.build !== undefined) return undefined;
  problems.push({
    path,
    message: 'image is empty, and the service has no build: to make one',
    hint: 'write an image reference like postgres:16; if it comes from a variable, set the variable (or write ${VAR:?message} to say so)',
  });
  return input.image;
}

function readEnvFiles(
  envFile: ServiceInput['env_file'],
  path: TreePath,
  ctx: NormalizeContext,
  problems: Problem[],
  diagnostics: Diagnostic[],
): Record<string, string> {
  if (!envFile) return {};
  const entries = typeof envFile === 'string' ? [envFile] : envFile;
  const values: Record<string, string> = {};
  entries.forEach((entry, i) => {
    const {
      path: file,
      required,
      format,
    } = typeof entry === 'string' ? { path: entry, required: true, format: undefined } : entry;
    const at = typeof envFile === 'string' ? path : [...path, i];
    const absolute = resolve(ctx.projectDir, file);
    const text = ctx.readText(absolute);
    if (!text.ok) {
      if (text.error === 'missing' && !required) return;
      problems.push({
        path: at,
        message:
          text.error === 'missing'
            ? `env file ${file} does not exist (looked for ${absolute})`
            : `cannot read env file ${file}: ${text.error}`,
        hint: 'create the file, fix the path (relative to the project directory), or use {path, required: false}',
      });
      return;
    }
    const display = isAbsolute(file) ? file : posix.normalize(join(ctx.displayDir, file));
    const parse = format === 'raw' ? parseRawEnvFile : parseDotenv;
    const parsed = parse(text.value, display, ctx.lookup);
    if (parsed.ok)
      for (const [key, value] of Object.entries(parsed.value)) setOwn(values, key, value);
    else diagnostics.push(...parsed.error);
  });
  return values;
}

function resolveBuild(
  build: ServiceInput['build'],
  projectDir: string,
  lookup: Lookup,
): Readonly<Record<string, unknown>> | undefined {
  if (build === undefined) return undefined;
  const spec = typeof build === 'string' ? { context: build } : build;
  const context = spec.context ?? '.';
  // A git or http context is a URL that Docker fetches, not a directory.
  const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@');
  const resolved = { ...spec, context: remote ? context : resolve(projectDir, context) };
  // An empty dockerfile (`${DOCKERFILE}` unset) is the default one, as Compose builds it.
  if (resolved.dockerfile === '') delete resolved.dockerfile;
  // As compose-go: an arg without a value takes the variable's. One that is unset stays as null
  // (`devenv config` leaves it out, as compose-go does), so the build can still give it a value:
  // `devenv images` passes the base images it chose that way (docker-build.ts keyValues).
  const args = keyedSchema.safeParse(spec['args']);
  if (!args.success) return resolved;
  const { values, unset } = resolveEnvironment(args.data, lookup);
  const withUnset: Record<string, string | null> = { ...values };
  for (const key of unset) setOwn(withUnset, key, null);
  return { ...resolved, args: withUnset };
}
