import { err, ok, type Result } from '../../shared/result.js';
import type { ToolId } from '../versions/tool-ids.js';
import { satisfies, type VersionSpec } from '../versions/version-spec.js';
import type { ToolDefinition } from './catalog.js';

/** Where a copy of a tool was found, in the order they are tried. */
export type ToolSource = 'path' | 'system' | 'cache';

export interface Candidate {
  readonly path: string;
  readonly source: ToolSource;
  /** undefined: the tool would not say its version, so devenv will not run it. */
  readonly version: string | undefined;
}

export interface ResolvedTool {
  readonly id: ToolId;
  readonly path: string;
  readonly version: string;
  readonly source: ToolSource;
}

export type ToolFailure =
  /** No copy anywhere devenv looks. */
  | {
      readonly reason: 'tool-not-found';
      readonly tool: ToolId;
      readonly wanted: string;
      readonly remediation: string;
    }
  /** Copies exist, but none at the version versions.yaml asks for (or none that could say its version). */
  | {
      readonly reason: 'tool-version-mismatch';
      readonly tool: ToolId;
      readonly wanted: string;
      readonly found: readonly Candidate[];
      readonly remediation: string;
    }
  /** An install route was tried and did not produce a working tool. */
  | {
      readonly reason: 'tool-install-failed';
      readonly tool: ToolId;
      readonly wanted: string;
      readonly detail: string;
      readonly remediation: string;
    };

/** The effects resolution needs; the real one searches PATH and the cache and runs version commands. */
export interface ToolLocator {
  /** Every match on PATH, in PATH order. */
  onPath(executable: string): Promise<string[]>;
  /** Matches in directories outside PATH where distributions install (e.g. /usr/lib/postgresql/15/bin). */
  inDirs(dirs: readonly string[], executable: string): Promise<string[]>;
  /** Copies devenv installed into the project cache, with the version recorded by their location. */
  inCache(tool: ToolId, executable: string): Promise<{ path: string; version: string }[]>;
  /** Runs the tool's version command; undefined when it fails or prints nothing recognisable. */
  readVersion(path: string, args: readonly string[]): Promise<string | undefined>;
  /** Finds `marker` in the file's bytes; its first group is the version. */
  readVersionMarker(path: string, marker: RegExp): Promise<string | undefined>;
}

/**
 * PATH first, then distribution directories, then the project cache; the first copy whose version
 * satisfies versions.yaml wins. A copy at the wrong version is never used silently.
 */
export async function findTool(
  def: ToolDefinition,
  wanted: VersionSpec,
  locator: ToolLocator,
): Promise<Result<ResolvedTool, ToolFailure>> {
  const readVersion = (path: string) =>
    def.versionArgs
      ? locator.readVersion(path, def.versionArgs)
      : def.versionMarker
        ? locator.readVersionMarker(path, def.versionMarker)
        : Promise.resolve(undefined);
  const [onPath, system, cached] = await Promise.all([
    locator.onPath(def.executable),
    def.extraDirs ? locator.inDirs(def.extraDirs, def.executable) : Promise.resolve([]),
    locator.inCache(def.id, def.executable),
  ]);
  const uncachedPaths = unique([...onPath, ...system]).filter(
    (p) => !cached.some((c) => c.path === p),
  );
  const probed: Candidate[] = await Promise.all(
    uncachedPaths.map(async (path) => ({
      path,
      source: onPath.includes(path) ? ('path' as const) : ('system' as const),
      version: await readVersion(path),
    })),
  );
  const candidates: Candidate[] = [
    ...probed,
    ...cached.map((c) => ({ ...c, source: 'cache' as const })),
  ];
  const winner = candidates.find((c) => c.version !== undefined && satisfies(c.version, wanted));
  if (winner?.version !== undefined) {
    return ok({ id: def.id, path: winner.path, version: winner.version, source: winner.source });
  }
  if (candidates.length === 0) {
    return err({
      reason: 'tool-not-found',
      tool: def.id,
      wanted: wanted.text,
      remediation: def.manual,
    });
  }
  return err({
    reason: 'tool-version-mismatch',
    tool: def.id,
    wanted: wanted.text,
    found: candidates,
    remediation: def.routes.some((r) => r.kind !== 'apt')
      ? `run \`npx devenv doctor --fix\` to install ${def.id} ${wanted.text} into .devenv/tools/, or change versions.yaml`
      : `install ${def.id} ${wanted.text}, or change versions.yaml if ${describeFound(candidates)} is what you want`,
  });
}

/** `1.4.0 at /usr/bin/temporal, unknown version at /opt/temporal` */
export function describeFound(found: readonly Candidate[]): string {
  return found.map((c) => `${c.version ?? 'unknown version'} at ${c.path}`).join(', ');
}

/** One line for people, after the tool's name: what is wrong. */
export function describeToolFailure(failure: ToolFailure): string {
  switch (failure.reason) {
    case 'tool-not-found':
      return `${failure.wanted} not found (PATH, project cache)`;
    case 'tool-version-mismatch':
      return `versions.yaml wants ${failure.wanted}, found ${describeFound(failure.found)}`;
    case 'tool-install-failed':
      return `${failure.wanted} could not be installed: ${failure.detail}`;
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
