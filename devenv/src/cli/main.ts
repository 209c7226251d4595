import { PROJECT_ROOT } from '../project-root.js';
import type { Command, CommandContext } from './command.js';
import { processOutput } from './output.js';
import { UsageError } from './usage-error.js';

/** Each command's module is imported only when that command runs, so `devenv ps` does not pay for Docker's client. */
const COMMANDS: Readonly<
  Record<string, { importCommand: () => Promise<Command>; summary: string }>
> = {
  up: {
    importCommand: async () => (await import('./up-command.js')).upCommand,
    summary: 'start the stack and supervise it (npm run dev)',
  },
  down: {
    importCommand: async () => (await import('./down-command.js')).downCommand,
    summary: 'stop the running stack, or reap what a killed devenv left',
  },
  env: {
    importCommand: async () => (await import('./env-command.js')).envCommand,
    summary: 'print the session token and dispatcher URL, for curl',
  },
  ps: {
    importCommand: async () => (await import('./ps-command.js')).psCommand,
    summary: 'list the services of the running stack',
  },
  ls: {
    importCommand: async () => (await import('./ls-command.js')).lsCommand,
    summary: 'list the devenv projects running on this machine (-a: also recently stopped)',
  },
  restart: {
    importCommand: async () => (await import('./service-control-command.js')).restartCommand,
    summary: 'restart services of the running stack (all when none are named)',
  },
  stop: {
    importCommand: async () => (await import('./service-control-command.js')).stopCommand,
    summary: 'stop services of the running stack; they stay down until started',
  },
  start: {
    importCommand: async () => (await import('./service-control-command.js')).startCommand,
    summary: 'start stopped services of the running stack again',
  },
  kill: {
    importCommand: async () => (await import('./signal-command.js')).killCommand,
    summary: 'send a signal (SIGKILL unless -s) to running services; a kill stays down',
  },
  pause: {
    importCommand: async () => (await import('./signal-command.js')).pauseCommand,
    summary: 'freeze running services (SIGSTOP, docker pause); their probes wait',
  },
  unpause: {
    importCommand: async () => (await import('./signal-command.js')).unpauseCommand,
    summary: 'let paused services run again',
  },
  port: {
    importCommand: async () => (await import('./port-command.js')).portCommand,
    summary: 'print the host address a running service port is published on',
  },
  top: {
    importCommand: async () => (await import('./top-command.js')).topCommand,
    summary: 'list the processes of running services (process group or container)',
  },
  events: {
    importCommand: async () => (await import('./events-command.js')).eventsCommand,
    summary: 'stream the events of running services (start, die, health_status…; --json)',
  },
  stats: {
    importCommand: async () => (await import('./stats-command.js')).statsCommand,
    summary: 'show CPU, memory, I/O and process counts of running services (--no-stream)',
  },
  wait: {
    importCommand: async () => (await import('./wait-command.js')).waitCommand,
    summary: 'block until services exit; print their status codes (--down-project)',
  },
  scale: {
    importCommand: async () => (await import('./scale-command.js')).scaleCommand,
    summary: 'run N replicas of services of the running stack (SERVICE=N…)',
  },
  exec: {
    importCommand: async () => (await import('./exec-command.js')).execCommand,
    summary: 'run a command in a running service (its environment, directory or container)',
  },
  cp: {
    importCommand: async () => (await import('./cp-command.js')).cpCommand,
    summary: 'copy files between a running service (container or native) and this host',
  },
  run: {
    importCommand: async () => (await import('./run-command.js')).runCommand,
    summary: 'run a one-off instance of a service (dependencies first; logs as SERVICE-run-N)',
  },
  config: {
    importCommand: async () => (await import('./config-command.js')).configCommand,
    summary: 'print the project as devenv resolved it (Compose YAML or JSON); -q validates',
  },
  logs: {
    importCommand: async () => (await import('./logs-command.js')).logsCommand,
    summary: 'print (and follow) service logs',
  },
  doctor: {
    importCommand: async () => (await import('./doctor-command.js')).doctorCommand,
    summary: 'check tools, versions, Docker, ports and disk; --fix installs tools',
  },
  load: {
    importCommand: async () => (await import('./load-command.js')).loadCommand,
    summary: 'run a k6 load profile against the running stack (smoke, load, stress, …)',
  },
  proto: {
    importCommand: async () => (await import('./proto-command.js')).protoCommand,
    summary: 'contracts: gen (incremental), lint, breaking, clean',
  },
  promote: {
    importCommand: async () => (await import('./promote-command.js')).promoteCommand,
    summary: 'build the images, load them into kind, helm upgrade --install and helm test',
  },
  pull: {
    importCommand: async () => (await import('./pull-command.js')).pullCommand,
    summary: "pull the services' images (image:), as `docker compose pull`",
  },
  images: {
    importCommand: async () => (await import('./images-command.js')).imagesCommand,
    summary: "the running stack's images, as `docker compose images`; also bootstrap, build",
  },
  version: {
    importCommand: async () => (await import('./version-command.js')).versionCommand,
    summary: "print devenv's version (also --version)",
  },
  'postgres-server': {
    importCommand: async () => (await import('./postgres-server-command.js')).postgresServerCommand,
    summary: 'run a development PostgreSQL, or the embedded PGlite (the postgres service natively)',
  },
};

export const MAIN_USAGE = `Usage: devenv <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`devenv <command> --help\` for a command's options.`;

/** Runs one invocation and returns the exit code: 0 ok, 1 failure, 2 usage or config error. */
export async function main(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [typed, ...rest] = argv;
  const name = typed === '--version' || typed === '-v' ? 'version' : typed;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? ctx.err : ctx.out)(MAIN_USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`, MAIN_USAGE);
    return await (
      await command.importCommand()
    )(rest, ctx);
  } catch (thrown) {
    if (thrown instanceof UsageError) {
      ctx.err(`devenv${command ? ` ${name}` : ''}: ${thrown.message}\n\n${thrown.usage}`);
      return 2;
    }
    throw thrown;
  }
}

export async function runFromProcess(): Promise<void> {
  const ctx: CommandContext = { projectRoot: PROJECT_ROOT, env: process.env, ...processOutput() };
  try {
    process.exitCode = await main(process.argv.slice(2), ctx);
  } catch (thrown) {
    // A bug, not an expected failure: show everything needed to report it.
    console.error('devenv: internal error (please report it with the lines below)');
    console.error(thrown);
    process.exitCode = 1;
  }
}
