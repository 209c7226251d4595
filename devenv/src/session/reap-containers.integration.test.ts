/**
 * The reaper and the real Docker Engine: a container the session file records is removed only
 * when it carries the session's labels. Before, every recorded id was force-removed as it was.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDockerEngine } from '../../test/docker-engine.js';
import { buildImage } from '../runtime/docker-build.js';
import { PROJECT_LABEL, SESSION_LABEL } from '../runtime/docker-labels.js';
import { dockerReaper } from '../runtime/docker-leftovers.js';
import { reapSession } from './reap.js';
import type { Session } from './session-file.js';

const run = `${process.pid}-${Date.now()}`;
const tag = `devenv-test-reap:${run}`;
const projectName = `devenvtest-reap-${run}`;
const sessionId = `session-${run}`;

let docker: Dockerode;
let context: string;
const made: string[] = [];

beforeAll(async () => {
  docker = await requireDockerEngine();
  context = await mkdtemp(join(tmpdir(), 'devenv-reap-'));
  await copyFile('/bin/busybox', join(context, 'busybox'));
  await writeFile(
    join(context, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox", "sleep", "600"]\n',
  );
  const built = await buildImage(
    docker,
    { context, dockerfile: 'Dockerfile', args: {}, target: undefined, labels: {}, noCache: false },
    tag,
    {},
    () => {},
  );
  if (!built.ok) throw new Error(built.error);
}, 120_000);

afterAll(async () => {
  for (const id of made)
    await docker
      .getContainer(id)
      .remove({ force: true })
      .catch(() => {});
  await docker
    .getImage(tag)
    .remove({ force: true })
    .catch(() => {});
  await rm(context, { recursive: true, force: true });
});

async function container(labels: Record<string, string>): Promise<string> {
  const created = await docker.createContainer({ Image: tag, Labels: labels });
  made.push(created.id);
  return created.id;
}

async function exists(id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

describe('reapSession with containers', () => {
  it('removes the recorded container with the session’s labels and refuses the others', async () => {
    const ours = await container({ [PROJECT_LABEL]: projectName, [SESSION_LABEL]: sessionId });
    const foreign = await container({});
    const otherSession = await container({
      [PROJECT_LABEL]: projectName,
      [SESSION_LABEL]: 'another-session',
    });
    const session: Session = {
      devenvPid: 4_194_305,
      devenvStartTicks: 1,
      sessionId,
      projectName,
      startedAt: 0,
      services: {
        ours: { kind: 'container', id: ours },
        foreign: { kind: 'container', id: foreign },
        other: { kind: 'container', id: otherSession },
      },
    };
    const problems: string[] = [];
    const outcome = await reapSession(
      session,
      dockerReaper({ projectName, sessionId, docker, onProblem: (p) => problems.push(p) }),
    );
    expect(problems).toEqual([]);
    expect(outcome).toEqual({
      kind: 'reaped',
      processGroups: 0,
      containers: [ours],
      refused: [
        `foreign: container ${foreign.slice(0, 12)} does not carry this session's labels (${PROJECT_LABEL}=(none), expected ${projectName}; ${SESSION_LABEL}=(none), expected ${sessionId})`,
        `other: container ${otherSession.slice(0, 12)} does not carry this session's labels (${SESSION_LABEL}=another-session, expected ${sessionId})`,
      ],
    });
    expect(await exists(ours)).toBe(false);
    expect(await exists(foreign)).toBe(true);
    expect(await exists(otherSession)).toBe(true);
  }, 60_000);
});
