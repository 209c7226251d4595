import { request } from 'node:http';

export type DockerEngineStatus =
  | { readonly reachable: true; readonly endpoint: string; readonly version: string }
  | { readonly reachable: false; readonly endpoint: string; readonly why: string };

const TIMEOUT_MS = 3_000;

/** Asks the Docker Engine API for its version over the unix socket that DOCKER_HOST (or the default) names. */
export function probeDockerEngine(
  env: NodeJS.ProcessEnv = process.env,
): Promise<DockerEngineStatus> {
  const host = env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) {
    return Promise.resolve({
      reachable: false,
      endpoint: host,
      why: 'only unix:// DOCKER_HOST endpoints are supported',
    });
  }
  const socketPath = host.slice('unix://'.length);
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/version', timeout: TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const version = safeVersion(body);
        resolve(
          res.statusCode === 200 && version
            ? { reachable: true, endpoint: host, version }
            : {
                reachable: false,
                endpoint: host,
                why: `the engine answered HTTP ${res.statusCode}`,
              },
        );
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({
        reachable: false,
        endpoint: host,
        why: error.code === 'ENOENT' ? 'no socket (dockerd not running)' : error.message,
      }),
    );
    req.end();
  });
}

function safeVersion(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const version = (parsed as { Version?: unknown } | null)?.Version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
