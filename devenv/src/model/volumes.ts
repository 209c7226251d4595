import { homedir } from 'node:os';
import { isAbsolute, posix, resolve } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';

interface BindMount {
  readonly type: 'bind';
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

interface TmpfsMount {
  readonly type: 'tmpfs';
  readonly target: string;
}

/** `type: image`: an image's filesystem (or `subpath` of it), read-only; the image must be here. */
interface ImageMount {
  readonly type: 'image';
  readonly source: string;
  readonly target: string;
  readonly subpath: string | undefined;
}

/** A service's `volumes` entry, as the docker runtime mounts it (native processes ignore them). */
export type VolumeMount =
  | BindMount
  /** `name` is the Engine's name (`<project>_<key>`, or the declared `name:`). */
  | {
      readonly type: 'volume';
      readonly name: string;
      /** Declared `external: true`: devenv must find it, never create it. */
      readonly external: boolean;
      readonly target: string;
      readonly readOnly: boolean;
    }
  /** A volume with no name: new for every container, gone with it. */
  | { readonly type: 'anonymous'; readonly target: string; readonly readOnly: boolean }
  | TmpfsMount
  | ImageMount;

/** A `volumes` entry before paths are resolved: the short or long syntax, checked. */
export type VolumeEntry =
  | BindMount
  /** `name` is the file's key under top-level `volumes`; none: an anonymous volume. */
  | {
      readonly type: 'volume';
      readonly name: string | undefined;
      readonly target: string;
      readonly readOnly: boolean;
    }
  | TmpfsMount
  | ImageMount;

const ACCESS_MODES = new Set(['rw', 'ro', 'z', 'Z', 'cached', 'delegated', 'consistent', 'nocopy']);

/** Compose's rule: a source that starts like a path is a bind mount, anything else a volume name. */
function looksLikePath(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
}

/**
 * Compose's short syntax, `[SOURCE:]TARGET[:MODE]`: `./data:/data`, `db:/var/lib/db:ro`,
 * `/cache` (an anonymous volume). MODE is a comma-separated list (`ro`, `rw`, SELinux `z`/`Z`, …).
 */
export function parseShortVolume(text: string): Result<VolumeEntry, string> {
  const parts = text.split(':');
  if (parts.length > 3 || parts.some((p) => p === ''))
    return err(`"${text}": expected [SOURCE:]TARGET[:MODE]`);
  let source: string | undefined;
  let target: string;
  let mode = '';
  // Two parts are SOURCE:TARGET, as to Compose: `/cache:ro` mounts /cache at `ro`, which is
  // refused below, not an anonymous read-only volume.
  if (parts.length === 1) target = parts[0]!;
  else if (parts.length === 2) [source, target] = [parts[0], parts[1]!];
  else [source, target, mode] = [parts[0], parts[1]!, parts[2]!];
  const modes = mode === '' ? [] : mode.split(',');
  const unknown = modes.find((m) => !ACCESS_MODES.has(m));
  if (unknown !== undefined)
    return err(`"${text}": unknown mode "${unknown}" (expected ro, rw, z, Z)`);
  if (!target.startsWith('/'))
    return err(
      `"${text}": the container path ${target} must be absolute` +
        (source === undefined ? '' : ' (SOURCE:TARGET[:MODE], or only /TARGET for a new volume)'),
    );
  target = cleanTarget(target);
  const readOnly = modes.includes('ro');
  if (source === undefined) return ok({ type: 'volume', name: undefined, target, readOnly });
  return ok(
    looksLikePath(source)
      ? { type: 'bind', source, target, readOnly }
      : { type: 'volume', name: source, target, readOnly },
  );
}

/** The long syntax: `{type, source, target, read_only, image: {subpath}}`. */
export function parseLongVolume(entry: {
  readonly type?: string | undefined;
  readonly source?: string | undefined;
  readonly target?: string | undefined;
  readonly read_only?: boolean | undefined;
  readonly image?: { readonly subpath?: string | undefined } | undefined;
}): Result<VolumeEntry, string> {
  const { type = 'volume', source, read_only: readOnly = false } = entry;
  if (entry.target === undefined || !entry.target.startsWith('/'))
    return err(`target must be an absolute container path, not ${JSON.stringify(entry.target)}`);
  const target = cleanTarget(entry.target);
  switch (type) {
    case 'bind':
      if (!source) return err('a bind mount needs a source (a host path)');
      return ok({ type: 'bind', source, target, readOnly });
    case 'volume':
      return ok({ type: 'volume', name: source || undefined, target, readOnly });
    case 'tmpfs':
      return ok({ type: 'tmpfs', target });
    case 'image':
      if (!source) return err('an image mount needs a source (an image reference)');
      return ok({ type: 'image', source, target, subpath: entry.image?.subpath || undefined });
    default:
      return err(
        `type ${JSON.stringify(type)} is not supported by devenv (bind, volume, tmpfs or image)`,
      );
  }
}

/**
 * A container path as Compose keeps it (Go's path.Clean): `/data/` and `/srv/./data` are `/data`
 * and `/srv/data`, so two spellings of one path are one mount target.
 */
export function cleanTarget(target: string): string {
  const normalized = posix.normalize(target);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** A top-level `volumes` key as the Engine knows it. */
export interface DeclaredVolume {
  readonly name: string;
  readonly external: boolean;
}

/** Top-level `volumes`: `<project>_<key>` unless `name:` says otherwise, as Compose names them. */
export function declaredVolumes(
  projectName: string,
  top:
    | Readonly<
        Record<
          string,
          { readonly name?: string | undefined; readonly external?: boolean | undefined } | null
        >
      >
    | undefined,
): Map<string, DeclaredVolume> {
  const out = new Map<string, DeclaredVolume>();
  for (const [key, options] of Object.entries(top ?? {})) {
    const external = options?.external === true;
    out.set(key, {
      name: options?.name ?? (external ? key : `${projectName}_${key}`),
      external,
    });
  }
  return out;
}

/**
 * A checked entry as the runtime mounts it: bind sources absolute (relative to the project
 * directory, `~` at home), named volumes declared under top-level `volumes` as Compose requires.
 */
export function resolveVolume(
  entry: VolumeEntry,
  projectDir: string,
  declared: ReadonlyMap<string, DeclaredVolume>,
): Result<VolumeMount, string> {
  switch (entry.type) {
    case 'bind': {
      const source = entry.source.startsWith('~')
        ? resolve(homedir(), `.${entry.source.slice(1)}`)
        : isAbsolute(entry.source)
          ? entry.source
          : resolve(projectDir, entry.source);
      return ok({ ...entry, source });
    }
    case 'volume': {
      if (entry.name === undefined)
        return ok({ type: 'anonymous', target: entry.target, readOnly: entry.readOnly });
      const volume = declared.get(entry.name);
      if (volume === undefined)
        return err(`volume "${entry.name}" is not declared under the top-level volumes`);
      return ok({ type: 'volume', ...volume, target: entry.target, readOnly: entry.readOnly });
    }
    case 'tmpfs':
    case 'image':
      return ok(entry);
  }
}
