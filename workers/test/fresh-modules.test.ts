// The fresh-module loader in a real Node process under tsx (as the worker runs): which files a
// load evaluates again after an edit, and a broken edit that does not load.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const LOADER = fileURLToPath(new URL('../typescript/src/fresh-modules.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fresh-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mark = (name: string) => `((globalThis as any).evaluated ??= []).push('${name}');\n`;
const files: Record<string, string> = {
  'package.json': '{"type":"module"}',
  'root.ts': `import { mid } from './mid.js';\nimport { shared } from './shared.js';\n${mark('root')}export const value = () => mid() + shared;\n`,
  'mid.ts': `import { leaf } from './leaf.js';\nimport { shared } from './shared.js';\n${mark('mid')}export const mid = () => leaf + shared;\n`,
  'leaf.ts': `${mark('leaf')}export const leaf: string = 'one';\n`,
  'shared.ts': `${mark('shared')}export const shared = '+';\n`,
  // Each step: an edit (or none), then a load; prints what was evaluated and the value or error.
  'driver.ts': `
import { writeFileSync, utimesSync } from 'node:fs';
import { FreshModuleLoader } from ${JSON.stringify(LOADER)};
const loader = new FreshModuleLoader(new URL('./root.ts', import.meta.url).href);
const leaf = new URL('./leaf.ts', import.meta.url);
const edits: (string | undefined)[] = [undefined, "'two'", undefined, "'three", "'four'"];
let step = 0;
for (const edit of edits) {
  if (edit !== undefined) {
    writeFileSync(leaf, ${JSON.stringify(mark('leaf'))} + 'export const leaf: string = ' + edit + ';\\n');
    utimesSync(leaf, new Date(), new Date(Date.now() + ++step * 1000));
  }
  (globalThis as any).evaluated = [];
  const result = await loader.load().then(
    (m: any) => ({ value: m.value() }),
    (e: Error) => ({ error: e.message.split('\\n')[0] }),
  );
  console.log(JSON.stringify({ evaluated: (globalThis as any).evaluated.sort(), ...result }));
}
`,
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

describe('FreshModuleLoader (real node + tsx)', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx/esm', join(dir, 'driver.ts')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const steps = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { evaluated: string[]; value?: string; error?: string });

  it('evaluates every file on the first load', () => {
    expect(steps[0], run.stderr).toEqual({
      evaluated: ['leaf', 'mid', 'root', 'shared'],
      value: 'one++',
    });
  });

  it('after an edit, evaluates only the edited file and its importers', () => {
    expect(steps[1], run.stderr).toEqual({ evaluated: ['leaf', 'mid', 'root'], value: 'two++' });
  });

  it('with nothing changed, evaluates nothing', () => {
    expect(steps[2], run.stderr).toEqual({ evaluated: [], value: 'two++' });
  });

  it('a broken edit fails the load; the mended edit loads', () => {
    expect(steps[3]?.error, run.stderr).toBeDefined();
    expect(steps[4], run.stderr).toEqual({ evaluated: ['leaf', 'mid', 'root'], value: 'four++' });
  });
});
