/**
 * Which images a containerd already holds, as the Docker Engine has them: an image is there when
 * the containerd's image of the same reference has the Engine's image id as its config digest
 * (the id of an image is the digest of its config, on both sides). Pure parts; the lookups are
 * given as functions.
 */

/**
 * A reference as containerd names what `docker save` gave it: `time-cop/dispatcher:dev` is
 * `docker.io/time-cop/dispatcher:dev`, `postgres:16` is `docker.io/library/postgres:16`, no tag
 * is `:latest`.
 */
export function normalizeImageRef(ref: string): string {
  const [first, ...rest] = ref.split('/');
  const hasDomain =
    rest.length > 0 &&
    first !== undefined &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasDomain ? ref : `docker.io/${rest.length === 0 ? 'library/' : ''}${ref}`;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) name = `${name}:latest`;
  return name;
}

/** `ctr images ls` (REF TYPE DIGEST SIZE PLATFORMS LABELS) as reference → target digest. */
export function parseCtrImageList(stdout: string): Map<string, string> {
  const targets = new Map<string, string>();
  for (const line of stdout.split('\n').slice(1)) {
    const [ref, , digest] = line.trim().split(/\s+/);
    if (ref !== undefined && digest?.startsWith('sha256:') === true) targets.set(ref, digest);
  }
  return targets;
}

/** What one content blob said: a manifest names its config, an index its manifests. */
export type ContentTarget =
  | { readonly kind: 'config'; readonly digest: string }
  | { readonly kind: 'manifests'; readonly digests: readonly string[] }
  | { readonly kind: 'unknown' };

interface Descriptor {
  readonly digest?: unknown;
  readonly platform?: { readonly os?: unknown; readonly architecture?: unknown };
}

/**
 * A manifest's config digest, or an index's manifests (those for `arch` on linux first, then any
 * without a platform: a `docker save` index may leave it out).
 */
export function contentTarget(json: string, arch: string): ContentTarget {
  let parsed: { config?: Descriptor; manifests?: Descriptor[] };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return { kind: 'unknown' };
  }
  if (typeof parsed.config?.digest === 'string')
    return { kind: 'config', digest: parsed.config.digest };
  if (!Array.isArray(parsed.manifests)) return { kind: 'unknown' };
  const matches = (d: Descriptor) => d.platform?.os === 'linux' && d.platform.architecture === arch;
  const ordered = [
    ...parsed.manifests.filter(matches),
    ...parsed.manifests.filter((d) => d.platform === undefined),
  ];
  const digests = ordered.flatMap((d) => (typeof d.digest === 'string' ? [d.digest] : []));
  return { kind: 'manifests', digests };
}

export interface ContainerdLookups {
  /** `ctr images ls` output; undefined when it could not be listed. */
  listImages(): Promise<string | undefined>;
  /** A content blob (`ctr content get`); undefined when it is not there. */
  readContent(digest: string): Promise<string | undefined>;
}

/** The config digest of the containerd image a reference names; undefined when it has none. */
export async function configDigestOf(
  target: string,
  lookups: ContainerdLookups,
  arch: string,
): Promise<string | undefined> {
  let pending = [target];
  // An index of indexes is possible; a few levels are all a saved image has.
  for (let depth = 0; depth < 4 && pending.length > 0; depth++) {
    const next: string[] = [];
    for (const digest of pending) {
      const text = await lookups.readContent(digest);
      if (text === undefined) continue;
      const found = contentTarget(text, arch);
      if (found.kind === 'config') return found.digest;
      if (found.kind === 'manifests') next.push(...found.digests);
    }
    pending = next;
  }
  return undefined;
}

/**
 * The images (as given) that the containerd does not hold as the Engine has them: all of them
 * when its images cannot be listed, so an import is never skipped on a guess.
 */
export async function imagesMissingFrom(
  images: readonly { readonly ref: string; readonly id: string }[],
  lookups: ContainerdLookups,
  arch: string,
): Promise<string[]> {
  const listing = await lookups.listImages();
  if (listing === undefined) return images.map((i) => i.ref);
  const targets = parseCtrImageList(listing);
  const missing: string[] = [];
  for (const { ref, id } of images) {
    const target = targets.get(normalizeImageRef(ref));
    const held = target === undefined ? undefined : await configDigestOf(target, lookups, arch);
    if (held !== id) missing.push(ref);
  }
  return missing;
}
