import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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
