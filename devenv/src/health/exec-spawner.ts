import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import {
  decodeReply,
  encodeRequest,
  splitLines,
  type SpawnOutcome,
} from './exec-spawner-protocol.js';
import { PERL_SPAWNER } from './exec-spawner-perl.js';
import { PYTHON_SPAWNER } from './exec-spawner-python.js';

/** How long past a command's own timeout devenv waits for its answer, then gives up the spawner. */
const GRACE_MS = 2_000;
/** Spawners in a row that ended without answering anything: then the next program is tried. */
const MAX_BARREN_STARTS = 3;

export interface SpawnerProgram {
  readonly file: string;
  readonly args: readonly string[];
}

export const PYTHON_PROGRAM: SpawnerProgram = {
  file: '/usr/bin/python3',
  args: ['-I', '-S', '-c', PYTHON_SPAWNER],
};
export const PERL_PROGRAM: SpawnerProgram = { file: 'perl', args: ['-e', PERL_SPAWNER] };

/**
 * The spawners to try, cheapest first: Python's on Linux, where its posix_spawn is a vfork, and
 * only the system's own Python there (macOS's /usr/bin/python3 may be a stub that offers to
 * install the developer tools); then Perl's. None on Windows.
 */
export function spawnerPrograms(platform = process.platform): SpawnerProgram[] {
  if (platform === 'win32') return [];
  const python = platform === 'linux' && existsSync(PYTHON_PROGRAM.file);
  return python ? [PYTHON_PROGRAM, PERL_PROGRAM] : [PERL_PROGRAM];
}

interface Waiting {
  readonly resolve: (outcome: SpawnOutcome | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

interface Helper {
  readonly child: ChildProcess;
  readonly waiting: Map<number, Waiting>;
  buffered: string;
  /** Request lines not yet written: those sent in one turn of the event loop go in one write. */
  outgoing: string;
  answered: boolean;
  gone: boolean;
}

/**
 * Runs commands through one long-lived small process (exec-spawner-python.ts or -perl.ts), so
 * that devenv's own large address space is not forked for every exec probe. Started at the
 * first command; a spawner that dies is replaced at the next one, and the commands it had not
 * answered yet are given back to the caller (undefined) to spawn directly. A program that is
 * not there, or whose spawners answered nothing MAX_BARREN_STARTS times in a row, gives way to
 * the next one; when none is left (on Windows, from the start), every command is given back.
 * The spawner never outlives devenv: it exits at the end of its stdin, which is devenv's pipe.
 */
export class WarmSpawner {
  private helper: Helper | undefined;
  private nextId = 1;
  private barrenStarts = 0;
  private readonly programs: SpawnerProgram[];

  constructor(programs: readonly SpawnerProgram[] = spawnerPrograms()) {
    this.programs = [...programs];
  }

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
    // Absolute: the Python spawner changes its own directory to start each command in its own.
    const line = encodeRequest({ id, command, cwd: resolvePath(cwd), env, timeoutMs });
    if (line instanceof Error) return Promise.resolve({ kind: 'error', message: line.message });
    const helper = this.current();
    if (helper === undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.stuck(helper, id), timeoutMs + GRACE_MS);
      helper.waiting.set(id, { resolve, timer });
      if (helper.waiting.size === 1) holdOpen(helper.child, true);
      this.send(helper, line);
    });
  }

  /**
   * Probes due at the same instant wake together (engine/wake-at.ts) and reach here in one
   * run of promise callbacks; a tick queued from there runs after all of them.
   */
  private send(helper: Helper, line: string): void {
    if (helper.outgoing === '')
      process.nextTick(() => {
        const lines = helper.outgoing;
        helper.outgoing = '';
        if (!helper.gone) helper.child.stdin?.write(lines);
      });
    helper.outgoing += line;
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
    const program = this.programs[0];
    if (program === undefined) return undefined;
    this.helper ??= this.start(program);
    return this.helper;
  }

  private start(program: SpawnerProgram): Helper {
    const child = spawn(program.file, program.args, {
      stdio: ['pipe', 'pipe', 'ignore'],
      // Its own process group: a Ctrl-C in devenv's terminal is devenv's to handle, not its.
      detached: true,
      // No console window of its own on Windows (what detached gives there).
      windowsHide: true,
    });
    const helper: Helper = {
      child,
      waiting: new Map(),
      buffered: '',
      outgoing: '',
      answered: false,
      gone: false,
    };
    child.unref();
    holdOpen(child, false);
    child.stdin?.on('error', () => this.lost(helper));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.received(helper, chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') this.giveUp(program);
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
    if (barren && ++this.barrenStarts >= MAX_BARREN_STARTS) this.giveUp(this.programs[0]);
    holdOpen(helper.child, false);
    for (const waiting of helper.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.resolve(undefined);
    }
    helper.waiting.clear();
  }

  private giveUp(program: SpawnerProgram | undefined): void {
    if (program === undefined || this.programs[0] !== program) return;
    this.programs.shift();
    this.barrenStarts = 0;
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
