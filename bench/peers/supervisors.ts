// Each supervisor of the peer bench, told the same small project in its own configuration
// language: devenv (a Compose file), Tilt (a Tiltfile of local_resources), process-compose and
// honcho (a Procfile: no probes, dependencies or file watching, so it sits out those workloads).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEVENV } from '../devenv-run.js';
import type { Launch } from './measure.js';

export type ProbeSpec =
  | { readonly kind: 'tcp'; readonly port: number }
  | { readonly kind: 'exec'; readonly argv: readonly string[] };

export interface ServiceSpec {
  readonly name: string;
  readonly argv: readonly string[];
  readonly probe?: ProbeSpec;
  readonly periodSeconds?: number;
  /** Started once this service is ready. */
  readonly after?: string;
  /** Restarted when this file changes. */
  readonly watch?: string;
}

export interface ProjectSpec {
  readonly services: readonly ServiceSpec[];
  /** The supervisor exits once every service has exited (S1, own start and stop). */
  readonly runToCompletion: boolean;
}

export interface Supervisor {
  readonly name: string;
  readonly supports: { readonly probes: boolean; readonly order: boolean; readonly watch: boolean };
  /** Writes the project in its own form into `dir` (its own directory) and says how to run it. */
  prepare(project: ProjectSpec, dir: string): Promise<Omit<Launch, 'outputFile'>>;
  /** The files a service's output ends up in, oldest first (rotated files before the current). */
  logOf(dir: string, service: string, outputFile: string): string[];
}

const yamlList = (argv: readonly string[]) => `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
const pyList = yamlList;
const shellLine = (argv: readonly string[]) =>
  argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');

function devenvService(service: ServiceSpec): string {
  const probe = service.probe;
  const check =
    probe === undefined
      ? ''
      : probe.kind === 'tcp'
        ? `tcp: ${probe.port}`
        : `exec: ${yamlList(probe.argv)}`;
  return [
    `  ${service.name}:`,
    `    image: bench/${service.name}:1`,
    service.after ? `    depends_on: { ${service.after}: { condition: service_healthy } }` : '',
    service.watch
      ? `    develop: { watch: [{ path: ${JSON.stringify(service.watch)}, action: restart }] }`
      : '',
    '    x-devenv:',
    `      native: { command: ${yamlList(service.argv)} }`,
    probe ? `      probe: { period: ${service.periodSeconds ?? 5}s, ${check} }` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export const devenv: Supervisor = devenvAt(process.env['DEVENV_BIN'] ?? DEVENV, 'devenv');

/** devenv from `bin` (another checkout's devenv/bin/devenv.js, for before and after). */
export function devenvAt(bin: string, name: string): Supervisor {
  return {
    name,
    supports: { probes: true, order: true, watch: true },
    async prepare(project, dir) {
      const services = project.services.map(devenvService);
      if (project.runToCompletion) {
        // `up --ci` returns once every service is ready: `done` is ready only after the others
        // completed, so the run ends with the last line delivered.
        const after = project.services
          .map((s) => `${s.name}: { condition: service_completed_successfully }`)
          .join(', ');
        services.push(
          `  done:\n    image: bench/done:1\n    depends_on: { ${after} }\n` +
            `    x-devenv:\n      native: { command: ${yamlList([process.execPath, '-e', 'setInterval(() => {}, 1e6)'])} }`,
        );
      }
      await writeFile(
        join(dir, 'compose.yaml'),
        `name: peers\nservices:\n${services.join('\n')}\n`,
      );
      const args = project.runToCompletion
        ? ['up', '--ci', '--no-logs', '-f', 'compose.yaml']
        : ['up', '--no-logs', '-f', 'compose.yaml'];
      return { command: bin, args, cwd: dir };
    },
    // The file sink keeps `<service>.log` and three rotated files of 10 MiB (`.1` newest).
    logOf: (dir, service) =>
      ['.3', '.2', '.1', ''].map((n) => join(dir, '.devenv', 'logs', `${service}.log${n}`)),
  };
}

function tiltResource(service: ServiceSpec, runToCompletion: boolean): string {
  const probe = service.probe;
  const action =
    probe === undefined
      ? ''
      : probe.kind === 'tcp'
        ? `tcp_socket=tcp_socket_action(${probe.port})`
        : `exec=exec_action(${pyList(probe.argv)})`;
  const fields = [
    runToCompletion ? `cmd=${pyList(service.argv)}` : `serve_cmd=${pyList(service.argv)}`,
    service.after ? `resource_deps=['${service.after}']` : '',
    service.watch ? `deps=[${JSON.stringify(service.watch)}]` : '',
    probe ? `readiness_probe=probe(period_secs=${service.periodSeconds ?? 5}, ${action})` : '',
  ].filter(Boolean);
  return `local_resource('${service.name}', ${fields.join(', ')})`;
}

export function tilt(binary: string, port: () => Promise<number>): Supervisor {
  return {
    name: 'Tilt',
    supports: { probes: true, order: true, watch: true },
    async prepare(project, dir) {
      const resources = project.services.map((s) => tiltResource(s, project.runToCompletion));
      await writeFile(join(dir, 'Tiltfile'), `${resources.join('\n')}\n`);
      const web = String(await port());
      const args = project.runToCompletion
        ? ['ci', '--port', web, '-f', 'Tiltfile']
        : ['up', '--stream', '--port', web, '-f', 'Tiltfile'];
      // No analytics prompt or upload; no cluster is involved (local resources only).
      const env = { TILT_DISABLE_ANALYTICS: '1', CI: '1' };
      return { command: binary, args, cwd: dir, env };
    },
    logOf: (_dir, _service, outputFile) => [outputFile],
  };
}

export function honcho(binary: string): Supervisor {
  return {
    name: 'honcho',
    supports: { probes: false, order: false, watch: false },
    async prepare(project, dir) {
      const lines = project.services.map((s) => `${s.name}: exec ${shellLine(s.argv)}`);
      await writeFile(join(dir, 'Procfile'), `${lines.join('\n')}\n`);
      return { command: binary, args: ['start', '-f', 'Procfile'], cwd: dir };
    },
    logOf: (_dir, _service, outputFile) => [outputFile],
  };
}

function composeProcess(service: ServiceSpec, runToCompletion: boolean): string {
  const probe = service.probe;
  const check =
    probe === undefined
      ? ''
      : probe.kind === 'tcp'
        ? // process-compose has exec and http_get probes; a TCP check is an exec of Node.
          `exec: { command: ${JSON.stringify(`${process.execPath} -e "require('net').connect(${probe.port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"`)} }`
        : `exec: { command: ${JSON.stringify(shellLine(probe.argv))} }`;
  return [
    `  ${service.name}:`,
    `    command: ${JSON.stringify(shellLine(service.argv))}`,
    service.after ? `    depends_on: { ${service.after}: { condition: process_healthy } }` : '',
    probe ? `    readiness_probe: { ${check}, period_seconds: ${service.periodSeconds ?? 5} }` : '',
    service.watch ? `    watch: { paths: [{ path: ${JSON.stringify(service.watch)} }] }` : '',
    runToCompletion ? '    availability: { exit_on_end: true }' : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function processCompose(binary: string, port: () => Promise<number>): Supervisor {
  return {
    name: 'process-compose',
    supports: { probes: true, order: true, watch: true },
    async prepare(project, dir) {
      const processes = project.services.map((s) => composeProcess(s, project.runToCompletion));
      await writeFile(
        join(dir, 'process-compose.yaml'),
        `version: "0.5"\nlog_location: ${JSON.stringify(join(dir, 'pc.log'))}\n` +
          `processes:\n${processes.join('\n')}\n`,
      );
      const args = ['up', '--tui=false', '--port', String(await port())];
      return {
        command: binary,
        args: [...args, '-f', 'process-compose.yaml'],
        cwd: dir,
      };
    },
    logOf: (dir) => [join(dir, 'pc.log')],
  };
}

/** A fresh directory for one supervisor's run. */
export async function projectDir(root: string, name: string, round: number): Promise<string> {
  const dir = join(root, `${name.replace(/\W/g, '')}-${round}`);
  if (!existsSync(dir)) await mkdir(dir, { recursive: true });
  return dir;
}
