/**
 * Packages from the npm registry, checked against the registry's sha512 integrity and cached in
 * `.devenv/images/cache/` (a rebuild downloads nothing). The registry is one of the few services
 * every machine of this project reaches, and it carries Node's release binary (node-linux-<arch>).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { err, messageOf, ok, type Result } from '../../shared/result.js';

const REGISTRY = 'https://registry.npmjs.org';
const TIMEOUT_MS = 5 * 60_000;

/** `name@version` as a verified .tgz on disk. */
export async function fetchNpmTarball(
  name: string,
  version: string,
  cacheDir: string,
  registry: string = REGISTRY,
): Promise<Result<string, string>> {
  const file = join(cacheDir, `${name.replace(/[@/]/g, '_')}-${version}.tgz`);
  let integrity: string;
  try {
    const meta = await fetch(`${registry}/${name}/${version}`, {
      signal: AbortSignal.timeout(60_000),
    });
    if (!meta.ok) return err(`the npm registry answers ${meta.status} for ${name}@${version}`);
    const dist = ((await meta.json()) as { dist?: { integrity?: string; tarball?: string } }).dist;
    if (!dist?.integrity?.startsWith('sha512-') || dist.tarball === undefined)
      return err(`the npm registry gives no sha512 integrity for ${name}@${version}`);
    integrity = dist.integrity;
    const cached = await readFile(file).catch(() => undefined);
    if (cached !== undefined && sri(cached) === integrity) return ok(file);
    const response = await fetch(dist.tarball, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) return err(`downloading ${dist.tarball} failed: HTTP ${response.status}`);
    const body = Buffer.from(await response.arrayBuffer());
    if (sri(body) !== integrity)
      return err(
        `${dist.tarball} does not match the registry's integrity ${integrity}: not using it`,
      );
    await mkdir(cacheDir, { recursive: true });
    await writeFile(`${file}.partial`, body);
    await rename(`${file}.partial`, file);
    return ok(file);
  } catch (error) {
    return err(
      `cannot fetch ${name}@${version} from the npm registry (${registry}): ${messageOf(error)}`,
    );
  }
}

function sri(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/** One file of a .tgz, as text (the CHANGELOG of the Node package). */
export async function readFromTarball(
  tarball: string,
  member: string,
): Promise<Result<string, string>> {
  try {
    const { stdout } = await promisify(execFile)('tar', ['-xzf', tarball, '-O', member], {
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return ok(stdout);
  } catch (error) {
    return err(`cannot read ${member} from ${tarball}: ${messageOf(error)}`);
  }
}

/** Node's name for this machine's architecture, as the node-linux-<arch> packages use it. */
export function nodePackageFor(arch: string = process.arch): string {
  return `node-linux-${arch}`;
}
