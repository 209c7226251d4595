import { PROJECT_ROOT } from '../project-root.js';
import type { Command, CommandContext } from './command.js';
import { processOutput } from './output.js';
import { UsageError } from './usage-error.js';

/** Each command's module loads only when that command runs, so `devenv ps` does not pay for Docker's client. */
const COMMANDS: Readonly<Record<string, { load: () => Promise<Command>; summary: string }>> = {
  up: {
    load: async () => (await import('./up-command.js')).upCommand,
    summary: 'start the stack and supervise it (npm run dev)',
  },
  down: {
    load: async () => (await import('./down-command.js')).downCommand,
    summary: 'stop the running stack, or reap what a killed devenv left',
  },
  env: {
    load: async () => (await import('./env-command.js')).envCommand,
    summary: 'print the session token and dispatcher URL, for curl',
  },
  ps: {
    load: async () => (await import('./ps-command.js')).psCommand,
    summary: 'list the services of the running stack',
  },
  restart: {
    load: async () => (await import('./service-control-command.js')).restartCommand,
    summary: 'restart services of the running stack (all when none are named)',
  },
  stop: {
    load: async () => (await import('./service-control-command.js')).stopCommand,
    summary: 'stop services of the running stack; they stay down until started',
  },
  start: {
    load: async () => (await import('./service-control-command.js')).startCommand,
    summary: 'start stopped services of the running stack again',
  },
  config: {
    load: async () => (await import('./config-command.js')).configCommand,
    summary: 'print the project as devenv resolved it (Compose YAML or JSON); -q validates',
  },
  logs: {
    load: async () => (await import('./logs-command.js')).logsCommand,
    summary: 'print (and follow) service logs',
  },
  doctor: {
    load: async () => (await import('./doctor-command.js')).doctorCommand,
    summary: 'check tools, versions, Docker, ports and disk; --fix installs tools',
  },
  load: {
    load: async () => (await import('./load-command.js')).loadCommand,
    summary: 'run a k6 load profile against the running stack (smoke, load, stress, …)',
  },
  proto: {
    load: async () => (await import('./proto-command.js')).protoCommand,
    summary: 'contracts: gen (incremental), lint, breaking, clean',
  },
  promote: {
    load: async () => (await import('./promote-command.js')).promoteCommand,
    summary: 'build the images, load them into kind, helm upgrade --install and helm test',
  },
  images: {
    load: async () => (await import('./images-command.js')).imagesCommand,
    summary: 'container images: bootstrap local base images, build the app images',
  },
  'postgres-server': {
    load: async () => (await import('./postgres-server-command.js')).postgresServerCommand,
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
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? ctx.err : ctx.out)(MAIN_USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`, MAIN_USAGE);
    return await (
      await command.load()
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
