import { spawn } from 'node:child_process';
import type Dockerode from 'dockerode';
import type { CommandOutcome } from '../process/run-command.js';
import { messageOf } from '../../shared/result.js';
import type { CommandLine } from './promote-plan.js';

/** `GET /images/get?names=…`, which @types/dockerode does not declare: one tarball of them all. */
interface ImagesExport {
  getImages(options: { names: readonly string[] }): Promise<NodeJS.ReadableStream>;
}

const TAIL_BYTES = 8 * 1024;

/**
 * What `docker save IMAGES | ctr … images import -` does, with the Engine's API in place of the
 * docker CLI: one tarball of all the images (shared layers once), streamed into the importer's
 * stdin. The outcome is the importer's; a failed export is reported as a spawn error. Never rejects.
 */
export async function saveInto(
  docker: Dockerode,
  images: readonly string[],
  importer: CommandLine,
  options: { cwd: string; env: NodeJS.ProcessEnv; onOutput: (chunk: string) => void },
): Promise<CommandOutcome> {
  let tarball: NodeJS.ReadableStream;
  try {
    tarball = await (docker as unknown as ImagesExport).getImages({ names: images });
  } catch (thrown) {
    return exportFailed(images, messageOf(thrown));
  }
  return new Promise((resolve) => {
    let tail = '';
    let exportError: string | undefined;
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.onOutput(text);
      tail = (tail + text).slice(-TAIL_BYTES);
    };
    const child = spawn(importer.command, [...importer.args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // The importer may stop reading early (it failed); its own exit says why.
    child.stdin.on('error', () => undefined);
    tarball.on('error', (error: Error) => {
      exportError = error.message;
      child.stdin.destroy();
    });
    tarball.pipe(child.stdin);
    child.on('error', (error) =>
      resolve({ code: null, signal: null, tail, spawnError: error.message }),
    );
    child.on('close', (code, signal) => {
      // The importer may stop reading before the Engine's response has ended (a tar's trailing
      // blocks, or a failure): a stream left open and unread holds the Engine's socket, and with it
      // devenv, alive after its work is done.
      (tarball as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      resolve(
        exportError === undefined
          ? { code, signal, tail }
          : { ...exportFailed(images, exportError), tail },
      );
    });
  });
}

function exportFailed(images: readonly string[], detail: string): CommandOutcome {
  return {
    code: null,
    signal: null,
    tail: '',
    spawnError: `the Docker Engine could not export ${images.join(', ')} (docker save): ${detail.trim()}`,
  };
}
