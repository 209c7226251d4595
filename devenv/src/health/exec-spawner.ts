import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import {
  decodeReply,
  encodeRequest,
  splitLines,
  type SpawnOutcome,
} from './exec-spawner-protocol.js';
import { SPAWNER_SCRIPT } from './exec-spawner-script.js';

/** How long past a probe's own timeout devenv waits for the spawner's answer before it gives up on the spawner. */
const GRACE_MS = 2_000;
/** Spawners in a row that ended without answering anything: probes then spawn directly for good. */
const MAX_BARREN_STARTS = 3;

interface Waiting {
  readonly resolve: (outcome: SpawnOutcome | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

interface Helper {
  readonly child: ChildProcess;
  readonly waiting: Map<number, Waiting>;
  buffered: string;
  answered: boolean;
  gone: boolean;
}

/**
 * Runs commands through one long-lived small process (exec-spawner-script.ts) so that devenv's
 * own large address space is not forked for every exec probe. Started at the first command; a
 * spawner that dies is replaced at the next one, and the commands it had not answered yet are
 * given back to the caller (undefined) to spawn directly. Where there is no Perl, on Windows, or
 * after MAX_BARREN_STARTS spawners in a row answered nothing, every command is given back.
 * The spawner never outlives devenv: it exits at the end of its stdin, which is devenv's pipe.
 */
export class WarmSpawner {
  private helper: Helper | undefined;
  private nextId = 1;
  private barrenStarts = 0;
  private disabled = process.platform === 'win32';

  constructor(private readonly program = 'perl') {}

  /** The spawner's process id while one runs. */
  get pid(): number | undefined {
    return this.helper?.child.pid;
  }

  /**
   * The command's outcome, or undefined when no spawner can run it (the caller spawns it).
   * `env` is set on top of the environment devenv had when the spawner started.
   */
  run(
    command: readonly string[],
    cwd: string,
    timeoutMs: number,
    env: Readonly<Record<string, string>> = {},
  ): Promise<SpawnOutcome | undefined> {
    const id = this.nextId++;
    const line = encodeRequest({ id, command, cwd, env, timeoutMs });
    if (line instanceof Error) return Promise.resolve({ kind: 'error', message: line.message });
    const helper = this.current();
    if (helper === undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.stuck(helper, id), timeoutMs + GRACE_MS);
      helper.waiting.set(id, { resolve, timer });
      if (helper.waiting.size === 1) holdOpen(helper.child, true);
      helper.child.stdin?.write(line);
    });
  }

  /** Ends the spawner (it kills what it still runs); the next command starts another. */
  close(): void {
    const helper = this.helper;
    if (helper === undefined) return;
    this.helper = undefined;
    helper.child.stdin?.end();
    this.lost(helper, false);
  }

  private current(): Helper | undefined {
    if (this.disabled) return undefined;
    this.helper ??= this.start();
    return this.helper;
  }

  private start(): Helper {
    const child = spawn(this.program, ['-e', SPAWNER_SCRIPT], {
      stdio: ['pipe', 'pipe', 'ignore'],
      // Its own process group: a Ctrl-C in devenv's terminal is devenv's to handle, not its.
      detached: true,
    });
    const helper: Helper = {
      child,
      waiting: new Map(),
      buffered: '',
      answered: false,
      gone: false,
    };
    child.unref();
    holdOpen(child, false);
    child.stdin?.on('error', () => this.lost(helper));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.received(helper, chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') this.disabled = true;
      this.lost(helper);
    });
    child.once('close', () => this.lost(helper));
    return helper;
  }

  private received(helper: Helper, chunk: string): void {
    const { lines, rest } = splitLines(helper.buffered + chunk);
    helper.buffered = rest;
    for (const line of lines) {
      const reply = decodeReply(line);
      const waiting = reply && helper.waiting.get(reply.id);
      if (reply === undefined || waiting === undefined) continue;
      helper.answered = true;
      this.barrenStarts = 0;
      helper.waiting.delete(reply.id);
      clearTimeout(waiting.timer);
      waiting.resolve(reply.outcome);
    }
    if (helper.waiting.size === 0) holdOpen(helper.child, false);
  }

  /** No answer long past the command's timeout: the spawner is wedged; a new one takes over. */
  private stuck(helper: Helper, id: number): void {
    const waiting = helper.waiting.get(id);
    helper.waiting.delete(id);
    waiting?.resolve({ kind: 'timeout' });
    helper.child.kill('SIGKILL');
    this.lost(helper);
  }

  private lost(helper: Helper, failed = true): void {
    if (helper.gone) return;
    helper.gone = true;
    if (this.helper === helper) this.helper = undefined;
    const barren = failed && !helper.answered;
    if (barren && ++this.barrenStarts >= MAX_BARREN_STARTS) this.disabled = true;
    holdOpen(helper.child, false);
    for (const waiting of helper.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.resolve(undefined);
    }
    helper.waiting.clear();
  }
}

/** The spawner's pipe keeps devenv's event loop alive only while an answer is awaited. */
function holdOpen(child: ChildProcess, held: boolean): void {
  for (const stream of [child.stdin, child.stdout] as (Socket | null)[]) {
    if (held) stream?.ref();
    else stream?.unref();
  }
}

/** The spawner exec probes share. */
export const warmSpawner = new WarmSpawner();
