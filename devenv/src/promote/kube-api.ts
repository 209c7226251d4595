import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import type { TargetContext } from './context-policy.js';

/**
 * Read-only GETs against a cluster's API server with the kubeconfig's own credentials (client
 * certificate or bearer token, as kind writes them). This is how promote explains a failure
 * without kubectl, which devenv does not provision: pod status, events and container logs are
 * plain REST resources. Exec/auth-provider plugins are not run; such contexts get no diagnostics.
 */
export interface KubeApi {
  get(path: string): Promise<Result<string, string>>;
}

const TIMEOUT_MS = 5_000;
const MAX_BODY = 1024 * 1024;

export async function connectKubeApi(target: TargetContext): Promise<Result<KubeApi, string>> {
  const { cluster, user } = target;
  if (user?.plugin === true)
    return err(
      `user "${user.name}" gets its credentials from a plugin, which devenv does not run; use kubectl to inspect the pods`,
    );
  let base: URL;
  try {
    base = new URL(cluster.server);
  } catch {
    return err(`the API server address ${cluster.server} is not a URL`);
  }
  const tls = await readTls(target);
  if (!tls.ok) return tls;
  const headers: Record<string, string> = { accept: 'application/json, text/plain' };
  if (user?.token !== undefined) headers['authorization'] = `Bearer ${user.token}`;
  return ok({ get: (path) => get(base, path, headers, tls.value) });
}

type TlsOptions = Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;

/** The CA and client certificate as the kubeconfig gives them: inline data, else files. */
async function readTls(target: TargetContext): Promise<Result<TlsOptions, string>> {
  const { cluster, user } = target;
  const read = async (data: string | undefined, path: string | undefined) =>
    data ?? (path === undefined ? undefined : await readFile(path, 'utf8'));
  try {
    const [ca, cert, key] = await Promise.all([
      read(cluster.caData, cluster.caFile),
      read(user?.clientCertData, user?.clientCertFile),
      read(user?.clientKeyData, user?.clientKeyFile),
    ]);
    return ok({
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      rejectUnauthorized: !cluster.insecureSkipTlsVerify,
    });
  } catch (thrown) {
    return err(`cannot read the kubeconfig's certificates: ${messageOf(thrown)}`);
  }
}

/** One GET below the server's base path; the body (up to MAX_BODY) on a 2xx answer. */
function get(
  base: URL,
  path: string,
  headers: Record<string, string>,
  tls: TlsOptions,
): Promise<Result<string, string>> {
  const send = base.protocol === 'http:' ? httpRequest : httpsRequest;
  const prefix = base.pathname.replace(/\/+$/, '');
  return new Promise((resolve) => {
    const req = send(
      {
        protocol: base.protocol,
        hostname: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port === '' ? undefined : Number(base.port),
        path: `${prefix}${path}`,
        method: 'GET',
        headers,
        timeout: TIMEOUT_MS,
        ...(base.protocol === 'https:' ? tls : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('end', () =>
          resolve(
            res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300
              ? ok(body)
              : err(`GET ${path}: HTTP ${res.statusCode} ${body.slice(0, 200)}`),
          ),
        );
        res.on('error', (error) => resolve(err(`GET ${path}: ${error.message}`)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (error) => resolve(err(`GET ${path}: ${error.message}`)));
    req.end();
  });
}
