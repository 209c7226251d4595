import { dirname, resolve } from 'node:path';
import { parseDotenv } from './dotenv.js';
import {
  displayPath,
  isRemote,
  type FileLoader,
  type FileRef,
  type LoadedFile,
  type Scope,
} from './file-loader.js';
import type { Lookup } from './interpolate.js';
import { mergeAt, withoutPaths, type Tagged } from './merge.js';
import { sameData } from './merge-rules.js';
import { rebaseServicePaths } from './rebase-paths.js';
import { closestName } from './suggest.js';
import { entry, withEntry } from './tagged.js';
import { isPlainObject, setOwn, type TreePath } from './tree.js';

/** A document that may `include` other projects, with where its relative paths resolve. */
export interface IncludingDocument {
  readonly file: FileRef;
  readonly document: Tagged;
  readonly scope: Scope;
  readonly resets: readonly TreePath[];
}

/** Loads an (included) project's files as one document: their includes, extends and merge. */
export type AssembleProject = (files: readonly LoadedFile[], scope: Scope) => Tagged;

const INCLUDE_KEYS = ['path', 'project_directory', 'env_file'];
const RESOURCES = ['services', 'volumes', 'networks', 'secrets', 'configs', 'models'];

/**
 * Applies the top-level `include` as Compose does: each entry is a project of its own (its
 * project directory, its env files for interpolation), loaded and merged into this document.
 * A resource defined in both is merged with this document's definition over the included one.
 * Remote sources and include cycles are positioned errors; `include` itself is removed.
 */
export function applyIncludes(
  input: IncludingDocument,
  loader: FileLoader,
  assemble: AssembleProject,
): Tagged {
  const include = entry(input.document, 'include');
  let document = withEntry(input.document, 'include', undefined);
  if (!include || include.value === null) return document;
  if (!Array.isArray(include.value)) {
    loader.report(include, [], {
      message: 'include must be a list of paths or of {path, project_directory, env_file}',
      hint: 'write include: [other/compose.yaml]',
    });
    return document;
  }
  for (let i = 0; i < include.value.length; i++) {
    const item = entry(include, i) as Tagged;
    const spec = readSpec(item, loader);
    const imported = spec && loadIncluded(spec, item, input, loader, assemble);
    if (imported) document = importResources(imported, document, input.resets);
  }
  return document;
}

interface IncludeSpec {
  readonly paths: readonly Tagged[];
  readonly projectDirectory?: Tagged;
  readonly envFiles?: readonly Tagged[];
}

function readSpec(item: Tagged, loader: FileLoader): IncludeSpec | undefined {
  if (typeof item.value === 'string') return { paths: [item] };
  const problem = (path: TreePath, message: string, hint?: string) => {
    loader.report(item, path, {
      message,
      hint: hint ?? 'write {path: dir/compose.yaml, env_file: .env}',
      ...(path.length === 1 && message.startsWith('unknown') ? { at: 'key' as const } : {}),
    });
    return undefined;
  };
  if (!isPlainObject(item.value))
    return problem([], 'an include entry is a path or {path, project_directory, env_file}');
  for (const key of Object.keys(item.value)) {
    if (INCLUDE_KEYS.includes(key)) continue;
    const close = closestName(key, INCLUDE_KEYS);
    return problem(
      [key],
      `unknown key "${key}" in include`,
      close ? `did you mean ${close}?` : `expected one of: ${INCLUDE_KEYS.join(', ')}`,
    );
  }
  const path = entry(item, 'path');
  if (!path) return problem([], 'include entry has no path');
  const paths = strings(path);
  if (!paths) return problem(['path'], 'include path must be a path or a list of paths');
  const projectDirectory = entry(item, 'project_directory');
  if (projectDirectory && typeof projectDirectory.value !== 'string')
    return problem(['project_directory'], 'include project_directory must be a path');
  const envFile = entry(item, 'env_file');
  const envFiles = envFile && strings(envFile);
  if (envFile && !envFiles)
    return problem(['env_file'], 'include env_file must be a path or a list of paths');
  return {
    paths,
    ...(projectDirectory ? { projectDirectory } : {}),
    ...(envFiles ? { envFiles } : {}),
  };
}

/** A string, or a non-empty list of strings, as tagged strings. */
function strings(tagged: Tagged): Tagged[] | undefined {
  if (typeof tagged.value === 'string') return [tagged];
  if (!Array.isArray(tagged.value) || tagged.value.length === 0) return undefined;
  const items = tagged.value.map((_, i) => entry(tagged, i) as Tagged);
  return items.every((t) => typeof t.value === 'string') ? items : undefined;
}

function loadIncluded(
  spec: IncludeSpec,
  item: Tagged,
  input: IncludingDocument,
  loader: FileLoader,
  assemble: AssembleProject,
): Tagged | undefined {
  const { scope } = input;
  const remote = spec.paths.find((p) => isRemote(p.value as string));
  if (remote) {
    loader.report(remote, [], {
      message: `include of a remote project (${String(remote.value)}) is not supported by devenv`,
      hint: 'clone or copy the project next to this one and include it by its local path',
    });
    return undefined;
  }
  const refs = spec.paths.map((p) => fileRef(scope, p.value as string));
  const [main] = refs as [FileRef];
  const chain = [...scope.includeChain, input.file];
  const cycle = chain.findIndex((f) => f.absolute === main.absolute);
  if (cycle >= 0) {
    loader.report(spec.paths[0] as Tagged, [], {
      message: `include cycle: ${[...chain.slice(cycle), main].map((f) => f.display).join(' → ')}`,
      hint: 'a project cannot include itself, directly or through others',
    });
    return undefined;
  }
  const dir = spec.projectDirectory?.value as string | undefined;
  const projectDir = dir === undefined ? dirname(main.absolute) : resolve(scope.workingDir, dir);
  const displayDir = dir === undefined ? dirname(main.display) : displayPath(scope.displayDir, dir);
  const lookup = includeLookup(spec, projectDir, displayDir, scope, loader);
  if (!lookup) return undefined;
  const files = refs.map((ref, i) => loader.load(ref, lookup, spec.paths[i] as Tagged, []));
  if (files.some((f) => f === undefined)) return undefined;
  const childScope: Scope = { workingDir: projectDir, displayDir, lookup, includeChain: chain };
  return importedServices(assemble(files as LoadedFile[], childScope), projectDir, lookup);
}

function fileRef(scope: Scope, path: string): FileRef {
  return {
    absolute: resolve(scope.workingDir, path),
    display: displayPath(scope.displayDir, path),
  };
}

/**
 * The included project's variables: the including project's first, then its env files (by
 * default `.env` in its project directory, when there is one), later files over earlier ones.
 */
function includeLookup(
  spec: IncludeSpec,
  projectDir: string,
  displayDir: string,
  scope: Scope,
  loader: FileLoader,
): Lookup | undefined {
  const values: Record<string, string> = {};
  const lookup: Lookup = (name) =>
    scope.lookup(name) ?? (Object.hasOwn(values, name) ? values[name] : undefined);
  const files = spec.envFiles
    ? spec.envFiles
        .filter((f) => f.value !== '/dev/null')
        .map((f) => ({ ...fileRef(scope, f.value as string), at: f as Tagged | undefined }))
    : [{ absolute: resolve(projectDir, '.env'), display: displayPath(displayDir, '.env') }];
  for (const file of files) {
    const text = loader.readText(file.absolute);
    if (!text.ok) {
      if ('at' in file && file.at)
        loader.report(file.at, [], {
          message: `env file ${file.display} ${text.error === 'missing' ? 'does not exist' : `cannot be read: ${text.error}`}`,
          hint: 'check the path: it is relative to the directory of the including file',
        });
      else if (text.error === 'missing') continue;
      return undefined;
    }
    const parsed = parseDotenv(text.value, file.display, lookup);
    if (!parsed.ok) {
      loader.diagnostics.push(...parsed.error);
      return undefined;
    }
    for (const [key, value] of Object.entries(parsed.value)) setOwn(values, key, value);
  }
  return lookup;
}

/**
 * The included services with their relative paths made absolute against the included project's
 * directory, and bare `environment` names given their values from its variables.
 */
function importedServices(document: Tagged, projectDir: string, lookup: Lookup): Tagged {
  const services = entry(document, 'services');
  if (!services || !isPlainObject(services.value)) return document;
  let rebased = services;
  for (const name of Object.keys(services.value)) {
    const service = entry(services, name) as Tagged;
    const value = withEnvironment(rebaseServicePaths(service.value, projectDir), lookup);
    rebased = withEntry(rebased, name, { value, origin: service.origin });
  }
  return withEntry(document, 'services', rebased);
}

function withEnvironment(service: unknown, lookup: Lookup): unknown {
  if (!isPlainObject(service)) return service;
  const environment = service['environment'];
  let resolved = environment;
  if (Array.isArray(environment))
    resolved = environment.map((item: unknown) => {
      if (typeof item !== 'string' || item.includes('=')) return item;
      const value = lookup(item);
      return value === undefined ? item : `${item}=${value}`;
    });
  else if (isPlainObject(environment)) {
    resolved = {};
    for (const [key, value] of Object.entries(environment))
      setOwn(resolved as Record<string, unknown>, key, value ?? lookup(key) ?? null);
  }
  return resolved === environment ? service : { ...service, environment: resolved };
}

/** Adds the imported resources; one defined on both sides merges this side over the other. */
function importResources(imported: Tagged, document: Tagged, resets: readonly TreePath[]): Tagged {
  let result = document;
  for (const kind of RESOURCES) {
    const from = entry(imported, kind);
    if (!from || !isPlainObject(from.value)) continue;
    let to = entry(result, kind);
    if (!to || !isPlainObject(to.value)) to = { value: {}, origin: from.origin };
    for (const name of Object.keys(from.value)) {
      const theirs = entry(from, name) as Tagged;
      const ours = entry(to, name);
      if (ours && sameData(ours.value, theirs.value)) continue;
      const cleared = resets
        .filter((p) => p[0] === kind && p[1] === name && p.length > 2)
        .map((p) => p.slice(2));
      const merged = ours ? mergeAt(withoutPaths(theirs, cleared), ours, [kind, name]) : theirs;
      to = withEntry(to, name, merged);
    }
    result = withEntry(result, kind, to);
  }
  return result;
}
