import { spawn } from 'node:child_process';
import { statSync, lstatSync } from 'node:fs';
import { posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { err, messageOf, ok, type Result } from '../../shared/result.js';
import { bareSource, planCopy, tarRename, type CopyPlan, type PathKind } from './cp-plan.js';

/** `-a`: keep uid/gid; `-L`: follow a symbolic link that SRC is. */
export interface CopyFlags {
  readonly archive: boolean;
  readonly followLink: boolean;
}

/** What a host path is (a link is copied as itself, so counts as a file, unless followed). */
export function hostKind(path: string, follow: boolean): PathKind | undefined {
  try {
    const stats = follow || path.endsWith('/') ? statSync(path) : lstatSync(path);
    return stats.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** A running `tar` over stdio; `done` rejects with what tar printed when it fails. */
function tar(args: readonly string[], stdio: 'in' | 'out') {
  const child = spawn('tar', [...args], {
    stdio: stdio === 'in' ? ['pipe', 'ignore', 'pipe'] : ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(stderr.trim() || `tar exited with ${code}`)),
    );
  });
  return { child, done };
}

/**
 * SRC on this host as a tar stream. For a container it has the plan's name already (the Engine
 * cannot rename) and, unless `-a`, root's ownership: Docker's documented `cp` ("files copied to a
 * container are created with UID:GID of the root user").
 */
function hostArchive(src: string, plan: CopyPlan, flags: CopyFlags, to: 'host' | 'container') {
  const bare = bareSource(src);
  const args = ['-c', '-f', '-', ...(flags.followLink ? ['-h'] : [])];
  if (to === 'container' && !flags.archive) args.push('--owner=0', '--group=0', '--numeric-owner');
  if (plan.contentsOnly) args.push('-C', bare, '.');
  else {
    if (to === 'container' && plan.rename !== undefined)
      args.push(tarRename(plan.top, plan.rename));
    // The name as it is: not an option when it starts with -, backslashes not escapes.
    args.push('--no-unquote', '-C', posix.dirname(bare), '--', plan.top);
  }
  const { child, done } = tar(args, 'out');
  return { stream: child.stdout!, done };
}

/** Unpacks a tar stream into `dir` on this host, renaming its top entry as planned. */
async function unpackOnHost(
  archive: Readable,
  dir: string,
  plan: CopyPlan | undefined,
  flags: CopyFlags,
  { stripTop }: { stripTop: boolean },
): Promise<void> {
  // --ignore-zeros: read to the end, else tar may leave before the writer is done (EPIPE).
  const args = [
    '-x',
    '--ignore-zeros',
    '-f',
    '-',
    '-C',
    dir,
    flags.archive ? '--same-owner' : '--no-same-owner',
  ];
  if (plan?.rename !== undefined) args.push(tarRename(plan.top, plan.rename));
  if (stripTop) args.push('--strip-components=1');
  const { child, done } = tar(args, 'in');
  await Promise.all([pipeline(archive, child.stdin!), done]);
}

const attempt = async (work: () => Promise<void>): Promise<Result<void, string>> => {
  try {
    await work();
    return ok(undefined);
  } catch (thrown) {
    return err(messageOf(thrown));
  }
};

/** Copies SRC to DEST, both on this host (a native service's files): as `docker cp` would. */
export function copyOnHost(
  src: string,
  dest: string,
  flags: CopyFlags,
): Promise<Result<void, string>> {
  const srcKind = hostKind(src, flags.followLink);
  if (srcKind === undefined) return Promise.resolve(err(`${src}: no such file or directory`));
  const plan = planCopy({ path: src, kind: srcKind }, { path: dest, kind: hostKind(dest, true) });
  if (!plan.ok) return Promise.resolve(plan);
  return attempt(async () => {
    const out = hostArchive(src, plan.value, flags, 'host');
    await Promise.all([
      out.done,
      unpackOnHost(out.stream, plan.value.dir, plan.value, flags, { stripTop: false }),
    ]);
  });
}

/** `tar` of SRC on this host (a native service's file) to `out`: `devenv cp SERVICE:SRC -`. */
export function archiveToStream(src: string, out: Writable, flags: CopyFlags) {
  const kind = hostKind(src, flags.followLink);
  if (kind === undefined) return Promise.resolve(err(`${src}: no such file or directory`));
  const plan: CopyPlan = {
    top: posix.basename(bareSource(src)),
    dir: '',
    rename: undefined,
    contentsOnly: false,
  };
  return attempt(async () => {
    const archive = hostArchive(src, plan, flags, 'host');
    await Promise.all([archive.done, pipeline(archive.stream, out, { end: false })]);
  });
}

/** A tar stream from `input` unpacked into the directory `dir` on this host: `devenv cp - SERVICE:DIR`. */
export function unpackStream(input: Readable, dir: string, flags: CopyFlags) {
  if (hostKind(dir, true) !== 'dir') return Promise.resolve(err(`${dir} is not a directory`));
  return attempt(() => unpackOnHost(input, dir, undefined, flags, { stripTop: false }));
}

/** The container's stat of `path` (the Engine's X-Docker-Container-Path-Stat); undefined: none. */
async function containerStat(
  container: Dockerode.Container,
  path: string,
): Promise<{ kind: PathKind; linkTarget: string } | undefined> {
  try {
    const response = (await container.infoArchive({ path })) as Readable & {
      headers: Record<string, string>;
    };
    // A HEAD answer has no body; left open, its socket would keep devenv from exiting.
    response.destroy();
    const header = response.headers['x-docker-container-path-stat'];
    if (header === undefined) return undefined;
    const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as {
      mode: number;
      linkTarget: string;
    };
    // Go's os.ModeDir is the top bit.
    const dir = (stat.mode & 0x80000000) !== 0;
    return { kind: dir ? 'dir' : 'file', linkTarget: stat.linkTarget };
  } catch (thrown) {
    if ((thrown as { statusCode?: number }).statusCode === 404) return undefined;
    throw thrown;
  }
}

/** Copies SRC in the container to DEST on this host (or stdout when DEST is `-`). */
export async function copyFromContainer(
  container: Dockerode.Container,
  src: string,
  dest: string | Writable,
  flags: CopyFlags,
): Promise<Result<void, string>> {
  const stat = await containerStat(container, src);
  if (stat === undefined) return err(`${src}: no such file or directory in the container`);
  const followed = flags.followLink && stat.linkTarget !== '' ? stat.linkTarget : src;
  const kind =
    followed === src ? stat.kind : ((await containerStat(container, followed))?.kind ?? 'file');
  if (typeof dest !== 'string')
    return attempt(async () => {
      await pipeline((await container.getArchive({ path: bareSource(src) })) as Readable, dest, {
        end: false,
      });
    });
  const planned = planCopy({ path: src, kind }, { path: dest, kind: hostKind(dest, true) });
  if (!planned.ok) return planned;
  // The archive's top entry is the name of what was read: the link's target when followed.
  const plan = { ...planned.value, top: posix.basename(bareSource(followed)) };
  const rename = plan.rename ?? (followed === src ? undefined : posix.basename(bareSource(src)));
  return attempt(async () => {
    const archive = (await container.getArchive({ path: bareSource(followed) })) as Readable;
    await unpackOnHost(archive, plan.dir, { ...plan, rename }, flags, {
      stripTop: plan.contentsOnly,
    });
  });
}

/** Copies SRC on this host (or a tar stream on stdin when SRC is `-`) to DEST in the container. */
export async function copyToContainer(
  container: Dockerode.Container,
  src: string | Readable,
  dest: string,
  flags: CopyFlags,
): Promise<Result<void, string>> {
  const destStat = await containerStat(container, dest);
  const put = (archive: Readable, path: string) =>
    container.putArchive(archive, { path, ...(flags.archive ? { copyUIDGID: '1' } : {}) });
  if (typeof src !== 'string') {
    if (destStat?.kind !== 'dir') return err(`${dest} is not a directory in the container`);
    return attempt(async () => void (await put(src, dest)));
  }
  const srcKind = hostKind(src, flags.followLink);
  if (srcKind === undefined) return err(`${src}: no such file or directory`);
  const plan = planCopy({ path: src, kind: srcKind }, { path: dest, kind: destStat?.kind });
  if (!plan.ok) return plan;
  if (destStat === undefined && (await containerStat(container, plan.value.dir))?.kind !== 'dir')
    return err(`directory ${plan.value.dir} does not exist in the container: create it first`);
  return attempt(async () => {
    const archive = hostArchive(src, plan.value, flags, 'container');
    await Promise.all([archive.done, put(archive.stream, plan.value.dir)]);
  });
}
