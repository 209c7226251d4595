/**
 * `devenv run`'s `docker compose run` flags for a native one-off, a real process on this host:
 * --entrypoint replaces the program of the service's `x-devenv.native` command, -u naming the
 * current user and -i are accepted, and the flags that only mean something for a container
 * (-u someone else, -v, --name, -d, -l, --cap-add, --cap-drop) are usage errors saying why,
 * refused before anything runs or any dependency starts.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDevenv } from '../../test/devenv-process.js';

const env = { ...process.env, DEVENV_METRICS_PORT: 'off' };
const node = JSON.stringify(process.execPath);
let dir: string;

const run = (args: readonly string[]) =>
  runDevenv(['run', '-f', 'compose.yaml', ...args], { cwd: dir, env, timeoutMs: 60_000 });

/**
 * `echo`'s native command prints its program's name and arguments; `seeded` depends on `marker`,
 * whose start would leave a file: a refused flag must leave none.
 */
function composeFile(): string {
  const printArgs = `console.log(require('node:path').basename(process.argv[0]), process.argv.slice(1).join(' '))`;
  const mark = `require('node:fs').writeFileSync('started', ''); setInterval(() => {}, 1000)`;
  return `
name: run-flags-native
services:
  echo:
    image: demo/echo:1
    x-devenv:
      native:
        command: [${node}, -e, "${printArgs}", --, first, second]
  single:
    image: demo/single:1
    x-devenv:
      native:
        command: [${node}]
  marker:
    image: demo/marker:1
    x-devenv:
      native:
        command: [${node}, -e, "${mark}"]
  seeded:
    image: demo/seeded:1
    depends_on: [marker]
    x-devenv:
      native:
        command: [${node}, -e, "require('node:fs').writeFileSync('seeded', '')"]
`;
}

describe('devenv run with docker compose run’s flags, a native one-off', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'devenv-run-flags-native-'));
    await writeFile(join(dir, 'compose.yaml'), composeFile());
  });
  afterAll(async () => {
    if (!dir) return;
    // Were a refused flag let through, `seeded`'s dependency would run in a background devenv.
    await runDevenv(['down', '-f', 'compose.yaml'], { cwd: dir, env });
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('without --entrypoint: the service’s own command', async () => {
    const own = await run(['echo']);
    expect(own).toMatchObject({ code: 0, stdout: 'node first second\n' });
  });

  it('--entrypoint: the program instead of the command’s first word, its arguments kept, or COMMAND’s', async () => {
    // `echo` (the shell's) in place of node: it prints the arguments node would have had.
    const replaced = await run(['--entrypoint', 'echo replaced:', 'echo']);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(/^replaced: -e console\.log\(.*\) -- first second\n$/);
    // With COMMAND: the program, then COMMAND.
    expect(await run(['--entrypoint', 'echo', 'echo', 'only', 'these'])).toMatchObject({
      code: 0,
      stdout: 'only these\n',
    });
    // '': COMMAND alone.
    expect(await run(['--entrypoint', '', 'echo', 'echo', 'bare'])).toMatchObject({
      code: 0,
      stdout: 'bare\n',
    });
    // '' and no COMMAND, with a command of a program alone: nothing would be left to run.
    const nothing = await run(['--entrypoint', '', 'single']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/--entrypoint '': single's native command has no arguments/);
  });

  it('-u naming the current user (by name, by uid, with its gid) and -i are accepted', async () => {
    const me = userInfo();
    for (const user of [me.username, String(me.uid), `${me.uid}:${me.gid}`]) {
      const seen = await run(['-u', user, '-i', 'echo']);
      expect(seen, `-u ${user}`).toMatchObject({ code: 0, stdout: 'node first second\n' });
    }
  });

  it('container-only flags are usage errors saying why and what to do, before anything starts', async () => {
    const me = userInfo();
    const cases: [readonly string[], RegExp][] = [
      [
        ['-u', String(me.uid + 1)],
        new RegExp(
          `^devenv run: -u ${me.uid + 1}: seeded runs natively.*cannot become another user: drop -u`,
        ),
      ],
      [['-u', `${me.username}:${me.gid + 1}`], /-u .*: seeded runs natively/],
      [
        ['-v', './data:/data'],
        /^devenv run: -v \.\/data:\/data: seeded runs natively.*drop -v and give it the host path/,
      ],
      [
        ['--name', 'seed-once'],
        /^devenv run: --name seed-once: .*no container to name.*drop --name/,
      ],
      [
        ['-d'],
        /^devenv run: -d: seeded runs natively.*drop -d and put it in the background with your shell/,
      ],
      [
        ['-l', 'purpose=seed'],
        /^devenv run: -l purpose=seed: seeded runs natively, and a process has no labels: drop -l/,
      ],
      [['--cap-add', 'NET_ADMIN'], /^devenv run: --cap-add NET_ADMIN: .*drop --cap-add/],
      [['--cap-drop', 'CHOWN'], /^devenv run: --cap-drop CHOWN: .*drop --cap-drop/],
    ];
    for (const [flags, message] of cases) {
      const refused = await run([...flags, 'seeded']);
      expect(refused.code, flags.join(' ')).toBe(2);
      expect(refused.stderr, flags.join(' ')).toMatch(message);
      // What to do instead, with the flag: a container one-off.
      expect(refused.stderr).toMatch(/devenv up --runtime seeded=docker/);
    }
    // Neither the one-off nor its dependency ran.
    expect(existsSync(join(dir, 'seeded'))).toBe(false);
    expect(existsSync(join(dir, 'started'))).toBe(false);
  });
});
