import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { err, messageOf, ok, type Result } from '../result.js';
import { findCycles, resolveDependencies, startOrder, type GraphNode } from './dependency-graph.js';
import { parseDotenv } from './dotenv.js';
import { assembleProject, type SourceText } from './compose-project.js';
import type { Lookup } from './interpolate.js';
import { normalizeService, type NormalizedService, type ReadText } from './normalize.js';
import { declaredVolumes } from './volumes.js';
import { findPortConflicts } from './port-conflicts.js';
import { problemsFromIssues, type Problem } from './problem.js';
import { composeSchema } from './schema.js';
import type { ServiceSpec, Stack } from './stack.js';
import { deepFreeze, setOwn } from './tree.js';

export type { SourceText } from './compose-project.js';

export interface ParseStackOptions {
  /** Absolute directory that relative paths resolve against (Compose's project directory). */
  readonly projectDir: string;
  /** `-p`: wins over COMPOSE_PROJECT_NAME, `name:` and the directory name. */
  readonly projectName?: string | undefined;
  /** `--profile`s; when none are given, COMPOSE_PROFILES (comma-separated) applies. `*` enables all. */
  readonly profiles?: readonly string[] | undefined;
  /** The process environment; it overrides `.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The `.env` file's text, when there is one. */
  readonly dotenv?: SourceText | undefined;
  /** Reads `env_file`s; without it any env_file reference is reported as unreadable. */
  readonly readText?: ReadText | undefined;
}

export interface LoadStackOptions {
  /** `-f` files, merged in order; relative to `cwd`. */
  readonly files: readonly string[];
  readonly projectName?: string | undefined;
  readonly profiles?: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--env-file`: replaces the project directory's `.env`, and must exist. */
  readonly envFile?: string | undefined;
  /** Directory `files` and `envFile` are relative to; defaults to the process's. */
  readonly cwd?: string | undefined;
}

const NO_COMPOSE_FILE: Diagnostic = {
  file: 'compose.yaml',
  line: 0,
  col: 0,
  message: 'no compose file given',
  hint: 'pass -f compose/compose.yaml',
};

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Reads the compose file(s), `.env` and every `env_file`, then builds the Stack with parseStack.
 * Never throws for bad input: every problem is a positioned Diagnostic.
 */
export async function loadStack(options: LoadStackOptions): Promise<Result<Stack, Diagnostic[]>> {
  const cwd = options.cwd ?? process.cwd();
  const first = options.files[0];
  if (first === undefined) return err([NO_COMPOSE_FILE]);
  const texts: SourceText[] = [];
  const problems: Diagnostic[] = [];
  for (const file of options.files) {
    const text = await readText(resolve(cwd, file));
    if (text.ok) texts.push({ file, text: text.value });
    else
      problems.push({
        file,
        line: 0,
        col: 0,
        message:
          text.error === 'missing'
            ? 'the compose file does not exist'
            : `cannot read it: ${text.error}`,
        hint: 'check the -f path',
      });
  }
  const projectDir = resolve(cwd, dirname(first));
  let dotenv: SourceText | undefined;
  const envPath = options.envFile ?? join(dirname(first), '.env');
  const envText = await readText(resolve(cwd, envPath));
  if (envText.ok) dotenv = { file: envPath, text: envText.value };
  else if (options.envFile !== undefined || envText.error !== 'missing')
    problems.push({
      file: envPath,
      line: 0,
      col: 0,
      message:
        envText.error === 'missing'
          ? 'the env file does not exist'
          : `cannot read it: ${envText.error}`,
      hint: 'check the --env-file path',
    });
  if (problems.length > 0) return err(problems);
  return parseStack(texts, {
    projectDir,
    projectName: options.projectName,
    profiles: options.profiles,
    env: options.env,
    dotenv,
    readText: readTextSync,
  });
}

async function readText(path: string): Promise<Result<string, string>> {
  try {
    return ok(await readFile(path, 'utf8'));
  } catch (thrown) {
    return err(isMissing(thrown) ? 'missing' : messageOf(thrown));
  }
}

// env_files are found while building the model; they are few and small, so a synchronous read
// keeps parseStack a plain function.
const readTextSync: ReadText = (path) => {
  try {
    return ok(readFileSync(path, 'utf8'));
  } catch (thrown) {
    return err(isMissing(thrown) ? 'missing' : messageOf(thrown));
  }
};

function isMissing(thrown: unknown): boolean {
  const code = (thrown as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * The pure core: compose texts (+ `.env`) → Stack. Per file: YAML with positions, then
 * interpolation; then the files merge as Compose overrides do; then the schema, normalisation,
 * profiles and the dependency graph. Every problem comes back as a positioned Diagnostic.
 */
export function parseStack(
  texts: readonly SourceText[],
  options: ParseStackOptions,
): Result<Stack, Diagnostic[]> {
  try {
    return build(texts, options);
  } catch (thrown) {
    // A bug, not bad input; still reported as a value so a caller's loop never dies on it.
    return err([
      {
        file: texts[0]?.file ?? 'compose.yaml',
        line: 0,
        col: 0,
        message: `internal error while loading the stack: ${messageOf(thrown)}`,
        hint: 'report this with the file that caused it',
      },
    ]);
  }
}

function build(
  texts: readonly SourceText[],
  options: ParseStackOptions,
): Result<Stack, Diagnostic[]> {
  if (texts.length === 0) return err([NO_COMPOSE_FILE]);

  const env = (name: string) => (Object.hasOwn(options.env, name) ? options.env[name] : undefined);
  let fromDotenv: Readonly<Record<string, string>> = {};
  if (options.dotenv) {
    const parsed = parseDotenv(options.dotenv.text, options.dotenv.file, env);
    if (!parsed.ok) return err(parsed.error);
    fromDotenv = parsed.value;
  }
  const lookup: Lookup = (name) =>
    env(name) ?? (Object.hasOwn(fromDotenv, name) ? fromDotenv[name] : undefined);

  // 1. Each file parsed and interpolated, with its includes and extends; then the -f merge.
  const assembled = assembleProject(texts, {
    projectDir: options.projectDir,
    lookup,
    readText: options.readText ?? (() => err('no file reader given')),
  });
  if (!assembled.ok) return err(finish(assembled.error, texts));
  const { loader } = assembled.value;
  const data = assembled.value.document.value;
  const origin = assembled.value.document.origin;
  const diagnostics: Diagnostic[] = [];
  const toDiagnostic = (problem: Problem): Diagnostic => ({
    ...loader.position(origin, problem.path, problem.at),
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  });
  const checked = composeSchema.safeParse(data);
  if (!checked.success)
    return err(finish(problemsFromIssues(checked.error.issues, data).map(toDiagnostic), texts));
  const compose = checked.data;
  const document = data as Record<string, unknown>;
  const problems: Problem[] = [];

  const projectName = chooseProjectName(options, lookup, compose.name, problems);
  const activeProfiles = chooseProfiles(options, lookup);
  const isActive = (profiles: readonly string[]) =>
    profiles.length === 0 ||
    activeProfiles.includes('*') ||
    profiles.some((p) => activeProfiles.includes(p));

  const services = Object.entries(compose.services ?? {});
  if (services.length === 0)
    problems.push({
      path: ['services'],
      message: 'the project defines no services',
      hint: 'add services: with at least one service',
    });

  const displayDir = dirname(texts[0]?.file ?? '.');
  const volumes = declaredVolumes(projectName, compose.volumes);
  const normalized: NormalizedService[] = [];
  const inactive = new Map<string, readonly string[]>();
  for (const [name, input] of services) {
    const at = ['services', name];
    if (!SERVICE_NAME.test(name))
      problems.push({
        path: at,
        at: 'key',
        message: `invalid service name "${name}"`,
        hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit',
      });
    if (input === null) {
      problems.push({
        path: at,
        at: 'key',
        message: `service "${name}" is empty`,
        hint: 'give it an image, a build or x-devenv.native',
      });
      continue;
    }
    const result = normalizeService(name, input, {
      projectDir: options.projectDir,
      displayDir,
      lookup,
      readText: options.readText ?? (() => err('no file reader given')),
      volumes,
    });
    problems.push(...result.problems);
    diagnostics.push(...result.diagnostics);
    const { spec } = result.service;
    if (!isActive(spec.profiles)) {
      inactive.set(name, spec.profiles);
      continue;
    }
    if (spec.image === undefined && spec.build === undefined && spec.devenv.native === undefined)
      problems.push({
        path: at,
        at: 'key',
        message: `service "${name}" has no image, build or x-devenv.native: nothing could run it`,
        hint: 'add image:, build:, or x-devenv: {native: {command: …}}',
      });
    normalized.push(result.service);
  }

  // 3. The dependency graph and host ports, across active services.
  const nodes: GraphNode[] = normalized.map((s) => ({
    name: s.spec.name,
    dependsOn: s.spec.dependsOn,
    edges: s.edges,
  }));
  const resolved = resolveDependencies(nodes, {
    defined: services.map(([name]) => name),
    inactive,
  });
  problems.push(...resolved.problems);
  const activeNodes = nodes.map((n) => ({ ...n, dependsOn: resolved.dependsOn.get(n.name) ?? {} }));
  problems.push(...findCycles(activeNodes));
  problems.push(
    ...findPortConflicts(
      normalized.map((s) => ({ name: s.spec.name, ports: s.spec.ports, portPaths: s.portPaths })),
    ),
  );

  diagnostics.push(...problems.map(toDiagnostic));
  if (diagnostics.length > 0) return err(finish(diagnostics, texts));

  const specs: Record<string, ServiceSpec> = {};
  for (const s of normalized)
    setOwn(specs, s.spec.name, { ...s.spec, dependsOn: resolved.dependsOn.get(s.spec.name) ?? {} });
  const resolvedDocument: Record<string, unknown> = {};
  setOwn(resolvedDocument, 'name', projectName);
  for (const [key, value] of Object.entries(document))
    if (key !== 'name') setOwn(resolvedDocument, key, value);
  return ok(
    deepFreeze<Stack>({
      projectName,
      files: texts.map((t) => t.file),
      projectDir: options.projectDir,
      services: specs,
      startOrder: startOrder(activeNodes),
      document: resolvedDocument,
    }),
  );
}

function chooseProjectName(
  options: ParseStackOptions,
  lookup: Lookup,
  fromFile: string | undefined,
  problems: Problem[],
): string {
  const explicit = options.projectName ?? lookup('COMPOSE_PROJECT_NAME') ?? fromFile;
  if (explicit !== undefined && explicit !== '') {
    if (!PROJECT_NAME.test(explicit))
      problems.push({
        path: options.projectName === undefined && fromFile !== undefined ? ['name'] : [],
        message: `invalid project name "${explicit}"`,
        hint: 'use lowercase letters, digits, "-" and "_", starting with a letter or digit',
      });
    return explicit;
  }
  // Compose normalises the directory name instead of rejecting it.
  const fromDir = basename(options.projectDir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
  return fromDir || 'devenv';
}

function chooseProfiles(options: ParseStackOptions, lookup: Lookup): readonly string[] {
  if (options.profiles && options.profiles.length > 0) return options.profiles;
  return (lookup('COMPOSE_PROFILES') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** Sorted by file (in the order given), line and column; exact repeats (from anchors) once. */
function finish(diagnostics: readonly Diagnostic[], texts: readonly SourceText[]): Diagnostic[] {
  const order = (file: string) => {
    const index = texts.findIndex((t) => t.file === file);
    return index < 0 ? texts.length : index;
  };
  const seen = new Set<string>();
  return diagnostics
    .filter((d) => {
      const key = `${d.file}\0${d.line}\0${d.col}\0${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => order(a.file) - order(b.file) || a.line - b.line || a.col - b.col);
}
