import { spawn } from 'node:child_process';
import Dockerode from 'dockerode';
import type { Stack } from '../model/stack.js';
import { runCommand, type CommandOutcome } from '../process/run-command.js';
import { imagesMissingFrom } from './containerd-presence.js';
import { saveInto } from './image-import.js';
import type { Versions } from '../versions/versions-file.js';
import { buildAppImages } from './app-images.js';
import type { TargetContext } from './context-policy.js';
import { connectKubeApi, type KubeApi } from './kube-api.js';
import { collectDiagnostics } from './pod-diagnostics.js';
import type { PromoteEffects } from './promote-run.js';

export interface EffectsInput {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stack: Stack;
  readonly target: TargetContext;
  readonly namespace: string;
  readonly release: string;
  readonly versions: Versions;
  readonly buildLog: (line: string) => void;
  readonly buildOutput: (chunk: Buffer) => void;
}

/** The real effects: processes, the local Docker Engine, the cluster's API server (reads only). */
export function realPromoteEffects(input: EffectsInput): PromoteEffects {
  let api: Promise<KubeApi | string> | undefined;
  return {
    pollMs: 5_000,
    run: (line, onOutput) =>
      runCommand(line.command, line.args, { cwd: input.cwd, env: input.env, onOutput }),
    capture: (line) => captureCommand(line.command, line.args, input.cwd, input.env),
    importImages: (images, line, onOutput) =>
      saveInto(new Dockerode(), images, line, { cwd: input.cwd, env: input.env, onOutput }),
    imagesToImport: (images, ctr, address) =>
      imagesMissingFrom(images, ctr, address, new Dockerode(), { cwd: input.cwd, env: input.env }),
    buildImages: () =>
      buildAppImages({
        docker: new Dockerode(),
        stack: input.stack,
        projectRoot: input.cwd,
        versions: input.versions,
        env: input.env,
        log: input.buildLog,
        output: input.buildOutput,
      }),
    diagnostics: async () => {
      api ??= connectKubeApi(input.target).then((r) => (r.ok ? r.value : r.error));
      const client = await api;
      if (typeof client === 'string') return `(no pod diagnostics: ${client})`;
      return collectDiagnostics(client, input.namespace, input.release);
    },
  };
}

const MAX_STDOUT = 16 * 1024 * 1024;

/** Runs a command for its stdout; stderr only feeds the failure tail. Never rejects. */
export function captureCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ outcome: CommandOutcome; stdout: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(command, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_STDOUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
    });
    child.on('error', (error) =>
      resolve({
        outcome: { code: null, signal: null, tail: stderr, spawnError: error.message },
        stdout,
      }),
    );
    child.on('close', (code, signal) =>
      resolve({ outcome: { code, signal, tail: stderr }, stdout }),
    );
  });
}
