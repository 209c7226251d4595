import { getExecTarget, listServices } from '../control/control-client.js';
import type { ExecTarget } from '../control/protocol.js';
import { controlSocketPath } from '../control/socket-path.js';
import { stackLogFiles } from '../model/logging-files.js';
import type { PortMapping, ServiceSpec, Stack } from '../model/stack.js';
import { sessionTokenFrom } from '../session/session-secret.js';
import { createToolchain } from '../toolchain/toolchain.js';
import { describeToolFailure } from '../toolchain/resolve.js';
import { err, ok } from '../../shared/result.js';
import type { Command, CommandContext } from './command.js';
import { runInForeground } from './foreground-process.js';
import { projectVersions } from './project-versions.js';
import { startInBackground, stackFlagArgs } from './run-background-stack.js';
import { dependenciesOf, startDependencies, type DependencyProblem } from './run-dependencies.js';
import { openRunLog, type RunLog } from './run-log.js';
import type { ContainerRunFlags } from './run-container-request.js';
import {
  checkedNativeFlags,
  containerFlags,
  givenRunFlags,
  NO_TTY_NOTE,
  publishedPorts,
  type GivenRunFlags,
} from './run-flags.js';
import { nativeRunOf } from './run-native.js';
import { describeControlFailure, instanceName } from './running-stack.js';
import { parseEnvFlags, parseServiceCommandLine } from './service-command-line.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const RUN_USAGE = `Usage: devenv run [options] SERVICE [--] [COMMAND [ARG…]]

Runs a one-off instance of a service, as \`docker compose run\` does: its environment, working
directory and (without COMMAND) its own command. A container service's one-off runs in its image
on the project's network, with the container options, volumes, secrets and configs \`devenv up\`
gives it, but no published ports or network aliases (as in Compose). Its dependencies are
started through the running \`devenv up\`, or, when no devenv runs the stack, by a \`devenv up
--wait\` in the background (left running, as Compose leaves them; \`devenv down\` stops them),
and are ready first. It is not supervised or restarted; its output is shown here and kept in the
logs as SERVICE-run-<n> (\`devenv logs SERVICE-run-1\`). No TTY is allocated (the output is logged);
\`devenv exec\` gives an interactive shell.

  devenv run worker-python python -c 'import os; print(os.environ["TEMPORAL_ADDRESS"])'
  devenv run --rm --entrypoint sh -u root -v ./seed:/seed db-tools -c 'ls /seed'

      --no-deps            do not start the dependencies
      --rm                 remove the container afterwards (container services)
  -d, --detach             start the container and print its id, without waiting for it
                           (container services; with --rm the Engine removes it when it exits)
      --entrypoint CMD     run CMD (split as a shell would, no shell run) instead of the
                           entrypoint; without COMMAND the service's command goes too; ''
                           clears it. Natively: CMD instead of the command's program
  -u, --user USER[:GROUP]  run as this user (container services; natively only yourself)
  -v, --volume [SOURCE:]TARGET[:MODE]
                           mount this too, as \`volumes:\` writes it, a relative SOURCE from
                           here (repeatable; container services)
      --name NAME          the container's name instead of <project>-SERVICE-run-<n>
  -l, --label KEY=VALUE    label the container (repeatable; container services)
      --cap-add CAP        add a Linux capability (repeatable; container services)
      --cap-drop CAP       drop a Linux capability (repeatable; container services)
  -P, --service-ports      publish the service's ports (container services; none otherwise)
      --publish PORTS      publish these too, as \`ports:\` writes them (repeatable; container services)
      --use-aliases        give the container the service's network aliases (container services)
  -e, --env KEY=VALUE      set a variable (repeatable; KEY alone: this shell's)
  -w, --workdir DIR        run there (natively relative to the service's directory)
  -i, --interactive        accepted for Compose's sake: stdin is the one-off's anyway
  -T, -t                   accepted for Compose's sake: no TTY is allocated anyway (-t says so)
${STACK_FLAGS_USAGE}

Exit status: the command's (128+n when signal n ended it, 127 not found); 0 once a -d container
started; 1 when its dependencies could not be made ready; 125 when its container could not be
created; 2 usage error (also a container-only flag for a service that runs natively).`;

const OPTIONS = {
  ...STACK_FLAGS,
  'no-deps': { type: 'boolean' },
  rm: { type: 'boolean' },
  detach: { type: 'boolean', short: 'd' },
  entrypoint: { type: 'string' },
  user: { type: 'string', short: 'u' },
  volume: { type: 'string', short: 'v', multiple: true },
  name: { type: 'string' },
  label: { type: 'string', short: 'l', multiple: true },
  'cap-add': { type: 'string', multiple: true },
  'cap-drop': { type: 'string', multiple: true },
  'service-ports': { type: 'boolean', short: 'P' },
  publish: { type: 'string', multiple: true },
  'use-aliases': { type: 'boolean' },
  env: { type: 'string', short: 'e', multiple: true },
  workdir: { type: 'string', short: 'w' },
  interactive: { type: 'boolean', short: 'i' },
  'no-tty': { type: 'boolean', short: 'T' },
  tty: { type: 'boolean', short: 't' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseServiceCommandLine<typeof OPTIONS>>['values'];

export const runCommand: Command = async (args, ctx) => {
  const { values, service, command } = parseServiceCommandLine(args, OPTIONS, RUN_USAGE);
  if (values.help) {
    ctx.out(RUN_USAGE);
    return 0;
  }
  if (service === undefined) throw new UsageError('name a service to run', RUN_USAGE);
  const extraEnv = parseEnvFlags(values.env, ctx.env, RUN_USAGE);
  const publish = publishedPorts(values.publish, RUN_USAGE);
  const given = givenRunFlags(values, RUN_USAGE);
  if (values.tty === true) ctx.err(NO_TTY_NOTE);
  const loaded = await stackWithService(values, ctx, service);
  if (!loaded) return 2;
  const { stack, spec } = loaded;
  const stateDir = stateDirOf(stack, ctx);
  const socket = controlSocketPath(stateDir);
  const listed = await listServices(socket);
  if (!listed.ok && listed.error.reason !== 'unreachable') {
    ctx.err(await describeControlFailure('run', listed.error, stateDir, RUN_USAGE));
    return 1;
  }
  const running = listed.ok ? listed.value.services.map((s) => s.name) : undefined;
  // Where it runs is known before anything starts, so a flag that cannot apply there stops it first.
  const { runningTarget, native } = await whereItRuns(spec, socket, running);
  const flags = native
    ? checkedNativeFlags(spec, given, command, RUN_USAGE)
    : await containerFlags(given, stack, process.cwd(), RUN_USAGE);
  if (values['no-deps'] !== true) {
    const problem = await startedDependencies(values, loaded, socket, running, ctx);
    if (problem !== undefined) {
      if (problem !== 'reported')
        ctx.err(await describeDependencyProblem(problem, service, stateDir));
      return 1;
    }
  }
  const log = openRunLog(stateDir, service, stackLogFiles(stack, () => '').rotationOf(service));
  if (log.kept && !given.detach)
    ctx.err(`devenv run: ${log.name} (its output is also in \`devenv logs ${log.name}\`)`);
  const sessionToken = sessionTokenFrom({}, stateDir);
  const code = await runOneOff(stack, spec, command, values, extraEnv, {
    ctx,
    log,
    stateDir,
    sessionToken,
    publish,
    running: runningTarget,
    native,
    flags,
    given,
  });
  log.note(
    given.detach && code === 0
      ? `${log.name} started detached`
      : `${log.name} exited with code ${code}`,
  );
  await log.close();
  return code;
};

/**
 * Natively when the service has a native command and does not run in a container now; the
 * running instance, if any, whose environment a native one-off takes.
 */
async function whereItRuns(
  spec: ServiceSpec,
  socket: string,
  running: readonly string[] | undefined,
): Promise<{ runningTarget: ExecTarget | undefined; native: boolean }> {
  const instance = running && instanceName(running, spec.name, undefined);
  const target = instance ? await getExecTarget(socket, instance) : undefined;
  const runningTarget = target?.ok ? target.value : undefined;
  return {
    runningTarget,
    native: spec.devenv.native !== undefined && runningTarget?.runtime !== 'docker',
  };
}

/**
 * The stack, and the service to run in it. As in Compose, naming a service whose profile is not
 * enabled enables it (`devenv run migrate` of a `profiles: [tasks]` service).
 */
async function stackWithService(
  values: Values,
  ctx: CommandContext,
  service: string,
): Promise<{ stack: Stack; spec: ServiceSpec; allProfiles: boolean } | undefined> {
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return undefined;
  const spec = stack.services[service];
  if (spec) return { stack, spec, allProfiles: false };
  const everyProfile = await loadStackFromFlags({ ...values, profile: ['*'] }, ctx);
  const inProfile = everyProfile?.services[service];
  if (everyProfile && inProfile) return { stack: everyProfile, spec: inProfile, allProfiles: true };
  throw new UsageError(
    `no service named ${service}; services: ${Object.keys(stack.services).join(', ')}`,
    RUN_USAGE,
  );
}

type NotReady = DependencyProblem | { reason: 'no-stack'; dependencies: string[] };

/**
 * Undefined once every dependency is ready (or there are none), else what stands in the way:
 * `reported` when the background \`devenv up --wait\` that started them (no devenv ran the stack)
 * failed and said why.
 */
async function startedDependencies(
  values: Values,
  { stack, spec, allProfiles }: { stack: Stack; spec: ServiceSpec; allProfiles: boolean },
  socket: string,
  running: readonly string[] | undefined,
  ctx: CommandContext,
): Promise<NotReady | 'reported' | undefined> {
  const dependencies = dependenciesOf(stack, spec.name);
  if (dependencies.length === 0) return undefined;
  if (running === undefined) {
    if (!(await startInBackground(dependencies, stackFlagArgs(values, allProfiles), ctx))) {
      ctx.err(`devenv run: ${spec.name}'s dependencies did not become ready (see above)`);
      return 'reported';
    }
    const relisted = await listServices(socket);
    running = relisted.ok ? relisted.value.services.map((s) => s.name) : undefined;
  }
  if (running === undefined) return { reason: 'no-stack', dependencies };
  const started = await startDependencies(socket, running, dependencies);
  return started.ok ? undefined : started.error;
}

async function describeDependencyProblem(
  problem: NotReady,
  service: string,
  stateDir: string,
): Promise<string> {
  switch (problem.reason) {
    case 'no-stack':
      return `devenv run: ${service} depends on ${problem.dependencies.join(', ')}, and no devenv runs this stack to start them: start it with \`devenv up\` (in another terminal), or pass --no-deps`;
    case 'absent':
      return `devenv run: ${service} depends on ${problem.missing.join(', ')}, which the running stack does not have (a profile or \`devenv up SERVICE…\` left them out): restart \`devenv up\` with them, or pass --no-deps`;
    case 'not-ready':
      return `devenv run: ${service}'s dependencies are not ready:\n${problem.lines.map((l) => `  ${l}`).join('\n')}`;
    case 'control':
      return describeControlFailure('run', problem.failure, stateDir, RUN_USAGE);
  }
}

interface RunContext {
  readonly ctx: CommandContext;
  readonly log: RunLog;
  readonly stateDir: string;
  /** `--publish`'s ports (a container one-off's). */
  readonly publish: readonly PortMapping[];
  readonly sessionToken: string | undefined;
  /** The service's running instance, when one runs: a native one-off takes its environment. */
  readonly running: ExecTarget | undefined;
  /** A process on this host (the service runs natively), else a container. */
  readonly native: boolean;
  readonly flags: ContainerRunFlags;
  /** `--entrypoint` (a native one-off's program), `--name`, `-d`. */
  readonly given: GivenRunFlags;
}

/** Runs the one-off where the service runs (natively when it can), teeing output to the log. */
async function runOneOff(
  stack: Stack,
  spec: ServiceSpec,
  command: readonly string[],
  values: Values,
  extraEnv: Record<string, string>,
  run: RunContext,
): Promise<number> {
  const { ctx, log } = run;
  const output = (stream: 'stdout' | 'stderr', chunk: Buffer) => {
    (stream === 'stdout' ? process.stdout : process.stderr).write(chunk);
    log.write(stream, chunk);
  };
  const onSpawnError = (message: string) => {
    ctx.err(`devenv run: ${message}`);
    log.note(message);
  };
  if (!run.native) {
    // Loaded here: the Engine's client is no cost to a native run.
    const { runContainerOneOff } = await import('./run-docker.js');
    return runContainerOneOff({
      ...containerRunOptions(stack, spec, values, run),
      command,
      extraEnv,
      started: (id) => ctx.out(id),
      output,
      note: (message) => log.note(message),
      problem: onSpawnError,
    });
  }
  const planned = await nativeRunOf({
    spec,
    command,
    entrypoint: run.given.entrypoint,
    runningEnvironment:
      run.running?.runtime === 'native' && run.running.problem === null
        ? run.running.environment
        : undefined,
    sessionToken: run.sessionToken,
    extraEnv,
    workdir: values.workdir,
    toolPath: async (tool) => {
      const versions = await projectVersions(ctx);
      if (!versions) return err('versions.yaml has problems (printed above)');
      const found = await createToolchain({ projectRoot: ctx.projectRoot, versions }).ensure(tool);
      return found.ok ? ok(found.value.path) : err(describeToolFailure(found.error));
    },
  });
  if (!planned.ok) {
    onSpawnError(planned.error);
    return 1;
  }
  log.note(
    `one-off process of ${spec.name} in ${planned.value.cwd}: ${planned.value.argv.join(' ')}`,
  );
  return runInForeground(planned.value.argv, { ...planned.value, output }, onSpawnError);
}

/** What a container one-off takes from the stack, the flags and the run (run-docker.ts). */
function containerRunOptions(stack: Stack, spec: ServiceSpec, values: Values, run: RunContext) {
  return {
    spec,
    projectName: stack.projectName,
    projectDir: stack.projectDir,
    stateDir: run.stateDir,
    runName: run.log.name,
    sessionToken: run.sessionToken,
    workdir: values.workdir,
    remove: values.rm === true,
    servicePorts: values['service-ports'] === true,
    publish: run.publish,
    useAliases: values['use-aliases'] === true,
    flags: run.flags,
    containerName: run.given.name,
    detach: run.given.detach,
  };
}
