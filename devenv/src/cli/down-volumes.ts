import { declaredVolumes } from '../model/volumes.js';
import type { Stack } from '../model/stack.js';
import { describeEngineSilence, pingDockerEngine } from '../runtime/docker-ping.js';
import { messageOf } from '../../shared/result.js';
import type { CommandContext } from './command.js';

/**
 * The named volumes `down -v` removes, as Compose removes them: those the file declares under
 * the top-level `volumes` and does not mark `external` (another project, or the user, owns those).
 */
export function removableVolumes(stack: Stack): string[] {
  const top = stack.document['volumes'];
  const declared = declaredVolumes(
    stack.projectName,
    typeof top === 'object' && top !== null
      ? (top as Parameters<typeof declaredVolumes>[1])
      : undefined,
  );
  return [...declared.values()].filter((v) => !v.external).map((v) => v.name);
}

/**
 * `devenv down -v`: removes the project's named volumes from the Docker Engine once nothing runs.
 * A volume the Engine does not have is skipped; one still in use (by a container that is not
 * devenv's) is reported. Returns the exit status: 1 when a volume could not be removed.
 */
export async function removeVolumes(stack: Stack, ctx: CommandContext): Promise<number> {
  const names = removableVolumes(stack);
  if (names.length === 0) return 0;
  const { default: Dockerode } = await import('dockerode');
  const docker = new Dockerode();
  const answered = await pingDockerEngine(docker);
  if (!answered.ok) {
    ctx.err(
      `devenv down: volumes ${names.join(', ')} not removed: the Docker Engine does not answer (${describeEngineSilence(answered.error)}); start it and run \`devenv down -v\` again`,
    );
    return 1;
  }
  let code = 0;
  for (const name of names) {
    try {
      await docker.getVolume(name).remove();
      ctx.out(`removed volume ${name}`);
    } catch (thrown) {
      const status = (thrown as { statusCode?: number }).statusCode;
      if (status === 404) continue;
      ctx.err(`devenv down: volume ${name} not removed: ${messageOf(thrown)}`);
      code = 1;
    }
  }
  return code;
}
