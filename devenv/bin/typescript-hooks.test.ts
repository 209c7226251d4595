import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/project-root.js';

// The hooks serve only the project's own sources, so the fixtures live inside it (in the
// ignored .devenv/), and each runs in a real Node process with the hooks registered.
const dir = join(PROJECT_ROOT, '.devenv', 'tmp', `typescript-hooks-${process.pid}`);
const HOOKS = pathToFileURL(join(PROJECT_ROOT, 'devenv', 'bin', 'typescript-hooks.js')).href;

function write(name: string, text: string): void {
  writeFileSync(join(dir, name), text);
}

/** Runs `entry` (a project .ts/.tsx file) under the hooks; its stdout and stderr together. */
function run(entry: string): string {
  write(
    'entry.mjs',
    `import { registerTypeScriptHooks } from '${HOOKS}';\nregisterTypeScriptHooks();\nawait import('./${entry}');\n`,
  );
  try {
    return execFileSync(process.execPath, [join(dir, 'entry.mjs')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failed = error as { stdout: string; stderr: string };
    return failed.stdout + failed.stderr;
  }
}

describe('devenv/bin/typescript-hooks', () => {
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs TypeScript that imports `./x.js` for x.ts, with parameter properties, and no warning', () => {
    write('greet.ts', `export function greet(name: string): string { return 'hi ' + name; }\n`);
    write(
      'main.ts',
      `import { greet } from './greet.js';\nimport type { Stats } from 'node:fs';\nclass Box { constructor(readonly value: number) {} }\nconst s: Stats | undefined = undefined;\nconsole.log(greet('there'), new Box(2).value, s);\n`,
    );
    expect(run('main.ts')).toBe('hi there 2 undefined\n');
  });

  it('compiles a source again once it changes, not the cached JavaScript', () => {
    write('greet.ts', `export function greet(name: string): string { return 'hi ' + name; }\n`);
    write('again.ts', `import { greet } from './greet.js';\nconsole.log(greet('a'));\n`);
    expect(run('again.ts')).toBe('hi a\n');
    write('greet.ts', `export function greet(name: string): string { return 'hello ' + name; }\n`);
    expect(run('again.ts')).toBe('hello a\n');
  });

  it('keeps line and column of a stripped file, so stack traces point into the source', () => {
    write(
      'throws.ts',
      `interface Shape {\n  readonly side: number;\n}\nconst shape: Shape = { side: 1 };\nif (shape.side > 0) throw new Error('boom');\n`,
    );
    expect(run('throws.ts')).toMatch(/throws\.ts:5:27/);
  });

  it('compiles the JSX of a .tsx file', () => {
    write(
      'view.tsx',
      `const view = <b title="t">x</b>;\nconsole.log(view.type, view.props.title);\n`,
    );
    expect(run('view.tsx')).toBe('b t\n');
  });
});
