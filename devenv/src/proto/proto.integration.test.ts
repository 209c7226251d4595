import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectVersions } from '../../test/project-versions.js';
import { useTempDirs } from '../../test/temp-dir.js';
import { main } from '../cli/main.js';
import { generatedCodeChecks } from '../doctor/generated-code.js';
import { runCommand } from '../process/run-command.js';
import { PROJECT_ROOT } from '../project-root.js';
import { parseVersionSpec } from '../versions/version-spec.js';
import { readStamp } from './stamp.js';

const makeTempDir = useTempDirs('devenv-proto-');
const versions = await loadProjectVersions();
const DEMO = 'protos/timecop/workflows/v1/demo.proto';

/**
 * A copy of the project's contracts in a temporary project that shares node_modules and the tool
 * cache, so the real buf, protoc and protoc-gen-es run without installing anything.
 */
async function tempProject(): Promise<string> {
  const root = await makeTempDir();
  await cp(join(PROJECT_ROOT, 'protos'), join(root, 'protos'), {
    recursive: true,
    filter: (src) => !src.startsWith(join(PROJECT_ROOT, 'protos', 'gen')),
  });
  await cp(join(PROJECT_ROOT, 'versions.yaml'), join(root, 'versions.yaml'));
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'));
  await mkdir(join(root, '.devenv'));
  await symlink(join(PROJECT_ROOT, '.devenv', 'tools'), join(root, '.devenv', 'tools'));
  return root;
}

async function devenv(root: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    projectRoot: root,
    env: process.env,
    stdout: {},
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every generated file with its content hash and modification time. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const dir = join(root, 'protos', 'gen');
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) =>
    e.isFile(),
  );
  const entries = await Promise.all(
    files.map(async (e) => {
      const path = join(e.parentPath, e.name);
      const [data, info] = await Promise.all([readFile(path), stat(path)]);
      const hash = createHash('sha256').update(data).digest('hex');
      return [path.slice(dir.length + 1), `${hash} ${info.mtimeMs}`] as const;
    }),
  );
  return new Map(entries);
}

function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

async function edit(root: string, file: string, from: string | RegExp, to: string) {
  const path = join(root, file);
  const text = await readFile(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  await writeFile(path, next);
}

describe('devenv proto gen', () => {
  it('generates everything once, then only what changed, and leaves unchanged inputs untouched', async () => {
    const root = await tempProject();
    const first = await devenv(root, 'proto', 'gen');
    expect(first, first.err).toMatchObject({ code: 0 });
    expect(first.out).toMatch(/full, 9 \.proto → 27 files written/);
    const generated = await snapshot(root);

    const again = await devenv(root, 'proto', 'gen');
    expect(again.out).toMatch(/up to date/);
    expect(changedFiles(generated, await snapshot(root))).toEqual([]);
    // Even a forced full run rewrites no output whose bytes are the same (only the stamp).
    const forced = await devenv(root, 'proto', 'gen', '--force');
    expect(forced.out).toMatch(/full, 9 \.proto → 0 files written/);
    expect(changedFiles(generated, await snapshot(root))).toEqual(['devenv-stamp.json']);

    // A leaf file: only its own three outputs (and the stamp) change.
    await edit(
      root,
      'protos/timecop/activities/v1/say_hello.proto',
      'string worker_language = 2;',
      'string worker_language = 2;\n  int32 attempt = 3;',
    );
    const leaf = await devenv(root, 'proto', 'gen');
    expect(leaf.out).toMatch(/incremental, 1 \.proto → 3 files written/);
    const afterLeaf = await snapshot(root);
    expect(changedFiles(generated, afterLeaf)).toEqual([
      'devenv-stamp.json',
      'python/timecop/activities/v1/say_hello_pb2.py',
      'python/timecop/activities/v1/say_hello_pb2.pyi',
      'ts/timecop/activities/v1/say_hello_pb.ts',
    ]);
    expect(
      await readFile(join(root, 'protos/gen/ts/timecop/activities/v1/say_hello_pb.ts'), 'utf8'),
    ).toContain('attempt: number');

    // A shared file goes through buf with the files that import it.
    await edit(
      root,
      'protos/timecop/activities/v1/patient_event.proto',
      'string note = 4;',
      'string note = 4;\n  string author = 5;',
    );
    const shared = await devenv(root, 'proto', 'gen');
    expect(shared.out).toMatch(/incremental, 3 \.proto/);
    const stamp = await readStamp(join(root, 'protos/gen/devenv-stamp.json'));
    expect(stamp?.recorded).toEqual({
      protocGenEs: [versions.libraries['protobuf-es']],
      pythonGencode: [versions.libraries['protobuf-python']],
    });

    // A deleted .proto takes its outputs with it.
    await rm(join(root, 'protos/timecop/workflows/v1/long_timer.proto'));
    await edit(root, 'protos/timecop/dispatcher/v1/dispatcher.proto', /.*long_timer.*\n/g, '');
    await edit(root, 'protos/timecop/dispatcher/v1/dispatcher.proto', /.*LongTimer.*\n/g, '');
    const removed = await devenv(root, 'proto', 'gen');
    expect(removed, removed.err).toMatchObject({ code: 0 });
    expect(removed.out).toMatch(/3 removed/);
    expect((await snapshot(root)).has('ts/timecop/workflows/v1/long_timer_pb.ts')).toBe(false);
  }, 60_000);

  it('surfaces buf’s positioned syntax error as it is and keeps the previous code intact', async () => {
    const root = await tempProject();
    expect((await devenv(root, 'proto', 'gen')).code).toBe(0);
    const before = await snapshot(root);
    await edit(root, DEMO, 'string name = 1;', 'string name = 1');
    const broken = await devenv(root, 'proto', 'gen');
    expect(broken.code).toBe(1);
    // buf's own line, unchanged: path from the project root, line and column.
    const direct = await runCommand(
      join(root, '.devenv/tools/buf', versions.tools.buf.text, 'bin/buf'),
      ['build', 'protos'],
      { cwd: root },
    );
    expect(broken.err).toContain(direct.tail.trim());
    expect(broken.err).toMatch(/^protos\/timecop\/workflows\/v1\/demo\.proto:10:1:/m);
    expect(broken.err).toContain('protos/gen/ still holds the previous code');
    expect(changedFiles(before, await snapshot(root))).toEqual([]);
    // Nothing half-written is left in the scratch space either.
    expect(await readdir(join(root, '.devenv/proto'))).toEqual([]);
  }, 60_000);

  it('regenerates from scratch after clean', async () => {
    const root = await tempProject();
    expect((await devenv(root, 'proto', 'gen')).code).toBe(0);
    expect((await devenv(root, 'proto', 'clean')).out).toContain('removed protos/gen');
    await expect(stat(join(root, 'protos/gen'))).rejects.toThrow();
    expect((await devenv(root, 'proto', 'gen')).out).toMatch(/full, 9 \.proto/);
  }, 60_000);
});

describe('devenv proto lint and breaking', () => {
  async function committedProject(): Promise<string> {
    const root = await tempProject();
    const git = (...args: string[]) =>
      runCommand(
        'git',
        ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args],
        { cwd: root },
      );
    await writeFile(join(root, '.gitignore'), 'node_modules\n.devenv/\nprotos/gen/\n');
    expect((await git('init', '-q', '-b', 'main')).code).toBe(0);
    // Before the first commit there is nothing to compare with: said so, and not a failure.
    const none = await devenv(root, 'proto', 'breaking');
    expect(none).toMatchObject({
      code: 0,
      out: expect.stringContaining('nothing to compare with'),
    });
    expect((await git('add', '-A')).code).toBe(0);
    expect((await git('commit', '-q', '-m', 'contracts')).code).toBe(0);
    return root;
  }

  it('fails a renumbered field, naming the field and file:line, and passes a compatible edit', async () => {
    const root = await committedProject();
    expect((await devenv(root, 'proto', 'breaking')).code).toBe(0);

    await edit(root, DEMO, /(message WorkflowDemoMixedRequest \{[^}]*string name = )1;/, '$15;');
    const breaking = await devenv(root, 'proto', 'breaking');
    expect(breaking.code).toBe(1);
    expect(breaking.err).toMatch(
      /^protos\/timecop\/workflows\/v1\/demo\.proto:\d+:\d+:Previously present field "1" with name "name" on message "WorkflowDemoMixedRequest" was deleted\./m,
    );

    await edit(
      root,
      DEMO,
      /(message WorkflowDemoMixedRequest \{[^}]*string name = )5;/,
      '$11;\n  string title = 2;',
    );
    const compatible = await devenv(root, 'proto', 'breaking');
    expect(compatible, compatible.err).toMatchObject({
      code: 0,
      out: expect.stringContaining('compatible with HEAD:protos'),
    });
  }, 60_000);

  it('lints with buf’s positions', async () => {
    const root = await tempProject();
    expect((await devenv(root, 'proto', 'lint')).code).toBe(0);
    await edit(root, DEMO, 'string name = 1;', 'string Name = 1;');
    const lint = await devenv(root, 'proto', 'lint');
    expect(lint.code).toBe(1);
    expect(lint.err).toMatch(
      /^protos\/timecop\/workflows\/v1\/demo\.proto:9:10:Field name "Name" should be lower_snake_case/m,
    );
  }, 60_000);
});

describe('doctor’s check of the generated code', () => {
  it('passes fresh output and names the file and the fix when versions.yaml moves on', async () => {
    const root = await tempProject();
    expect(await generatedCodeChecks(root, versions)).toEqual([
      expect.objectContaining({ id: 'generated-code', status: 'warn' }),
    ]);
    expect((await devenv(root, 'proto', 'gen')).code).toBe(0);
    expect((await generatedCodeChecks(root, versions)).map((c) => c.status)).toEqual([
      'ok',
      'ok',
      'ok',
    ]);

    const newer = parseVersionSpec('34.0.0');
    if (!newer.ok) throw new Error(newer.error);
    const moved = {
      ...versions,
      tools: { ...versions.tools, protoc: newer.value },
      libraries: { ...versions.libraries, 'protobuf-es': '2.99.0', 'protobuf-python': '7.34.0' },
    };
    const checks = await generatedCodeChecks(root, moved);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['generated-code:generators', 'fail'],
      ['generated-code:typescript', 'fail'],
      ['generated-code:python', 'fail'],
    ]);
    expect(checks[1]?.message).toContain(
      'protos/gen/ts/timecop/workflows/v1/demo_pb.ts (protoc-gen-es 2.17.0)',
    );
    expect(checks[2]?.message).toContain(
      'protos/gen/python/timecop/workflows/v1/demo_pb2.py (gencode 6.33.1)',
    );
    expect(checks.every((c) => c.remediation?.includes('npm run proto'))).toBe(true);
  }, 60_000);
});
