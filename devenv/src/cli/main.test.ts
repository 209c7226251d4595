import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { doctorReport } from '../doctor/report.js';
import { PROJECT_ROOT } from '../project-root.js';
import { TOOL_IDS } from '../versions/tool-ids.js';
import { useTempDirs } from '../../test/temp-dir.js';
import type { CommandContext } from './command.js';
import { main } from './main.js';

const BIN = join(PROJECT_ROOT, 'devenv', 'bin', 'devenv.js');
const makeTempDir = useTempDirs();

/** Runs the real `devenv` executable, as a user's shell would. */
async function devenv(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(BIN, args, {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (thrown) {
    const e = thrown as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function captureContext(
  projectRoot: string,
): CommandContext & { output: { out: string[]; err: string[] } } {
  const output = { out: [] as string[], err: [] as string[] };
  return {
    projectRoot,
    env: process.env,
    stdout: {},
    out: (text) => output.out.push(text),
    err: (text) => output.err.push(text),
    output,
  };
}

describe('devenv command line', () => {
  it('answers an unknown command with the usage and exit 2', async () => {
    const { code, stderr } = await devenv('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('devenv: unknown command "frobnicate"');
    expect(stderr).toContain('Usage: devenv <command>');
  });

  it('answers an unknown flag with the command’s usage and exit 2', async () => {
    const { code, stderr } = await devenv('doctor', '--jsno');
    expect(code).toBe(2);
    expect(stderr).toContain("devenv doctor: Unknown option '--jsno'");
    expect(stderr).toContain('Usage: devenv doctor');
  });

  it('answers no command at all with the usage and exit 2', async () => {
    expect((await devenv()).code).toBe(2);
  });

  it('doctor --json prints a report that follows its schema and lists every tool', async () => {
    const { code, stdout } = await devenv('doctor', '--json');
    const report = doctorReport.parse(JSON.parse(stdout));
    expect(code).toBe(report.ok ? 0 : 1);
    expect(report.tools.map((t) => t.name)).toEqual([...TOOL_IDS]);
    for (const tool of report.tools) {
      expect(tool).toHaveProperty('found');
      expect(tool).toHaveProperty('version');
      expect(tool).toHaveProperty('path');
      expect(tool).toHaveProperty('remediation');
      expect(tool.found ? tool.remediation === null : tool.remediation !== null).toBe(true);
    }
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['node', 'docker-engine', 'disk', 'port:7233']),
    );
  });

  it('stops at a corrupted versions.yaml with a positioned error and exit 2', async () => {
    const root = await makeTempDir();
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'versions.yaml'), 'node: 24.21.0\ntools:\n  temporal: [1.9.1\n');
    const ctx = captureContext(root);
    expect(await main(['doctor'], ctx)).toBe(2);
    expect(ctx.output.err.join('\n')).toMatch(/^versions\.yaml:\d+:\d+: /);
    expect(ctx.output.out).toEqual([]);
  });

  it('names a missing versions.yaml and how to restore it', async () => {
    const ctx = captureContext(await makeTempDir());
    expect(await main(['doctor', '--json'], ctx)).toBe(2);
    expect(ctx.output.err.join('\n')).toContain('versions.yaml: cannot read it');
  });
});
