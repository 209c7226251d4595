import { err, ok, type Result } from '../../shared/result.js';

/**
 * One `volumes_from` entry: another service's container (of the same session) or a container
 * by name, whose volumes this container mounts too; `mode` absent: as they are mounted there.
 */
export type VolumesFrom =
  | { readonly kind: 'service'; readonly service: string; readonly mode?: VolumesFromMode }
  | { readonly kind: 'container'; readonly container: string; readonly mode?: VolumesFromMode };

export type VolumesFromMode = 'ro' | 'rw';

export const VOLUMES_FROM_HINT = 'write service[:ro|rw] or container:name[:ro|rw]';

const CONTAINER_PREFIX = 'container:';

/**
 * `volumes_from` as written (`db`, `db:ro`, `container:cache`, `container:cache:rw`); the first
 * entry the Engine would refuse (a mode other than ro or rw, an empty name) is the error, with
 * its index.
 */
export function parseVolumesFrom(
  entries: readonly string[],
): Result<VolumesFrom[], { readonly index: number; readonly message: string }> {
  const out: VolumesFrom[] = [];
  for (const [index, entry] of entries.entries()) {
    const isContainer = entry.startsWith(CONTAINER_PREFIX);
    const rest = isContainer ? entry.slice(CONTAINER_PREFIX.length) : entry;
    const [name = '', mode, ...extra] = rest.split(':');
    const bad = (message: string) => err({ index, message: `"${entry}": ${message}` });
    if (name === '') return bad(`no ${isContainer ? 'container' : 'service'} name`);
    const known = mode === 'ro' || mode === 'rw' ? mode : undefined;
    if (extra.length > 0 || (mode !== undefined && known === undefined))
      return bad(`"${rest.slice(name.length + 1)}" is not a volumes_from mode (ro or rw)`);
    const withMode: { mode?: VolumesFromMode } = known === undefined ? {} : { mode: known };
    out.push(
      isContainer
        ? { kind: 'container', container: name, ...withMode }
        : { kind: 'service', service: name, ...withMode },
    );
  }
  return ok(out);
}
