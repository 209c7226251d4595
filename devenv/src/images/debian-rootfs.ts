/**
 * A minimal Debian root filesystem from Debian's own packages (debootstrap), trimmed like the
 * official `-slim` images, ready for `docker import`. Needs root (debootstrap mounts and chroots).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import { findExecutable } from '../process/executable.js';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { aptMirror } from './image-plan.js';

const DEBOOTSTRAP_TIMEOUT_MS = 20 * 60_000;
const MIRROR_TIMEOUT_MS = 10_000;
/** Where Debian's update-ca-certificates picks up local CA certificates. */
export const HOST_CA_DIR = '/usr/local/share/ca-certificates';

export async function findDebootstrap(env: NodeJS.ProcessEnv): Promise<Result<string, string>> {
  const found = await findExecutable('debootstrap', [
    ...(env['PATH'] ?? '').split(delimiter),
    '/usr/sbin',
    '/sbin',
  ]);
  return found
    ? ok(found)
    : err('debootstrap is not installed: install it with `sudo apt-get install debootstrap`');
}

/** The mirror apt uses here (a machine that reaches no registry still reaches its apt mirror). */
export async function configuredMirror(
  suite: string,
  etcApt = '/etc/apt',
): Promise<string | undefined> {
  const files: { path: string; text: string }[] = [];
  const read = async (path: string) => {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) files.push({ path, text });
  };
  await read(join(etcApt, 'sources.list'));
  const listDir = join(etcApt, 'sources.list.d');
  const names = await readdir(listDir).catch(() => [] as string[]);
  for (const name of names.sort())
    if (name.endsWith('.list') || name.endsWith('.sources')) await read(join(listDir, name));
  return aptMirror(files, suite);
}

/** The mirror must serve the suite's Release file, or debootstrap would fail minutes later. */
export async function checkMirror(mirror: string, suite: string): Promise<Result<void, string>> {
  const url = `${mirror}/dists/${suite}/Release`;
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      signal: AbortSignal.timeout(MIRROR_TIMEOUT_MS),
    });
    if (response.ok) return ok(undefined);
    return err(
      `the Debian mirror answers ${response.status} for ${url}: pass another with --mirror URL`,
    );
  } catch (error) {
    return err(
      `the Debian mirror is unreachable (${url}: ${messageOf(error)}): check the network or apt's ` +
        'configuration (/etc/apt/sources.list*), or pass a reachable mirror with --mirror URL',
    );
  }
}

export interface Rootfs {
  readonly dir: string;
  /** The host CA certificates added to the image's trust store (file names). */
  readonly hostCas: readonly string[];
  remove(): Promise<void>;
}

/** debootstrap (minbase + ca-certificates), then the slim trimming and the host's extra CAs. */
export async function debootstrapRootfs(options: {
  readonly debootstrap: string;
  readonly suite: string;
  readonly mirror: string;
  readonly log: (line: string) => void;
}): Promise<Result<Rootfs, string>> {
  if (process.getuid?.() !== 0)
    return err(
      'debootstrap needs root (it mounts and chroots): run `sudo npx devenv images bootstrap`',
    );
  const dir = await mkdtemp(join(tmpdir(), 'devenv-rootfs-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  // Hundreds of per-package lines (Retrieving x, Validating x, …): the first of each kind is enough.
  const seen = new Set<string>();
  const outcome = await runCommand(
    options.debootstrap,
    ['--variant=minbase', '--include=ca-certificates', options.suite, dir, options.mirror],
    {
      timeoutMs: DEBOOTSTRAP_TIMEOUT_MS,
      onOutput: (chunk) => {
        for (const line of chunk.split('\n')) {
          const stage = /^I: (\w+)/.exec(line)?.[1];
          if (stage !== undefined && !seen.has(stage)) {
            seen.add(stage);
            options.log(`debootstrap: ${line.slice(3).trim()}`);
          }
        }
      },
    },
  );
  if (outcome.code !== 0) {
    await remove();
    return err(
      `debootstrap ${options.suite} from ${options.mirror} failed: ${describeOutcome(outcome)}`,
    );
  }
  try {
    await trim(dir);
    const hostCas = await addHostCas(dir);
    if (hostCas.length > 0) {
      const update = await runCommand('chroot', [dir, 'update-ca-certificates'], {
        timeoutMs: 60_000,
      });
      if (update.code !== 0) throw new Error(`update-ca-certificates: ${describeOutcome(update)}`);
    }
    return ok({ dir, hostCas, remove });
  } catch (error) {
    await remove();
    return err(`preparing the Debian root filesystem failed: ${messageOf(error)}`);
  }
}

/** What the official slim images leave out, and apt settings so later installs stay slim. */
async function trim(dir: string): Promise<void> {
  const emptied = [
    'var/cache/apt',
    'var/lib/apt/lists',
    'usr/share/doc',
    'usr/share/man',
    'usr/share/info',
    'var/log',
  ];
  for (const sub of emptied) {
    const path = join(dir, sub);
    for (const name of await readdir(path).catch(() => [] as string[]))
      await rm(join(path, name), { recursive: true, force: true });
  }
  const locales = join(dir, 'usr/share/locale');
  for (const name of await readdir(locales).catch(() => [] as string[]))
    if (name !== 'locale.alias') await rm(join(locales, name), { recursive: true, force: true });
  await mkdir(join(dir, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  await writeFile(
    join(dir, 'etc/dpkg/dpkg.cfg.d/docker-slim'),
    [
      '# As in the official -slim images: no documentation or translations from later installs.',
      'path-exclude /usr/share/doc/*',
      'path-include /usr/share/doc/*/copyright',
      'path-exclude /usr/share/man/*',
      'path-exclude /usr/share/info/*',
      'path-exclude /usr/share/locale/*',
      'path-include /usr/share/locale/locale.alias',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'etc/apt/apt.conf.d/docker-clean'),
    [
      'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };',
      'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };',
      'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";',
      'Acquire::Languages "none";',
      'APT::Install-Recommends "false";',
      '',
    ].join('\n'),
  );
}

/**
 * The host's own CA certificates (a TLS-inspecting proxy's, a company's): without them nothing
 * inside the image could reach the npm registry or PyPI from this machine. Public certificates,
 * not secrets; these images are local bases and are not meant to be published.
 */
async function addHostCas(dir: string): Promise<string[]> {
  const names = (await readdir(HOST_CA_DIR).catch(() => [] as string[])).filter((n) =>
    n.endsWith('.crt'),
  );
  const target = join(dir, HOST_CA_DIR);
  await mkdir(target, { recursive: true });
  for (const name of names) await copyFile(join(HOST_CA_DIR, name), join(target, name));
  return names.sort();
}

/** The root filesystem as a tar stream (numeric owners, as `docker import` expects). */
export function tarStream(dir: string): { stream: Readable; done: Promise<Result<void, string>> } {
  const child = spawn('tar', ['--numeric-owner', '-C', dir, '-c', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const done = new Promise<Result<void, string>>((resolve) => {
    child.on('error', (error) => resolve(err(`tar: ${error.message}`)));
    child.on('close', (code) =>
      resolve(code === 0 ? ok(undefined) : err(`tar exited ${code}: ${stderr}`)),
    );
  });
  return { stream: child.stdout, done };
}
