import { dirname, isAbsolute, join, delimiter as pathListDelimiter } from 'node:path';
import { parse } from 'yaml';
import { err, messageOf, ok, type Result } from '../result.js';
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
  const contexts = new Map<string, KubeContext>();
  const clusters = new Map<string, KubeCluster>();
  const users = new Map<string, KubeUser>();
  let currentContext: string | undefined;
  for (const source of sources) {
    let doc: unknown;
    try {
      doc = parse(source.text);
    } catch (thrown) {
      return err(invalid(source.path, messageOf(thrown).split('\n')[0] ?? ''));
    }
    // An empty file is a valid, empty kubeconfig (kubectl writes one before the first context).
    if (doc === null || doc === undefined) continue;
    if (!isRecord(doc)) return err(invalid(source.path, 'expected a mapping at the top level'));
    const base = dirname(source.path);
    const current = doc['current-context'];
    if (currentContext === undefined && typeof current === 'string' && current !== '')
      currentContext = current;

    for (const [kind, list] of [
      ['contexts', doc['contexts']],
      ['clusters', doc['clusters']],
      ['users', doc['users']],
    ] as const) {
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) return err(invalid(source.path, `${kind}: expected a list`));
      for (const [index, item] of (list as unknown[]).entries()) {
        const where = `${kind}[${index}]`;
        if (!isRecord(item) || typeof item['name'] !== 'string')
          return err(invalid(source.path, `${where}: expected an entry with a name`));
        const name = item['name'];
        const body = item[kind.slice(0, -1)];
        if (!isRecord(body))
          return err(invalid(source.path, `${where} (${name}): no ${kind.slice(0, -1)}: section`));
        if (kind === 'contexts' && !contexts.has(name)) {
          if (typeof body['cluster'] !== 'string')
            return err(invalid(source.path, `${where} (${name}): context.cluster is missing`));
          contexts.set(name, {
            name,
            cluster: body['cluster'],
            user: str(body['user']) ?? '',
            namespace: str(body['namespace']),
          });
        } else if (kind === 'clusters' && !clusters.has(name)) {
          if (typeof body['server'] !== 'string')
            return err(invalid(source.path, `${where} (${name}): cluster.server is missing`));
          clusters.set(name, {
            name,
            server: body['server'],
            caData: base64(body['certificate-authority-data']),
            caFile: file(base, body['certificate-authority']),
            insecureSkipTlsVerify: body['insecure-skip-tls-verify'] === true,
          });
        } else if (kind === 'users' && !users.has(name)) {
          users.set(name, {
            name,
            token: str(body['token']),
            clientCertData: base64(body['client-certificate-data']),
            clientKeyData: base64(body['client-key-data']),
            clientCertFile: file(base, body['client-certificate']),
            clientKeyFile: file(base, body['client-key']),
            plugin: body['exec'] !== undefined || body['auth-provider'] !== undefined,
          });
        }
      }
    }
  }
  return ok({ files: sources.map((s) => s.path), currentContext, contexts, clusters, users });
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
