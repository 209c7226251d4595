import type { EngineState } from '../engine/service-state.js';
import { humanSize, repositoryTagOf } from './images-list-units.js';
import { humanDuration } from './ps-row.js';

/*
 * `devenv images [SERVICE…]`: the image of each container of the running stack, as
 * `docker compose images` prints it (compose cmd/compose/images.go, pkg/compose/images.go).
 */

/** What the Engine's image inspect says, of the fields Compose shows. */
export interface InspectedImage {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  readonly size: number;
  /** RFC 3339; empty when the image does not say. */
  readonly created: string;
  readonly os: string;
  readonly architecture: string;
  readonly variant: string;
  /** When it was last tagged here; the zero time (or empty) when never. */
  readonly lastTagTime: string;
}

/** One container as the Engine's container inspect describes it, with its image. */
export interface ContainerImage {
  /** Its name, without the Engine's leading slash. */
  readonly containerName: string;
  /** The id of the image it was created from (inspect's `Image`). */
  readonly imageId: string;
  /** The reference it was created with (inspect's `Config.Image`), e.g. `busybox:latest`. */
  readonly reference: string;
  /** Undefined when the Engine no longer has that image (`docker rmi -f` under a container). */
  readonly image: InspectedImage | undefined;
}

/** A row, with Compose's JSON field names in its order (`--format json`). */
export interface ImageRow {
  readonly ID: string;
  readonly ContainerName: string;
  readonly Repository: string;
  readonly Tag: string;
  readonly Platform: string;
  readonly Size: number;
  readonly Created?: string;
  readonly LastTagTime?: string;
}

/**
 * The row of a container. Its reference names the repository and tag only while it still
 * points at the container's image, as the Engine's container list does (after a rebuild moved
 * the tag, Compose shows `<none>`); the figures are the image's.
 */
export function imageRow(container: ContainerImage): ImageRow {
  const { image } = container;
  if (image === undefined)
    return {
      ID: container.imageId,
      ContainerName: container.containerName,
      Repository: '',
      Tag: '',
      Platform: 'unknown',
      Size: 0,
    };
  const named = repositoryTagOf(container.reference);
  const current =
    named.digest !== ''
      ? image.repoDigests.includes(`${named.repository}@${named.digest}`)
      : image.repoTags.includes(`${named.repository}:${named.tag}`);
  return {
    ID: image.id,
    ContainerName: container.containerName,
    Repository: current ? named.repository : '',
    Tag: current ? named.tag : '',
    Platform: platformOf(image),
    Size: image.size,
    ...(image.created !== '' ? { Created: image.created } : {}),
    ...(isZeroTime(image.lastTagTime) ? {} : { LastTagTime: image.lastTagTime }),
  };
}

/** containerd's platforms.Format: `linux/amd64`, `linux/arm/v7`, or `unknown` without an OS. */
function platformOf(image: InspectedImage): string {
  if (image.os === '') return 'unknown';
  return [image.os, image.architecture, image.variant].filter((part) => part !== '').join('/');
}

/** Go's zero time.Time, which Compose leaves out of its JSON (`omitzero`). */
function isZeroTime(time: string): boolean {
  return time === '' || /^0001-01-01T00:00:00(?:\.0+)?Z$/.test(time);
}

/** Compose orders the table by container name. */
export function byContainerName(rows: readonly ImageRow[]): ImageRow[] {
  return [...rows].sort((a, b) =>
    a.ContainerName < b.ContainerName ? -1 : a.ContainerName > b.ContainerName ? 1 : 0,
  );
}

const TITLES = ['CONTAINER', 'REPOSITORY', 'TAG', 'PLATFORM', 'IMAGE ID', 'SIZE', 'CREATED'];

/** The table: titles, then a line per row (only the titles when there is none). */
export function imagesTable(rows: readonly ImageRow[], now: number): string[] {
  const cells = rows.map((row) => [
    row.ContainerName,
    row.Repository || '<none>',
    row.Tag || '<none>',
    row.Platform,
    shortId(row.ID),
    humanSize(row.Size),
    row.Created !== undefined ? `${humanDuration(now - Date.parse(row.Created))} ago` : 'N/A',
  ]);
  return alignColumns([TITLES, ...cells]);
}

/**
 * Go's tabwriter as Compose sets it up (minwidth 20, padding 3, spaces): every column but the
 * last as wide as its widest cell plus 3, and at least 20.
 */
function alignColumns(lines: readonly (readonly string[])[]): string[] {
  const width = (text: string) => [...text].length;
  const columns = Math.max(0, ...lines.map((cells) => cells.length - 1));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(20, ...lines.map((cells) => width(cells[column] ?? '') + 3)),
  );
  return lines.map((cells) =>
    cells
      .map((cell, column) =>
        column < cells.length - 1 ? cell + ' '.repeat(widths[column]! - width(cell)) : cell,
      )
      .join(''),
  );
}

/** docker's stringid.TruncateID: without `sha256:`, 12 characters. */
function shortId(id: string): string {
  return id.slice(id.indexOf(':') + 1).slice(0, 12);
}

/**
 * `--format json`: one array on one line. With no container Compose prints `null` (a nil
 * slice); `[]` here, which a script reads as the empty list it is.
 */
export function imagesJson(rows: readonly ImageRow[]): string {
  return JSON.stringify(rows);
}

/** `-q`: each image id once, without `sha256:`, in the table's order. */
export function quietImageIds(rows: readonly ImageRow[]): string[] {
  return [...new Set(rows.map((row) => row.ID.slice(row.ID.indexOf(':') + 1)))];
}

/** The instances of the running stack whose images are listed, and those that run natively. */
export interface ListedInstances {
  readonly containers: readonly { readonly name: string; readonly containerId: string }[];
  readonly native: readonly string[];
}

/**
 * Which instances the listing covers: all, or those of the services named (a service names all
 * its replicas, `worker-2` one of them). A container service without a container yet (waiting
 * for a dependency) has no image to list; a native one has none at all.
 */
export function instancesToList(
  state: EngineState,
  serviceOf: (instance: string) => string,
  services: readonly string[],
): ListedInstances {
  const containers: { name: string; containerId: string }[] = [];
  const native: string[] = [];
  for (const name of state.order) {
    const s = state.services[name];
    if (s === undefined) continue;
    if (services.length > 0 && !services.includes(name) && !services.includes(serviceOf(name)))
      continue;
    if (s.runtime === 'native') native.push(name);
    else if (s.runtime === 'docker' && s.containerId !== undefined)
      containers.push({ name, containerId: s.containerId });
  }
  return { containers, native };
}

/** The line under the table naming what runs without an image, or none. */
export function nativeNote(native: readonly string[]): string[] {
  return native.length === 0 ? [] : [`run natively, without an image: ${native.join(', ')}`];
}

/** The line under an empty table when no devenv runs the stack. */
export const NOTHING_RUNS =
  'nothing runs: no devenv runs this stack (start it with `npm run dev` or `devenv up`)';
