import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { PROJECT_ROOT } from '../project-root.js';
import type { CommandContext } from './command.js';
import { logsCommand } from './logs-command.js';

const tempDir = useTempDirs('logs-command-');
const ID = 'WorkflowDemoMixed-Ada-idem-b9f2dc6a6c51d50e907e4b6c';

// Lines as the file sink writes them (arrival time, stream, text), with the services' real shapes.
const LOGS: Record<string, string> = {
  dispatcher: [
    `2026-12-04T19:33:17.453Z stdout {"level":30,"time":1796412797453,"service":"dispatcher","method":"POST","status":201,"workflow_id":"${ID}","msg":"request completed"}`,
    '2026-12-04T19:33:17.460Z stdout {"level":30,"time":1796412797460,"workflow_id":"other","msg":"request completed"}',
    '2026-12-04T19:33:18.000Z devenv probe failing: 127.0.0.1:7070: ECONNREFUSED  ',
  ].join('\n'),
  'worker-typescript': `2026-12-04T19:33:17.725Z stdout {"level":"info","time":"2026-12-04T19:33:17.721Z","service":"worker-typescript","activityType":"ActivitySayHelloTypeScript","workflowId":"${ID}","msg":"saying hello — ünïcode"}`,
  'worker-python': [
    `2026-12-04T19:33:17.917Z stdout {"level": "warn", "time": "2026-12-04T19:33:17.916Z", "service": "worker-python", "logger": "temporalio.activity", "workflowId": "${ID}", "attempt": 2, "msg": "saying hello"}`,
    '2026-12-04T19:33:19.000Z stderr Traceback (most recent call last):\r',
  ].join('\n'),
};

async function project(): Promise<string> {
  const dir = await tempDir();
  const file = join(dir, 'compose.yaml');
  const services = Object.keys(LOGS).map((name) => `  ${name}:\n    image: busybox\n`);
  await writeFile(file, `services:\n${services.join('')}`);
  await mkdir(join(dir, '.devenv', 'logs'), { recursive: true });
  for (const [name, lines] of Object.entries(LOGS))
    await writeFile(join(dir, '.devenv', 'logs', `${name}.log`), `${lines}\n`);
  return file;
}

async function logs(file: string, ...args: string[]): Promise<string[]> {
  const { code, lines } = await logsWithCode(file, ...args);
  expect(code).toBe(0);
  return lines;
}

/** What `devenv logs` printed (stderr lines marked ERR) and its exit code. */
async function logsWithCode(
  file: string,
  ...args: string[]
): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const ctx: CommandContext = {
    projectRoot: PROJECT_ROOT,
    env: {},
    stdout: {},
    out: (text) => lines.push(text),
    err: (text) => lines.push(`ERR ${text}`),
  };
  const code = await logsCommand(['--file', file, ...args], ctx);
  return { code, lines };
}

beforeAll(() => {
  process.env['TZ'] = 'Asia/Kolkata';
});

describe('devenv logs', () => {
  it('--raw prints the file byte for byte', async () => {
    const file = await project();
    for (const service of ['dispatcher', 'worker-python']) {
      const printed = (await logs(file, service, '--raw')).map((line) => `${line}\n`).join('');
      const written = await readFile(join(file, '..', '.devenv', 'logs', `${service}.log`));
      expect(Buffer.from(printed, 'utf8').equals(written)).toBe(true);
    }
  });

  it('renders lines by default: time, level, service, message, fields; plain text as written', async () => {
    const file = await project();
    expect(await logs(file, 'dispatcher')).toEqual([
      `01:03:17.453 INFO  request completed method=POST status=201 workflow_id=${ID}`,
      '01:03:17.460 INFO  request completed workflow_id=other',
      'probe failing: 127.0.0.1:7070: ECONNREFUSED  ',
    ]);
  });

  it('--where workflowId=… finds the dispatcher’s and both workers’ lines', async () => {
    const file = await project();
    expect(await logs(file, '--where', `workflowId=${ID}`)).toEqual([
      `01:03:17.453 INFO  dispatcher | request completed method=POST status=201 workflow_id=${ID}`,
      `01:03:17.721 INFO  worker-typescript | saying hello — ünïcode activityType=ActivitySayHelloTypeScript workflowId=${ID}`,
      `01:03:17.916 WARN  worker-python | saying hello logger=temporalio.activity workflowId=${ID} attempt=2`,
    ]);
    expect(await logs(file, '--where', 'level>=warn', '--where', 'attempt=2')).toHaveLength(1);
    await expect(logs(file, '--where', 'level>=loud')).rejects.toThrow('no level named loud');
  });

  it('--json prints one record per line', async () => {
    const file = await project();
    const [first] = (await logs(file, 'worker-python', '--json')).map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    expect(first).toMatchObject({
      service: 'worker-python',
      stream: 'stdout',
      level: 'warn',
      msg: 'saying hello',
      ts: Date.parse('2026-12-04T19:33:17.916Z'),
      received: Date.parse('2026-12-04T19:33:17.917Z'),
      fields: { workflowId: ID, attempt: 2 },
    });
  });
  it('--since/--until keep the lines that arrived in between; -t puts the arrival time in front', async () => {
    const file = await project();
    const between = await logs(
      file,
      'dispatcher',
      '--raw',
      '--since',
      '2026-12-04T19:33:17.455Z',
      '--until',
      '1796412797.9',
    );
    expect(between).toEqual([LOGS['dispatcher']!.split('\n')[1]]);
    // A duration ago: every line of 2026 is older than a minute.
    expect(await logs(file, '--since', '1m')).toEqual([]);
    const stamped = await logs(file, 'worker-python', '-t', '--until', '2026-12-04T19:33:18Z');
    expect(stamped).toHaveLength(1);
    expect(stamped[0]).toMatch(/^2026-12-04T19:33:17\.917Z \S/);
    await expect(logs(file, '--since', 'yesterday')).rejects.toThrow(
      '--since "yesterday" is neither a time',
    );
    await expect(logs(file, '--since', '2h', '--until', '3h')).rejects.toThrow(
      'is after --until 3h',
    );
  });
  it('says so for a service whose logging driver keeps no file', async () => {
    const file = await project();
    await writeFile(
      file,
      `${await readFile(file, 'utf8')}  quiet:\n    image: busybox\n    logging: {driver: none}\n`,
    );
    const { code, lines } = await logsWithCode(file, 'quiet');
    expect(code).toBe(1);
    expect(lines).toEqual([
      'ERR quiet keeps no log file (`logging: driver: none` in the Compose file): its lines show only live, in `devenv up`',
    ]);
  });
});
