import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { err, ok, type Result } from '../../shared/result.js';
import type { ArtifactLock, ToolPins } from '../versions/artifact-lock.js';
import type { ToolId } from '../versions/tool-ids.js';

/** What to run when versions.yaml moved on and versions.lock.yaml did not. */
export const REFRESH_LOCK_COMMAND = 'npx tsx devenv/src/toolchain/refresh-lock.ts';

export async function fileDigest(path: string, algorithm: 'sha256' | 'sha512'): Promise<Buffer> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest();
}

export async function sha256Hex(path: string): Promise<string> {
  return (await fileDigest(path, 'sha256')).toString('hex');
}

/** npm's `dist.integrity` form of a tarball's hash. */
export async function sha512Integrity(path: string): Promise<string> {
  return `sha512-${(await fileDigest(path, 'sha512')).toString('base64')}`;
}

/**
 * The refusal when a downloaded artifact is not the pinned one: the tool, the file and both
 * hashes, so the user can tell a tampered or re-published artifact from a stale lock.
 */
export function checkPinned(
  tool: ToolId,
  artifact: string,
  actual: string,
  pinned: string | undefined,
): Result<void, string> {
  if (pinned === undefined)
    return err(
      `${tool}: versions.lock.yaml pins no hash for ${artifact}; refused, nothing was installed (a platform the lock does not list, or a stale lock: ${REFRESH_LOCK_COMMAND})`,
    );
  if (actual !== pinned)
    return err(
      `${tool}: ${artifact} has hash ${actual}, but versions.lock.yaml pins ${pinned}; refused, nothing was installed`,
    );
  return ok(undefined);
}

/** The tool's pins for exactly this version, or why there are none. */
export function toolPinsFor(
  lock: ArtifactLock,
  tool: ToolId,
  version: string,
): Result<ToolPins, string> {
  const pins = lock.tools[tool];
  if (pins === undefined)
    return err(
      `versions.lock.yaml has no content pins for ${tool}; nothing unverified is installed (${REFRESH_LOCK_COMMAND})`,
    );
  if (pins.version !== version)
    return err(
      `versions.lock.yaml pins ${tool} ${pins.version}, but versions.yaml asks for ${version}; refresh the lock (${REFRESH_LOCK_COMMAND})`,
    );
  return ok(pins);
}

/**
 * Go's own verification, whatever the user's environment turns off: every module is checked
 * against the checksum database (sum.golang.org, through the module proxy) or a go.sum.
 */
export function goVerifyingEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const sumdb = env['GOSUMDB'];
  return {
    GOSUMDB: sumdb === undefined || sumdb === '' || sumdb === 'off' ? 'sum.golang.org' : sumdb,
    GONOSUMDB: '',
    GOPRIVATE: '',
    GOINSECURE: '',
  };
}
