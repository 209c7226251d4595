#!/usr/bin/env node
// Entry point. It stays plain JavaScript so that it can choose the Node that runs devenv:
// a fresh machine may have an old system Node, while `npm install` put the project's own
// Node (versions.yaml) in node_modules/.bin.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);

if (major < MIN_MAJOR) {
  const projectNode = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
  if (existsSync(projectNode) && process.env.DEVENV_REEXEC !== '1') {
    const child = spawnSync(
      projectNode,
      [fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      {
        stdio: 'inherit',
        env: { ...process.env, DEVENV_REEXEC: '1' },
      },
    );
    process.exit(child.status ?? 1);
  }
  console.error(
    `devenv needs Node ${MIN_MAJOR} or newer (this is ${process.versions.node}). ` +
      'Run `npm install` in the project: it installs the Node the project uses.',
  );
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register();
const { runFromProcess } = await import('../src/cli/main.ts');
await runFromProcess();
