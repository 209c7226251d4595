import { isAbsolute, resolve } from 'node:path';
import { isRemote } from './file-loader.js';
import { isPlainObject, setOwn } from './tree.js';

/**
 * A service definition from a file in another directory (an extended or included file) with its
 * relative paths made absolute against `dir`, the directory they were written relative to: the
 * build context, env files, bind-mount sources, watch paths and devenv's own paths. Without this
 * they would resolve against the project directory of the file that uses the service.
 */
export function rebaseServicePaths(service: unknown, dir: string): unknown {
  if (!isPlainObject(service)) return service;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(service))
    setOwn(out, key, key in REBASE ? (REBASE[key] as Rebase)(value, dir) : value);
  return out;
}

type Rebase = (value: unknown, dir: string) => unknown;

const REBASE: Readonly<Record<string, Rebase>> = {
  build: (value, dir) => {
    if (typeof value === 'string') return context(value, dir);
    if (!isPlainObject(value)) return value;
    return {
      ...value,
      context: context(typeof value['context'] === 'string' ? value['context'] : '.', dir),
    };
  },
  env_file: (value, dir) =>
    typeof value === 'string' ? path(value, dir) : mapItems(value, (item) => fileEntry(item, dir)),
  label_file: (value, dir) =>
    typeof value === 'string' ? path(value, dir) : mapItems(value, (item) => path(item, dir)),
  volumes: (value, dir) => mapItems(value, (item) => volume(item, dir)),
  develop: (value, dir) =>
    isPlainObject(value) && Array.isArray(value['watch'])
      ? { ...value, watch: value['watch'].map((rule) => withPath(rule, 'path', dir)) }
      : value,
  'x-devenv': (value, dir) => {
    if (!isPlainObject(value)) return value;
    const out = { ...value };
    if (isPlainObject(value['native']))
      out['native'] = { ...value['native'], cwd: path(value['native']['cwd'] ?? '.', dir) };
    for (const key of ['reload_guard', 'hot_reload']) {
      const section = value[key];
      if (!isPlainObject(section)) continue;
      const rebased: Record<string, unknown> = { ...section };
      if (Array.isArray(section['paths']))
        rebased['paths'] = section['paths'].map((p) => path(p, dir));
      if (section['cwd'] !== undefined) rebased['cwd'] = path(section['cwd'], dir);
      out[key] = rebased;
    }
    return out;
  },
};

function mapItems(value: unknown, each: (item: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map(each) : value;
}

function path(value: unknown, dir: string): unknown {
  if (typeof value !== 'string' || value === '' || isAbsolute(value) || value.startsWith('~'))
    return value;
  return resolve(dir, value);
}

function context(value: string, dir: string): string {
  return isRemote(value) ? value : (path(value, dir) as string);
}

function withPath(item: unknown, key: string, dir: string): unknown {
  return isPlainObject(item) && key in item ? { ...item, [key]: path(item[key], dir) } : item;
}

function fileEntry(item: unknown, dir: string): unknown {
  return typeof item === 'string' ? path(item, dir) : withPath(item, 'path', dir);
}

/** A bind mount's relative source: `./data:/data` short form, or `{type: bind, source}`. */
function volume(item: unknown, dir: string): unknown {
  if (typeof item === 'string') {
    const colon = item.indexOf(':');
    if (colon < 0 || !item.startsWith('.')) return item;
    return `${resolve(dir, item.slice(0, colon))}${item.slice(colon)}`;
  }
  if (isPlainObject(item) && item['type'] === 'bind') return withPath(item, 'source', dir);
  return item;
}
