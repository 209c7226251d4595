/** The warm spawner with real processes: Perl, shells, sleeps, signals and a devenv that exits. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { waitUntil } from '../../test/wait-until.js';
import { isDeadState, readProcStatSync } from '../runtime/proc-stat.js';
import { awkwardWord, random } from './exec-spawner-fuzz.js';
import {
  PERL_PROGRAM,
  PYTHON_PROGRAM,
  spawnerPrograms,
  WarmSpawner,
  type SpawnerProgram,
} from './exec-spawner.js';

const makeTempDir = useTempDirs('devenv-exec-spawner-');
const spawners: WarmSpawner[] = [];
afterEach(() => spawners.splice(0).forEach((spawner) => spawner.close()));

function newSpawner(programs?: readonly SpawnerProgram[]): WarmSpawner {
  const spawner = new WarmSpawner(programs);
  spawners.push(spawner);
  return spawner;
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  const stat = readProcStatSync(pid);
  return stat !== undefined && !isDeadState(stat.state);
}

async function pidIn(file: string): Promise<number> {
  return waitUntil(`a pid in ${file}`, 30_000, async () => {
    const text = await readFile(file, 'utf8').catch(() => '');
    return text.trim() ? Number(text) : undefined;
  });
}

const gone = (what: string, pid: number) =>
  waitUntil(`${what} (${pid}) is gone`, 10_000, () => (alive(pid) ? undefined : true));

const PROGRAMS = [
  ['Python', PYTHON_PROGRAM],
  ['Perl', PERL_PROGRAM],
] as const;

describe.each(PROGRAMS)('WarmSpawner in %s', (_, program) => {
  it('runs a command in its own process, a child of the spawner, and answers its exit', async () => {
    const spawner = newSpawner([program]);
    const dir = await makeTempDir();
    expect(await spawner.run(['true'], dir, 5_000)).toEqual({ kind: 'exit', code: 0, output: '' });
    const outcome = await spawner.run(
      ['sh', '-c', 'echo $PPID; echo not ready >&2; exit 3'],
      dir,
      5_000,
    );
    expect(outcome).toEqual({ kind: 'exit', code: 3, output: `${spawner.pid}\nnot ready\n` });
    expect(spawner.pid).not.toBe(process.pid);
  });

  it('answers each of many commands sent in one turn (one write) with its own exit', async () => {
    const spawner = newSpawner([program]);
    const dir = await makeTempDir();
    const codes = Array.from({ length: 20 }, (_, i) => i);
    const outcomes = await Promise.all(
      codes.map((code) => spawner.run(['sh', '-c', `exit ${code}`], dir, 5_000)),
    );
    expect(outcomes.map((outcome) => outcome?.kind === 'exit' && outcome.code)).toEqual(codes);
  });

  it('passes argv, directory and environment exactly, none of it read by a shell', async () => {
    const spawner = newSpawner([program]);
    const dir = join(await makeTempDir(), `it's a "dir" $HOME \\ *`);
    await mkdir(dir);
    const words = [
      `it's`,
      '"quoted"',
      '$HOME',
      '$(echo no)',
      'back\\slash',
      'new\nline',
      ' ',
      '',
      '*',
      ';exit 0',
      '漢🙂',
    ];
    const script = 'printf "%s\\0" "$@" "$PROBE_VALUE" "$(pwd)"; exit 1';
    const value = 'a b$c\n"d\' `e`';
    const outcome = await spawner.run(['sh', '-c', script, 'sh', ...words], dir, 5_000, {
      PROBE_VALUE: value,
    });
    expect(outcome?.kind === 'exit' && outcome.output.split('\0')).toEqual([
      ...words,
      value,
      dir,
      '',
    ]);
  });

  it('passes random awkward words exactly (fuzzed, through the real spawner)', async () => {
    const spawner = newSpawner([program]);
    const dir = await makeTempDir();
    const script = 'printf "%s\\0" "$@"; exit 1';
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      // At least one: printf prints its format once even for no arguments.
      const words = Array.from({ length: 1 + Math.floor(next() * 5) }, () => awkwardWord(next));
      const outcome = await spawner.run(['sh', '-c', script, 'sh', ...words], dir, 5_000);
      const received = outcome?.kind === 'exit' ? outcome.output.split('\0').slice(0, -1) : outcome;
      expect(received, `seed ${seed}`).toEqual(words);
    }
  });

  it('reads a relative directory from devenv’s own, whatever ran before', async () => {
    const spawner = newSpawner([program]);
    await spawner.run(['true'], await makeTempDir(), 5_000);
    const outcome = await spawner.run(['sh', '-c', 'pwd; exit 1'], '.', 5_000);
    expect(outcome).toEqual({ kind: 'exit', code: 1, output: `${process.cwd()}\n` });
  });

  it('fails a program that cannot run with the reason in its output', async () => {
    const spawner = newSpawner([program]);
    const dir = await makeTempDir();
    const outcome = await spawner.run(['/nonexistent/probe'], dir, 5_000);
    expect(outcome).toEqual({
      kind: 'exit',
      code: 127,
      output: '/nonexistent/probe: No such file or directory\n',
    });
    expect(await spawner.run(['true'], join(dir, 'absent'), 5_000)).toMatchObject({
      kind: 'exit',
      code: 127,
    });
    const killed = await spawner.run(['sh', '-c', 'kill -TERM $$'], dir, 5_000);
    expect(killed).toEqual({ kind: 'signal', signal: 15, output: '' });
  });

  it('kills a command whose time is up with its children, and holds up no other command', async () => {
    const spawner = newSpawner([program]);
    const dir = await makeTempDir();
    const slow = spawner.run(['sh', '-c', 'sleep 60 & echo $! > pid; sleep 60'], dir, 1_500);
    const order: string[] = [];
    void slow.then(() => order.push('slow'));
    const background = await pidIn(join(dir, 'pid'));
    expect(await spawner.run(['true'], dir, 5_000)).toMatchObject({ kind: 'exit', code: 0 });
    order.push('quick');
    expect(await slow).toEqual({ kind: 'timeout' });
    expect(order).toEqual(['quick', 'slow']);
    await gone('the timed-out command’s background sleep', background);
  });

  it('kills what a command left in the background once it exits', async () => {
    const spawner = newSpawner([program]);
    const dir = await makeTempDir();
    const outcome = await spawner.run(['sh', '-c', 'sleep 60 & echo $! > pid'], dir, 30_000);
    expect(outcome).toMatchObject({ kind: 'exit', code: 0 });
    await gone('the background sleep', await pidIn(join(dir, 'pid')));
  });

  it('gives back what a killed spawner left unanswered, and a new spawner takes over', async () => {
    const spawner = newSpawner([program]);
    const dir = await makeTempDir();
    const pending = spawner.run(['sh', '-c', 'echo $$ > pid; exec sleep 60'], dir, 30_000);
    await pidIn(join(dir, 'pid'));
    const first = spawner.pid!;
    process.kill(first, 'SIGKILL');
    // undefined: probeExec then spawns the command itself.
    expect(await pending).toBeUndefined();
    for (let i = 0; i < 3; i++)
      expect(await spawner.run(['true'], dir, 5_000)).toMatchObject({ kind: 'exit', code: 0 });
    expect(spawner.pid).toBeDefined();
    expect(spawner.pid).not.toBe(first);
  });
});

describe('WarmSpawner', () => {
  it('tries the next program where one is not there, and gives every command back when none is', async () => {
    const dir = await makeTempDir();
    const absent = { file: '/nonexistent/python3', args: [] };
    const none = newSpawner([absent, { file: '/nonexistent/perl', args: [] }]);
    for (let i = 0; i < 3; i++) expect(await none.run(['true'], dir, 5_000)).toBeUndefined();
    expect(none.pid).toBeUndefined();
    const perl = newSpawner([absent, PERL_PROGRAM]);
    // The first command may be given back: the absent program's spawn fails after it was sent.
    await perl.run(['true'], dir, 5_000);
    const outcome = await perl.run(['sh', '-c', 'ps -o comm= -p $PPID; exit 1'], dir, 5_000);
    expect(outcome).toEqual({ kind: 'exit', code: 1, output: 'perl\n' });
  });

  it('prefers Python on Linux only, Perl elsewhere, and has none on Windows', () => {
    expect(spawnerPrograms('linux')).toEqual([PYTHON_PROGRAM, PERL_PROGRAM]);
    expect(spawnerPrograms('darwin')).toEqual([PERL_PROGRAM]);
    expect(spawnerPrograms('win32')).toEqual([]);
  });

  it('does not outlive devenv, nor does what it runs, however devenv ends', async () => {
    const module = fileURLToPath(new URL('./exec-spawner.ts', import.meta.url));
    for (const ending of ['exits', 'is killed'] as const) {
      const dir = await makeTempDir();
      // A stand-in for devenv: a Node process that runs one long command through a spawner.
      const script = [
        `import { existsSync } from 'node:fs';`,
        `import { WarmSpawner } from ${JSON.stringify(module)};`,
        'const spawner = new WarmSpawner();',
        `void spawner.run(['sh', '-c', 'echo $$ > pid; exec sleep 60'], ${JSON.stringify(dir)}, 60_000);`,
        `console.log(spawner.pid);`,
        ending === 'exits'
          ? `setInterval(() => existsSync(${JSON.stringify(join(dir, 'pid'))}) && process.exit(0), 20);`
          : 'setInterval(() => {}, 1000);',
      ].join('\n');
      const devenv = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          // Where tsx resolves.
          cwd: fileURLToPath(new URL('../../..', import.meta.url)),
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const exited = new Promise((resolve) => devenv.once('exit', resolve));
      let printed = '';
      devenv.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      const command = await pidIn(join(dir, 'pid'));
      const helper = await waitUntil('the stand-in printed the spawner', 30_000, () =>
        printed.trim() ? Number(printed) : undefined,
      );
      if (ending === 'is killed') {
        expect(alive(helper) && alive(command)).toBe(true);
        devenv.kill('SIGKILL');
      }
      await exited;
      await gone(`the spawner after devenv ${ending}`, helper);
      await gone(`its command after devenv ${ending}`, command);
    }
  }, 120_000);
});
