import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseYamlSource, type YamlSource } from '../config/yaml-source.js';
import type { Diagnostic } from '../diagnostic.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { TOOL_IDS, type ToolId } from './tool-ids.js';
import { parseVersionSpec, type VersionSpec } from './version-spec.js';

/** versions.yaml, checked: the single source of truth for every external version. */
export interface Versions {
  readonly node: VersionSpec;
  readonly tools: Readonly<Record<ToolId, VersionSpec>>;
  /** Exact package pins for libraries that are not npm dependencies of the root (e.g. Python's). */
  readonly libraries: Readonly<Record<string, string>>;
  /** Container images, `name:tag`, used by the docker runtime and the Helm chart. */
  readonly images: Readonly<Record<string, string>>;
  /** The file `lock:` names (versions.lock.yaml): each installed artifact's hash. */
  readonly lock?: string;
  /** Where that file is, when the versions came from a file (loadVersions). */
  readonly lockFile?: string;
}

// YAML reads an unquoted `15` as a number; a series like that is still a version.
const versionText = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
const imageRef = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._/-]*(:\d+)?[a-z0-9._/-]*:[\w][\w.-]{0,127}$/,
    'expected an image reference name:tag',
  )
  .refine((ref) => !ref.endsWith(':latest'), 'pin a real tag, not latest');

const schema = z.strictObject({
  node: versionText,
  tools: z.strictObject(
    Object.fromEntries(TOOL_IDS.map((id) => [id, versionText])) as Record<
      ToolId,
      typeof versionText
    >,
  ),
  libraries: z.record(z.string(), versionText),
  images: z.record(z.string(), imageRef),
  lock: z
    .string()
    .regex(/^[\w.-]+$/, 'expected a file name beside versions.yaml')
    .optional(),
});

export const VERSIONS_FILE = 'versions.yaml';

/** Parses and validates the file's text; every problem is positioned, nothing throws. */
export function parseVersions(text: string, file = VERSIONS_FILE): Result<Versions, Diagnostic[]> {
  const parsed = parseYamlSource(text, file);
  if (!parsed.ok) return parsed;
  const source = parsed.value;
  const checked = schema.safeParse(source.data);
  if (!checked.success)
    return err(checked.error.issues.map((issue) => toDiagnostic(source, issue)));

  const diagnostics: Diagnostic[] = [];
  const spec = (path: PropertyKey[], raw: string): VersionSpec => {
    const result = parseVersionSpec(raw);
    if (result.ok) return result.value;
    diagnostics.push({ file, ...source.positionOf(path), message: result.error });
    return { kind: 'series', text: raw, parts: [] };
  };
  const data = checked.data;
  const versions: Versions = {
    node: spec(['node'], data.node),
    tools: Object.fromEntries(
      TOOL_IDS.map((id) => [id, spec(['tools', id], data.tools[id])]),
    ) as Record<ToolId, VersionSpec>,
    libraries: data.libraries,
    images: data.images,
    ...(data.lock === undefined ? {} : { lock: data.lock }),
  };
  return diagnostics.length > 0 ? err(diagnostics) : ok(versions);
}

export async function loadVersions(
  path: string,
  displayName = VERSIONS_FILE,
): Promise<Result<Versions, Diagnostic[]>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (thrown) {
    return err([
      {
        file: displayName,
        line: 0,
        col: 0,
        message: `cannot read it: ${messageOf(thrown)}`,
        hint: 'restore it from git (git checkout -- versions.yaml)',
      },
    ]);
  }
  const parsed = parseVersions(text, displayName);
  if (!parsed.ok || parsed.value.lock === undefined) return parsed;
  return ok({ ...parsed.value, lockFile: resolve(dirname(path), parsed.value.lock) });
}

function toDiagnostic(source: YamlSource, issue: z.core.$ZodIssue): Diagnostic {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const known = knownKeysAt(path);
    return {
      file: source.file,
      ...source.keyPositionOf([...path, key]),
      message: `unknown key "${[...path, key].join('.')}"`,
      ...(known ? { hint: `expected one of: ${known}` } : {}),
    };
  }
  const where = path.length > 0 ? path.join('.') : 'the file';
  const missing = valueAt(source.data, path) === undefined;
  return {
    file: source.file,
    ...(missing ? source.keyPositionOf(path) : source.positionOf(path)),
    message: missing ? `${where} is missing` : `${where}: ${issue.message}`,
    ...(missing ? { hint: `add "${String(path.at(-1))}:" with its version` } : {}),
  };
}

function knownKeysAt(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return 'node, tools, libraries, images, lock';
  if (path.length === 1 && path[0] === 'tools') return TOOL_IDS.join(', ');
  return undefined;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const step of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[step];
  }
  return value;
}
