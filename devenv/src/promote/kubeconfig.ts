import { dirname, isAbsolute, join, delimiter as pathListDelimiter } from 'node:path';
import { parse } from 'yaml';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { PromoteFailure } from './promote-failure.js';

/** The parts of a kubeconfig devenv reads: where a context points and how to authenticate there. */
export interface Kubeconfig {
  /** The files it was merged from, in precedence order. */
  readonly files: readonly string[];
  readonly currentContext: string | undefined;
  readonly contexts: ReadonlyMap<string, KubeContext>;
  readonly clusters: ReadonlyMap<string, KubeCluster>;
  readonly users: ReadonlyMap<string, KubeUser>;
}

export interface KubeContext {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace: string | undefined;
}

export interface KubeCluster {
  readonly name: string;
  readonly server: string;
  /** PEM text (decoded from `certificate-authority-data`) or undefined. */
  readonly caData: string | undefined;
  /** An absolute path (relative ones resolved against their kubeconfig's directory). */
  readonly caFile: string | undefined;
  readonly insecureSkipTlsVerify: boolean;
  /**
   * The containerd socket of a local containerd cluster, from the cluster's extension
   * `devenv.dev/containerd` (`extension: {address: /run/.../containerd.sock}`), which the
   * cluster's own setup writes; kubectl keeps extensions it does not know.
   */
  readonly containerdAddress: string | undefined;
}

export interface KubeUser {
  readonly name: string;
  readonly token: string | undefined;
  readonly clientCertData: string | undefined;
  readonly clientKeyData: string | undefined;
  readonly clientCertFile: string | undefined;
  readonly clientKeyFile: string | undefined;
  /** An exec or auth-provider plugin: credentials devenv does not obtain itself. */
  readonly plugin: boolean;
}

/**
 * The kubeconfig files in precedence order, as kubectl and helm choose them: every entry of
 * KUBECONFIG (a PATH-style list), else ~/.kube/config.
 */
export function kubeconfigPaths(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env['KUBECONFIG'] ?? '').split(pathListDelimiter).filter((p) => p !== '');
  if (fromEnv.length > 0) return fromEnv;
  const home = env['HOME'] ?? '';
  return [join(home, '.kube', 'config')];
}

/** One file's text, with the path it came from (relative paths inside resolve against it). */
export interface KubeconfigSource {
  readonly path: string;
  readonly text: string;
}

/**
 * Merges kubeconfig files the way client-go does: for each named cluster, context and user the
 * first file that defines it wins, and so does the first `current-context`. Pure.
 */
export function parseKubeconfig(
  sources: readonly KubeconfigSource[],
): Result<Kubeconfig, PromoteFailure> {
  const merged: Merged = {
    currentContext: undefined,
    contexts: new Map(),
    clusters: new Map(),
    users: new Map(),
  };
  for (const source of sources) {
    const failure = mergeFile(merged, source);
    if (failure !== undefined) return err(failure);
  }
  return ok({ files: sources.map((s) => s.path), ...merged });
}

/** What the files read so far define; the first definition of a name wins. */
interface Merged {
  currentContext: string | undefined;
  readonly contexts: Map<string, KubeContext>;
  readonly clusters: Map<string, KubeCluster>;
  readonly users: Map<string, KubeUser>;
}

type EntryKind = 'contexts' | 'clusters' | 'users';

/** Where an entry is, for the message that says what is wrong with it. */
interface EntryPlace {
  readonly path: string;
  /** The kubeconfig's directory: relative file names in it resolve against this. */
  readonly base: string;
  /** `contexts[2] (kind-dev)`. */
  readonly where: string;
}

function mergeFile(merged: Merged, source: KubeconfigSource): PromoteFailure | undefined {
  let doc: unknown;
  try {
    doc = parse(source.text);
  } catch (thrown) {
    return invalid(source.path, messageOf(thrown).split('\n')[0] ?? '');
  }
  // An empty file is a valid, empty kubeconfig (kubectl writes one before the first context).
  if (doc === null || doc === undefined) return undefined;
  if (!isRecord(doc)) return invalid(source.path, 'expected a mapping at the top level');
  const current = doc['current-context'];
  if (merged.currentContext === undefined && typeof current === 'string' && current !== '')
    merged.currentContext = current;
  for (const kind of ['contexts', 'clusters', 'users'] as const) {
    const failure = mergeList(merged, kind, doc[kind], source.path);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

function mergeList(
  merged: Merged,
  kind: EntryKind,
  list: unknown,
  path: string,
): PromoteFailure | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) return invalid(path, `${kind}: expected a list`);
  const base = dirname(path);
  for (const [index, item] of (list as unknown[]).entries()) {
    const where = `${kind}[${index}]`;
    if (!isRecord(item) || typeof item['name'] !== 'string')
      return invalid(path, `${where}: expected an entry with a name`);
    const name = item['name'];
    const body = item[kind.slice(0, -1)];
    if (!isRecord(body))
      return invalid(path, `${where} (${name}): no ${kind.slice(0, -1)}: section`);
    const failure = mergeEntry(merged, kind, name, body, {
      path,
      base,
      where: `${where} (${name})`,
    });
    if (failure !== undefined) return failure;
  }
  return undefined;
}

function mergeEntry(
  merged: Merged,
  kind: EntryKind,
  name: string,
  body: Record<string, unknown>,
  at: EntryPlace,
): PromoteFailure | undefined {
  if (kind === 'contexts' && !merged.contexts.has(name)) {
    if (typeof body['cluster'] !== 'string')
      return invalid(at.path, `${at.where}: context.cluster is missing`);
    merged.contexts.set(name, {
      name,
      cluster: body['cluster'],
      user: str(body['user']) ?? '',
      namespace: str(body['namespace']),
    });
  } else if (kind === 'clusters' && !merged.clusters.has(name)) {
    if (typeof body['server'] !== 'string')
      return invalid(at.path, `${at.where}: cluster.server is missing`);
    merged.clusters.set(name, {
      name,
      server: body['server'],
      caData: base64(body['certificate-authority-data']),
      caFile: file(at.base, body['certificate-authority']),
      insecureSkipTlsVerify: body['insecure-skip-tls-verify'] === true,
      containerdAddress: containerdExtension(body['extensions']),
    });
  } else if (kind === 'users' && !merged.users.has(name)) {
    merged.users.set(name, {
      name,
      token: str(body['token']),
      clientCertData: base64(body['client-certificate-data']),
      clientKeyData: base64(body['client-key-data']),
      clientCertFile: file(at.base, body['client-certificate']),
      clientKeyFile: file(at.base, body['client-key']),
      plugin: body['exec'] !== undefined || body['auth-provider'] !== undefined,
    });
  }
  return undefined;
}

function invalid(path: string, detail: string): PromoteFailure {
  return { reason: 'kubeconfig-invalid', path, detail };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function base64(value: unknown): string | undefined {
  const text = str(value);
  return text === undefined ? undefined : Buffer.from(text, 'base64').toString('utf8');
}

function file(base: string, value: unknown): string | undefined {
  const path = str(value);
  return path === undefined ? undefined : isAbsolute(path) ? path : join(base, path);
}

export const CONTAINERD_EXTENSION = 'devenv.dev/containerd';

function containerdExtension(extensions: unknown): string | undefined {
  if (!Array.isArray(extensions)) return undefined;
  for (const entry of extensions as unknown[]) {
    if (!isRecord(entry) || entry['name'] !== CONTAINERD_EXTENSION) continue;
    const extension = entry['extension'];
    return isRecord(extension) ? str(extension['address']) : undefined;
  }
  return undefined;
}
