import { spawn } from 'node:child_process';
import type { CommandContext } from './command.js';
import type { StackFlagValues } from './stack-options.js';
import { thisDevenv } from './this-devenv.js';

/**
 * The stack flags a command was given, as a command line for another devenv: the same files,
 * project name, profiles and env file.
 */
export function stackFlagArgs(values: StackFlagValues, allProfiles: boolean): string[] {
  return [
    ...(values.file ?? []).flatMap((file) => ['-f', file]),
    ...(values['project-name'] !== undefined ? ['-p', values['project-name']] : []),
    ...(allProfiles ? ['*'] : (values.profile ?? [])).flatMap((p) => ['--profile', p]),
    ...(values['env-file'] !== undefined ? ['--env-file', values['env-file']] : []),
  ];
}

/**
 * `devenv run` with no devenv running the stack: as `docker compose run` does, the dependencies
 * are started first and left running, by `devenv up --wait DEPENDENCY…` (a background devenv
 * that `devenv down` stops). Its report goes to stderr: stdout is the one-off command's. True
 * once every dependency is ready.
 */
export async function startInBackground(
  dependencies: readonly string[],
  flags: readonly string[],
  ctx: CommandContext,
): Promise<boolean> {
  ctx.err(
    `devenv run: no devenv runs this stack; starting ${dependencies.join(', ')} in the background (\`devenv down\` stops them)`,
  );
  const up = thisDevenv(['up', '--wait', ...flags, ...dependencies]);
  const child = spawn(up.command, up.args, { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().trimEnd().split('\n')) ctx.err(`  ${line}`);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const code = await new Promise<number>((resolve) => {
    child.on('exit', (exitCode) => resolve(exitCode ?? 1));
    child.on('error', () => resolve(1));
  });
  return code === 0;
}
