import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { delimiter } from 'node:path';
import Dockerode from 'dockerode';
import { findExecutable } from '../src/process/executable.js';
import { messageOf } from '../src/result.js';

const LOG_FILE = '/tmp/dockerd.log';
const START_TIMEOUT_MS = 30_000;

/**
 * Makes sure the tests have a Docker Engine: pings it, and when nothing listens on the socket and
 * we are root with `dockerd` installed (as on CI), starts one in the background and waits for it.
 * Otherwise throws an error that says what to do: docker tests fail loudly, they never skip.
 */
export async function ensureDockerEngine(docker: Dockerode = new Dockerode()): Promise<Dockerode> {
  const first = await ping(docker);
  if (first === undefined) return docker;
  const host = process.env['DOCKER_HOST'];
  const local = host === undefined || host.startsWith('unix://');
  const dockerd = await findDockerd();
  const root = process.getuid?.() === 0;
  if (!local || !dockerd || !root) {
    throw new Error(
      `the Docker Engine does not answer (${first}) and cannot be started from here ` +
        `(${!local ? `DOCKER_HOST=${host} is not local` : !dockerd ? 'dockerd is not installed' : 'not root'}): ` +
        'install docker.io and start dockerd (`sudo dockerd > /tmp/dockerd.log 2>&1 &`) before running these tests',
    );
  }
  const log = await open(LOG_FILE, 'a');
  try {
    // Detached and unreferenced: the Engine outlives this test run, like a system service would.
    const child = spawn(dockerd, [], { detached: true, stdio: ['ignore', log.fd, log.fd] });
    child.on('error', () => undefined);
    child.unref();
  } finally {
    await log.close();
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = first;
  // Keep asking even if our dockerd quit at once: a parallel test file may have started the Engine first.
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const answer = await ping(docker);
    if (answer === undefined) return docker;
    last = answer;
  }
  const tail = (await readFile(LOG_FILE, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
  throw new Error(
    `started ${dockerd}, but the Docker Engine did not answer within ${START_TIMEOUT_MS / 1000} s (${last}); ` +
      `last lines of ${LOG_FILE}:\n${tail}`,
  );
}

/** undefined when the Engine answers, else why not. */
async function ping(docker: Dockerode): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 3 s')), 3_000);
      }),
    ]);
    return undefined;
  } catch (error) {
    return messageOf(error);
  } finally {
    clearTimeout(timer);
  }
}

function findDockerd(): Promise<string | undefined> {
  // dockerd lives in sbin, which a non-login PATH may lack.
  const path = process.env['PATH'] ?? '';
  return findExecutable('dockerd', [...path.split(delimiter), '/usr/sbin', '/usr/bin', '/sbin']);
}
