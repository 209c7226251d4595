import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVENV_BIN } from '../../test/devenv-process.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { useTmuxSession } from '../../test/tmux-session.js';
import { groupExists } from '../runtime/process-group.js';
import { readSession } from '../session/session-file.js';

const makeTempDir = useTempDirs();
const terminal = useTmuxSession('devenv-tui-e2e');
const { waitForScreen } = terminal;

// The real devenv executable in a real terminal (tmux), driven by keys as a person would.
describe('TUI end to end in tmux', () => {
  it('shows the stack, finds a log line with /, restarts with r, and q stops everything', async () => {
    const dir = await makeTempDir();
    const node = JSON.stringify(process.execPath);
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: tuidemo
services:
  api:
    image: demo/api:1
    x-devenv:
      native:
        command: [${node}, -e, "console.log('api says marker-line-42'); setInterval(() => console.log('tick'), 300)"]
  worker:
    image: demo/worker:1
    depends_on:
      api: { condition: service_started }
    x-devenv:
      native:
        command: [${node}, -e, "setInterval(() => {}, 1000)"]
`,
    );
    const done = join(dir, 'exit-code');
    terminal.start(`cd ${dir} && ${DEVENV_BIN} up -f compose.yaml; echo $? > ${done}`);
    await waitForScreen(/2\/2 healthy/);
    const session = readSession(join(dir, '.devenv', 'session.json'));
    const groups = Object.values(session?.services ?? {}).flatMap((l) =>
      l.kind === 'process-group' ? [l.pgid] : [],
    );
    expect(groups).toHaveLength(2);

    for (const keys of [['/'], ['-l', 'marker-line'], ['Enter']]) {
      terminal.keys(...keys);
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitForScreen(/1 match for "marker-line"/);

    terminal.keys('r');
    await waitForScreen(/api\s+healthy\s+1 /);

    terminal.keys('q');
    const deadline = Date.now() + 20_000;
    let code = '';
    while (Date.now() < deadline && !(code = await readFile(done, 'utf8').catch(() => '')))
      await new Promise((r) => setTimeout(r, 100));
    expect(code.trim()).toBe('0');
    for (const pgid of groups) expect(groupExists(pgid)).toBe(false);
  }, 60_000);

  it('draws JSON lines as rows, finds a workflow ID in both services, wraps in one service’s view', async () => {
    const dir = await makeTempDir();
    const node = JSON.stringify(process.execPath);
    const long = `begin-of-message ${'x'.repeat(150)} end-of-message`;
    await writeFile(
      join(dir, 'api.js'),
      `console.log(JSON.stringify({ level: 30, time: Date.now(), workflow_id: 'WorkflowDemoMixed-Ada-7', msg: ${JSON.stringify(long)} }));
console.log(JSON.stringify({ level: 40, time: Date.now(), workflow_id: 'WorkflowDemoMixed-Bob-8', msg: 'slow poll' }));
setInterval(() => {}, 1000);`,
    );
    await writeFile(
      join(dir, 'worker.js'),
      `console.log(JSON.stringify({ level: 'info', time: new Date().toISOString(), workflowId: 'WorkflowDemoMixed-Ada-7', msg: 'saying hello' }));
setInterval(() => {}, 1000);`,
    );
    await writeFile(
      join(dir, 'compose.yaml'),
      `name: tuirows
services:
  api:
    image: demo/api:1
    x-devenv:
      native:
        command: [${node}, api.js]
  worker:
    image: demo/worker:1
    x-devenv:
      native:
        command: [${node}, worker.js]
`,
    );
    const done = join(dir, 'exit-code');
    terminal.start(`cd ${dir} && ${DEVENV_BIN} up -f compose.yaml; echo $? > ${done}`);
    await waitForScreen(/2\/2 healthy/);
    const all = await waitForScreen(/\d\d:\d\d:\d\d\.\d{3} WARN {2}api \| slow poll workflow_id=/);
    expect(all).toMatch(/\d\d:\d\d:\d\d\.\d{3} INFO {2}api \| begin-of-message x+/);
    // Cut at the width with all services shown.
    expect(all).not.toContain('end-of-message');

    for (const keys of [['/'], ['-l', 'workflowId=WorkflowDemoMixed-Ada-7'], ['Enter']]) {
      terminal.keys(...keys);
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitForScreen(/2 matches for "workflowId=WorkflowDemoMixed-Ada-7"/);

    // enter: the selected service (api) alone, its long row wrapped to the end.
    terminal.keys('Enter');
    const api = await waitForScreen(/logs: api/);
    expect(api).toContain('end-of-message');

    terminal.keys('q');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(await readFile(done, 'utf8').catch(() => '')))
      await new Promise((r) => setTimeout(r, 100));
  }, 60_000);
});
