import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Dockerode from 'dockerode';

/** busybox-static's binary: the whole userland of the images the docker tests build here. */
export const BUSYBOX = '/bin/busybox';

/**
 * Writes a build context for an image FROM scratch holding only a static busybox at
 * /bin/busybox (no registry is reachable here, so no base image can be pulled).
 * @param dockerfile the Dockerfile's lines after `COPY busybox /bin/busybox`
 * @param files more files of the context, by path inside it (folders are made)
 */
export async function writeBusyboxContext(
  context: string,
  dockerfile: readonly string[] = [],
  files: Readonly<Record<string, string>> = {},
): Promise<void> {
  await mkdir(context, { recursive: true });
  await copyFile(BUSYBOX, join(context, 'busybox')).catch((error: unknown) => {
    throw new Error(`${BUSYBOX} is missing (apt-get install -y busybox-static): ${String(error)}`);
  });
  const lines = ['FROM scratch', 'COPY busybox /bin/busybox', ...dockerfile, ''];
  await writeFile(join(context, 'Dockerfile'), lines.join('\n'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(context, path)), { recursive: true });
    await writeFile(join(context, path), content);
  }
}

/**
 * `box/` in a project folder: the build context of an image serving `index` (www/index.html)
 * with busybox's httpd. Returns the start of `box`'s Compose service (build, image, command) for
 * the test to add its own keys under.
 */
export async function writeHttpdBox(dir: string, image: string, index: string): Promise<string> {
  await writeBusyboxContext(join(dir, 'box'), ['COPY www /www', 'WORKDIR /www'], {
    'www/index.html': index,
  });
  return [
    '  box:',
    '    build: { context: ./box }',
    `    image: ${image}`,
    "    command: [/bin/busybox, httpd, -f, -p, '8080', -h, /www]",
    '',
  ].join('\n');
}

/** Removes a test's image, if it is there. */
export async function removeImage(docker: Dockerode | undefined, ref: string): Promise<void> {
  await docker
    ?.getImage(ref)
    .remove({ force: true })
    .catch(() => undefined);
}
