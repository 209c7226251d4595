import { err, ok, type Result } from '../../shared/result.js';

export const PLATFORM_HINT = 'write os/arch[/variant], like linux/amd64 or linux/arm64/v8';

const COMPONENT = /^[A-Za-z0-9_-]+$/;

/** What containerd's platforms.Parse knows alone (`linux`, `arm64`): an OS, or an architecture. */
const KNOWN_ALONE = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'illumos',
  'ios',
  'js',
  'linux',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  '386',
  'aarch64',
  'amd64',
  'arm',
  'arm64',
  'armel',
  'armhf',
  'i386',
  'loong64',
  'mips',
  'mips64',
  'mips64le',
  'mipsle',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
  'wasm',
  'x86_64',
  'x86-64',
]);

/**
 * A `platform` as the Engine parses it (containerd's platforms.Parse): `os/arch[/variant]`, or a
 * known OS or architecture alone; what it would refuse when creating the container is the error.
 */
export function checkPlatform(text: string): Result<string, string> {
  const parts = text.split('/');
  if (parts.length > 3) return err(`"${text}" is not a platform: too many parts`);
  const bad = parts.find((part) => !COMPONENT.test(part));
  if (bad !== undefined)
    return err(
      `"${text}" is not a platform: ${bad === '' ? 'an empty part' : `"${bad}" has characters a platform cannot`}`,
    );
  if (parts.length === 1 && !KNOWN_ALONE.has(text.toLowerCase()))
    return err(`"${text}" is not a platform: neither a known OS nor an architecture`);
  return ok(text);
}
