import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';

/** A one-layer image made of host files (static binaries) and links, with its entrypoint. */
export interface ImageSpec {
  /** `repo:tag`, the name containerd stores it under. */
  readonly name: string;
  /** Path inside the image → host file to copy (mode kept). */
  readonly files: Readonly<Record<string, string>>;
  /** Path inside the image → link target. */
  readonly links?: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
  readonly env?: readonly string[];
}

const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64' };

/**
 * Writes `spec` as an OCI image layout tarball (what `ctr images import` reads): no registry, no
 * Docker, just tar. Returns the tarball's path, `<workDir>/<sanitised name>.tar`.
 */
export async function buildOciImage(
  spec: ImageSpec,
  workDir: string,
): Promise<Result<string, string>> {
  const base = join(workDir, spec.name.replace(/[^\w.-]+/g, '_'));
  const rootfs = `${base}.rootfs`;
  const layout = `${base}.oci`;
  await rm(layout, { recursive: true, force: true });
  await writeRootfs(spec, rootfs);
  const blobs = join(layout, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const layerTar = join(layout, 'layer.tar');
  const packed = await tar([
    '--numeric-owner',
    '--owner=0',
    '--group=0',
    '-C',
    rootfs,
    '-cf',
    layerTar,
    '.',
  ]);
  if (!packed.ok) return packed;
  const layer = await storeBlob(blobs, await readFile(layerTar));
  await rm(layerTar);
  const config = await storeBlob(
    blobs,
    Buffer.from(JSON.stringify(imageConfig(spec, layer.digest))),
  );
  const manifest = await storeBlob(
    blobs,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      }),
    ),
  );
  await writeIndex(layout, spec.name, manifest);
  const tarball = `${base}.tar`;
  const written = await tar(['-C', layout, '-cf', tarball, 'oci-layout', 'index.json', 'blobs']);
  await rm(rootfs, { recursive: true, force: true });
  await rm(layout, { recursive: true, force: true });
  return written.ok ? ok(tarball) : written;
}

/** index.json naming the manifest as `name` (containerd's import reads the annotation). */
async function writeIndex(
  layout: string,
  name: string,
  manifest: { digest: string; size: number },
): Promise<void> {
  const tag = name.slice(name.lastIndexOf(':') + 1);
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        ...manifest,
        annotations: {
          'io.containerd.image.name': name,
          'org.opencontainers.image.ref.name': tag,
        },
      },
    ],
  };
  await writeFile(join(layout, 'index.json'), JSON.stringify(index));
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
}

async function writeRootfs(spec: ImageSpec, rootfs: string): Promise<void> {
  await rm(rootfs, { recursive: true, force: true });
  for (const [inside, host] of Object.entries(spec.files)) {
    await mkdir(dirname(join(rootfs, inside)), { recursive: true });
    await copyFile(host, join(rootfs, inside));
  }
  for (const [inside, target] of Object.entries(spec.links ?? {})) {
    await mkdir(dirname(join(rootfs, inside)), { recursive: true });
    await symlink(target, join(rootfs, inside));
  }
  await mkdir(join(rootfs, 'tmp'), { recursive: true });
}

function imageConfig(spec: ImageSpec, layerDigest: string): object {
  return {
    architecture: GO_ARCH[process.arch] ?? process.arch,
    os: 'linux',
    config: {
      Entrypoint: spec.entrypoint,
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      Env: ['PATH=/bin:/usr/bin', ...(spec.env ?? [])],
    },
    rootfs: { type: 'layers', diff_ids: [layerDigest] },
  };
}

async function storeBlob(dir: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(dir, hex), bytes);
  return { digest: `sha256:${hex}`, size: (await stat(join(dir, hex))).size };
}

async function tar(args: readonly string[]): Promise<Result<void, string>> {
  const outcome = await runCommand('tar', args, { timeoutMs: 120_000 });
  return outcome.code === 0 ? ok(undefined) : err(`tar failed: ${describeOutcome(outcome)}`);
}
