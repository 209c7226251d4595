import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { startOrder } from './dependency-graph.js';
import { consistencyProblems } from './consistency.js';
import { withProjectNameVariable } from './project-name-variable.js';
import { parseDotenv } from './dotenv.js';
import { assembleProject, type SourceText } from './compose-project.js';
import type { Lookup } from './interpolate.js';
import type { ReadText } from './normalize.js';
import { declaredVolumes } from './volumes.js';
import { problemsFromIssues, type Problem } from './problem.js';
import { composeSchema } from './schema.js';
import { checkGraph, normalizeServices, serviceSpecs } from './stack-services.js';
import type { Stack } from './stack.js';
import { deepFreeze, setOwn } from './tree.js';
import type { FileLoader } from './file-loader.js';
import type { Origin } from './merge.js';

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
  /** Told of every file read and what came of it, for the stack cache's dependencies. */
  readonly onRead?: ((path: string, read: Result<string, string>) => void) | undefined;
}

const NO_COMPOSE_FILE: Diagnostic = {
  file: 'compose.yaml',
  line: 0,
  col: 0,
  message: 'no compose file given',
  hint: 'pass -f compose/compose.yaml',
};

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
  const readText = async (path: string) => observed(path, await readTextAsync(path));
  const observed = (path: string, read: Result<string, string>) => {
    options.onRead?.(path, read);
    return read;
  };
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
    readText: (path) => observed(path, readTextSync(path)),
  });
}

async function readTextAsync(path: string): Promise<Result<string, string>> {
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

const nameOf = (service: { readonly spec: { readonly name: string } }): string => service.spec.name;

function diagnosticAt(loader: FileLoader, origin: Origin, problem: Problem): Diagnostic {
  return {
    ...loader.position(origin, problem.path, problem.at),
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  };
}

function build(
  texts: readonly SourceText[],
  options: ParseStackOptions,
): Result<Stack, Diagnostic[]> {
  if (texts.length === 0) return err([NO_COMPOSE_FILE]);
  const withDotenv = dotenvLookup(options);
  if (!withDotenv.ok) return withDotenv;
  const lookup = withProjectNameVariable(withDotenv.value, texts, (fromFiles) =>
    chooseProjectName(options, withDotenv.value, fromFiles, []),
  );

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
  const toDiagnostic = (problem: Problem): Diagnostic => diagnosticAt(loader, origin, problem);
  const checked = composeSchema.safeParse(data);
  if (!checked.success)
    return err(finish(problemsFromIssues(checked.error.issues, data).map(toDiagnostic), texts));
  const compose = checked.data;
  const problems: Problem[] = [];
  const projectName = chooseProjectName(options, lookup, compose.name, problems);

  // 2. Each service normalised; those of inactive profiles set aside.
  const services = Object.entries(compose.services ?? {});
  const found = normalizeServices(services, {
    projectDir: options.projectDir,
    displayDir: dirname(texts[0]?.file ?? '.'),
    lookup,
    readText: options.readText ?? (() => err('no file reader given')),
    volumes: declaredVolumes(projectName, compose.volumes),
    secrets: compose.secrets,
    configs: compose.configs,
    isActive: profileFilter(chooseProfiles(options, lookup)),
  });
  problems.push(...found.problems);

  // 3. The dependency graph and host ports, across active services.
  const graph = checkGraph(found.normalized, services, found.inactive);
  problems.push(...graph.problems, ...consistencyProblems(data, found.normalized.map(nameOf)));

  const diagnostics = [...found.diagnostics, ...problems.map(toDiagnostic)];
  if (diagnostics.length > 0) return err(finish(diagnostics, texts));
  return ok(
    deepFreeze<Stack>({
      projectName,
      files: texts.map((t) => t.file),
      projectDir: options.projectDir,
      services: serviceSpecs(found.normalized, graph.dependsOn),
      startOrder: startOrder(graph.activeNodes),
      document: withProjectName(data as Record<string, unknown>, projectName),
    }),
  );
}

/** Variables as interpolation sees them: the process environment, then `.env`. */
function dotenvLookup(options: ParseStackOptions): Result<Lookup, Diagnostic[]> {
  const env = (name: string) => (Object.hasOwn(options.env, name) ? options.env[name] : undefined);
  let fromDotenv: Readonly<Record<string, string>> = {};
  if (options.dotenv) {
    const parsed = parseDotenv(options.dotenv.text, options.dotenv.file, env);
    if (!parsed.ok) return err(parsed.error);
    fromDotenv = parsed.value;
  }
  return ok(
    (name) => env(name) ?? (Object.hasOwn(fromDotenv, name) ? fromDotenv[name] : undefined),
  );
}

function profileFilter(activeProfiles: readonly string[]) {
  return (profiles: readonly string[]) =>
    profiles.length === 0 ||
    activeProfiles.includes('*') ||
    profiles.some((p) => activeProfiles.includes(p));
}

/** The merged document with the chosen project name first, as `docker compose config` shows it. */
function withProjectName(
  document: Record<string, unknown>,
  projectName: string,
): Record<string, unknown> {
  const resolvedDocument: Record<string, unknown> = {};
  setOwn(resolvedDocument, 'name', projectName);
  for (const [key, value] of Object.entries(document))
    if (key !== 'name') setOwn(resolvedDocument, key, value);
  return resolvedDocument;
}

function chooseProjectName(
  options: ParseStackOptions,
  lookup: Lookup,
  fromFile: string | undefined,
  problems: Problem[],
): string {
  const explicit = options.projectName ?? lookup('COMPOSE_PROJECT_NAME');
  if (explicit !== undefined && explicit !== '') {
    if (!PROJECT_NAME.test(explicit))
      problems.push({
        path: [],
        message: `invalid project name "${explicit}"`,
        hint: 'use lowercase letters, digits, "-" and "_", starting with a letter or digit',
      });
    return explicit;
  }
  // Compose normalises a `name:` and the directory name (`myProject` → `myproject`) instead of
  // rejecting them; only a name given with -p or COMPOSE_PROJECT_NAME must be valid as written.
  const normalized = (name: string) =>
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '')
      .replace(/^[_-]+/, '');
  return normalized(fromFile ?? '') || normalized(basename(options.projectDir)) || 'devenv';
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
