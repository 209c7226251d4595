import { dirname, resolve } from 'node:path';
import type { Lookup } from './interpolate.js';
import {
  displayPath,
  isRemote,
  type FileLoader,
  type FileRef,
  type LoadedFile,
  type Scope,
} from './file-loader.js';
import { mergeAt, withoutPaths, type Tagged } from './merge.js';
import { rebaseServicePaths } from './rebase-paths.js';
import { closestName } from './suggest.js';
import { entry, withEntry } from './tagged.js';
import { isPlainObject, type TreePath } from './tree.js';

/** A document whose services may extend others: where its relative paths resolve, its tags. */
export interface ExtendingDocument {
  readonly file: FileRef;
  readonly document: Tagged;
  readonly scope: Scope;
  readonly resets: readonly TreePath[];
}

const EXTENDS_KEYS = ['service', 'file'];
// Far beyond any real chain; a guard for generated files, not a Compose rule.
const MAX_DEPTH = 64;

/**
 * Resolves every service's `extends` (same file or `{service, file}`), recursively, as Compose
 * does: the extended service is the base, the extending definition merges onto it with the `-f`
 * merge rules, and `!reset` / `!override` in the extending service clear what it inherits.
 * Problems go to the loader positioned where the `extends` was written; the service is then left
 * as it was written, without `extends`.
 */
export function applyExtends(input: ExtendingDocument, loader: FileLoader): Tagged {
  const services = entry(input.document, 'services');
  if (!services || !isPlainObject(services.value)) return input.document;
  const resolver = new ExtendsResolver(loader, input.scope.lookup);
  const own: ServiceFile = { key: input.file.absolute, services, ...input };
  let resolved = services;
  for (const name of Object.keys(services.value)) {
    // A chain with a problem is reported once: its service stays without `extends`, so that a
    // project including this one does not resolve it again from the wrong directory.
    const written = entry(services, name) as Tagged;
    const service = resolver.resolve(own, name, []) ?? withEntry(written, 'extends', undefined);
    if (service.value !== written.value) resolved = withEntry(resolved, name, service);
  }
  return withEntry(input.document, 'services', resolved);
}

interface ServiceFile extends ExtendingDocument {
  /** Identifies the file in cycle chains and the cache. */
  readonly key: string;
  readonly services: Tagged;
}

interface Link {
  readonly file: ServiceFile;
  readonly name: string;
}

class ExtendsResolver {
  private readonly done = new Map<string, Tagged | undefined>();
  private readonly files = new Map<string, ServiceFile | undefined>();

  constructor(
    private readonly loader: FileLoader,
    private readonly lookup: Lookup,
  ) {}

  /** The service with its extends chain applied; undefined when the chain has a problem. */
  resolve(file: ServiceFile, name: string, chain: readonly Link[]): Tagged | undefined {
    const id = `${file.key}\0${name}`;
    if (this.done.has(id)) return this.done.get(id);
    const service = entry(file.services, name) as Tagged;
    const extendsValue = entry(service, 'extends');
    if (!extendsValue) return service;
    const at: TreePath = ['extends'];
    const ref = this.reference(service, extendsValue);
    if (!ref) return this.fail(id);
    const baseFile = ref.file === undefined ? file : this.baseFile(file, service, ref.file);
    if (!baseFile) return this.fail(id);
    if (!entry(baseFile.services, ref.service)) {
      const where = ref.file === undefined ? '' : ` in ${ref.file}`;
      this.loader.report(
        service,
        [...at, ...(typeof extendsValue.value === 'string' ? [] : ['service'])],
        {
          message: `service "${name}" extends "${ref.service}", which is not defined${where}`,
          hint: `define services.${ref.service}${where}, or correct the name`,
        },
      );
      return this.fail(id);
    }
    const link = { file: baseFile, name: ref.service };
    const here = [...chain, { file, name }];
    const cycle = here.findIndex((l) => l.file.key === link.file.key && l.name === link.name);
    if (cycle >= 0 || here.length > MAX_DEPTH) {
      this.loader.report(service, at, {
        message:
          cycle >= 0
            ? `extends cycle: ${[...here.slice(cycle), link].map((l) => describe(l)).join(' → ')}`
            : `extends chain deeper than ${MAX_DEPTH} services`,
        hint: 'a service cannot extend itself, directly or through others',
        at: 'key',
      });
      return this.fail(id);
    }
    const base = this.resolve(baseFile, ref.service, here);
    if (!base) return this.fail(id);
    const merged = this.merge(file, name, service, base, baseFile);
    this.done.set(id, merged);
    return merged;
  }

  private merge(
    file: ServiceFile,
    name: string,
    service: Tagged,
    base: Tagged,
    baseFile: ServiceFile,
  ): Tagged {
    const rebased =
      baseFile.scope.workingDir === file.scope.workingDir
        ? base
        : { value: rebaseServicePaths(base.value, baseFile.scope.workingDir), origin: base.origin };
    const cleared = file.resets
      .filter((p) => p[0] === 'services' && p[1] === name && p.length > 2)
      .map((p) => p.slice(2));
    const own = withEntry(service, 'extends', undefined);
    return mergeAt(withoutPaths(rebased, cleared), own, ['services', name]);
  }

  private fail(id: string): undefined {
    this.done.set(id, undefined);
    return undefined;
  }

  private reference(
    service: Tagged,
    value: Tagged,
  ): { service: string; file?: string } | undefined {
    if (typeof value.value === 'string' && value.value !== '') return { service: value.value };
    if (isPlainObject(value.value)) {
      const unknown = Object.keys(value.value).find((key) => !EXTENDS_KEYS.includes(key));
      if (unknown !== undefined) {
        const close = closestName(unknown, EXTENDS_KEYS);
        this.loader.report(service, ['extends', unknown], {
          message: `unknown key "${unknown}" in extends`,
          hint: close ? `did you mean ${close}?` : 'extends has service and file',
          at: 'key',
        });
        return undefined;
      }
      const { service: name, file } = value.value;
      if (
        typeof name === 'string' &&
        name !== '' &&
        (file === undefined || typeof file === 'string')
      )
        return file === undefined ? { service: name } : { service: name, file };
      const bad = typeof name !== 'string' || name === '' ? 'service' : 'file';
      this.loader.report(service, ['extends', bad], {
        message:
          bad === 'service'
            ? 'extends.service is missing: name the service to extend'
            : 'extends.file must be a path',
        hint: 'write extends: {service: base, file: common.yaml}',
      });
      return undefined;
    }
    this.loader.report(service, ['extends'], {
      message: 'extends must name a service, or be {service, file}',
      hint: 'write extends: base, or extends: {service: base, file: common.yaml}',
    });
    return undefined;
  }

  /** The services of `extends.file`, loaded with that file's directory as its working dir. */
  private baseFile(from: ServiceFile, service: Tagged, path: string): ServiceFile | undefined {
    const at: TreePath = ['extends', 'file'];
    if (isRemote(path)) {
      this.loader.report(service, at, {
        message: `extends from a remote file (${path}) is not supported by devenv`,
        hint: 'copy the file into the project and extend it by its local path',
      });
      return undefined;
    }
    const absolute = resolve(from.scope.workingDir, path);
    if (this.files.has(absolute)) return this.files.get(absolute);
    const display = displayPath(from.scope.displayDir, path);
    const loaded = this.loader.load({ absolute, display }, this.lookup, service, at);
    const file = loaded ? this.serviceFile(loaded, service, at) : undefined;
    this.files.set(absolute, file);
    return file;
  }

  private serviceFile(loaded: LoadedFile, from: Tagged, at: TreePath): ServiceFile | undefined {
    const services = entry(loaded.document, 'services');
    if (!services || !isPlainObject(services.value)) {
      this.loader.report(from, at, {
        message: `${loaded.ref.display} has no services: mapping to extend`,
        hint: 'extend a file that defines services:',
      });
      return undefined;
    }
    const workingDir = dirname(loaded.ref.absolute);
    return {
      key: loaded.ref.absolute,
      file: loaded.ref,
      services,
      document: loaded.document,
      resets: loaded.resets,
      scope: {
        workingDir,
        displayDir: dirname(loaded.ref.display),
        lookup: this.lookup,
        includeChain: [],
      },
    };
  }
}

function describe(link: Link): string {
  return `${link.name} (${link.file.file.display})`;
}
