import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Docker Hub's key in `~/.docker/config.json`, as `docker login` writes it. */
const DOCKER_HUB = 'https://index.docker.io/v1/';

/** The registry an image reference names (`docker.io` when its first part is not a host). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/**
 * The credentials `docker login` stored in the config file for the image's registry, as the
 * Engine's pull takes them. Credential helpers (`credsStore`) are not asked: the CLI runs them.
 */
export async function registryAuth(
  image: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ key: string } | undefined> {
  const dir = env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
  let auths: Record<string, { auth?: string }>;
  try {
    const parsed = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
      auths?: Record<string, { auth?: string }>;
    };
    auths = parsed.auths ?? {};
  } catch {
    return undefined;
  }
  const registry = registryOf(image);
  const entry =
    registry === 'docker.io' ? (auths[DOCKER_HUB] ?? auths['docker.io']) : auths[registry];
  if (entry?.auth === undefined) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const config = {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    serveraddress: registry === 'docker.io' ? DOCKER_HUB : registry,
  };
  return { key: Buffer.from(JSON.stringify(config)).toString('base64url') };
}
