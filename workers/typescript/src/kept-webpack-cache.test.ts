import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from './worker-setup.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// Real webpack throughout. The workflow module lives in a temporary directory inside the
// repository (ignored `.devenv/`), so its imports resolve from node_modules.
describe('bundles with webpack’s cache kept from one compiler to the next', () => {
  let work: string;
  let workflows: string;
  let greeting: string;
  const kept = () => bundleWorkflows({ workflowsPath: workflows });
  const fresh = () => bundleWorkflows({ workflowsPath: workflows }, [], false);

  beforeAll(async () => {
    await mkdir(join(ROOT, '.devenv'), { recursive: true });
    work = await mkdtemp(join(ROOT, '.devenv', 'kept-webpack-cache-test-'));
    workflows = join(work, 'workflows.ts');
    greeting = join(work, 'greeting.ts');
    await writeFile(
      workflows,
      `import { sleep } from '@temporalio/workflow';
import { greeting } from './greeting.js';
export async function keptWorkflow(name: string): Promise<string> {
  await sleep(1);
  return greeting(name);
}
`,
    );
    await writeFile(greeting, 'export const greeting = (name: string) => `AAAA ${name}`;\n');
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('makes byte for byte the bundle a fresh webpack run makes, before and after an edit', async () => {
    await kept(); // fills the cache
    expect((await kept()).code).toBe((await fresh()).code);
    await writeFile(workflows, `${await readFile(workflows, 'utf8')}// one more line\n`);
    const edited = await kept();
    expect(edited.code).toContain('// one more line');
    expect(edited.code).toBe((await fresh()).code);
  }, 120_000);

  it('never serves an old module: each edit is in the next bundle, even with the old mtime', async () => {
    await kept();
    const { atime, mtime } = await stat(greeting);
    // Same length, same mtime: only the content says the file changed.
    for (const word of ['BBBB', 'CCCC', 'AAAA', 'DDDD']) {
      await writeFile(
        greeting,
        `export const greeting = (name: string) => \`${word} \${name}\`;\n`,
      );
      await utimes(greeting, atime, mtime);
      const code = (await kept()).code;
      expect(code).toContain(`${word} `);
      for (const other of ['AAAA', 'BBBB', 'CCCC', 'DDDD'].filter((w) => w !== word))
        expect(code).not.toContain(`${other} `);
    }
  }, 120_000);

  it('refuses a broken edit and bundles the mended file', async () => {
    await kept();
    const working = await readFile(greeting, 'utf8');
    await writeFile(greeting, working.replace('=>', '=> {'));
    await expect(kept()).rejects.toThrow(/Webpack finished with errors/);
    await writeFile(greeting, working.replace(/`\w+ /, '`EEEE '));
    const mended = await kept();
    expect(mended.code).toContain('EEEE ');
    expect(mended.code).toBe((await fresh()).code);
  }, 120_000);
});
