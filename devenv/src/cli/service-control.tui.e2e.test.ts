import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN, devenvPs } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { useTmuxSession } from '../../test/tmux-session.js';

const makeTempDir = useTempDirs('devenv-control-tui-');
const terminal = useTmuxSession('devenv-control-tui');
const { waitForScreen } = terminal;

// The TUI in a real terminal (tmux) while another terminal runs `devenv restart`.
describe('devenv restart from another terminal, seen in the TUI', () => {
  it('shows the restart count, why it restarted, and the new process', async () => {
    const dir = await makeTempDir();
    const node = JSON.stringify(process.execPath);
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: tuicontrol
services:
  api:
    image: demo/api:1
    x-devenv:
      native:
        command: [${node}, -e, "setInterval(() => {}, 1000)"]
`,
    );
    const done = join(dir, 'exit-code');
    terminal.start(
      `cd ${dir} && DEVENV_METRICS_PORT=off ${DEVENV_BIN} up -f compose.yaml; echo $? > ${done}`,
    );
    await waitForScreen(/1\/1 healthy/);
    expect(await waitForScreen(/api\s+healthy\s+0 /)).toMatch(/api\s+healthy\s+0 /);

    execFileSync(DEVENV_BIN, ['restart', '-f', 'compose.yaml', 'api'], { cwd: dir });
    const pid = devenvPs(dir, ['-f', 'compose.yaml'])['api']!.pid;
    await waitForScreen(/api\s+healthy\s+1 /);
    await waitForScreen(/api \| restart requested by `devenv restart`/);
    await waitForScreen(new RegExp(`api \\| started \\(native, pid ${pid}\\)`));

    terminal.keys('q');
    const deadline = Date.now() + 20_000;
    let code = '';
    while (Date.now() < deadline && !(code = await readFile(done, 'utf8').catch(() => '')))
      await new Promise((r) => setTimeout(r, 100));
    expect(code.trim()).toBe('0');
  }, 60_000);
});
