/**
 * Run by install-lock.test.ts as its own process: `ensure` of one tool into a project root, as
 * a second test run or `devenv doctor --fix` would. Prints `ready`, starts on a line on stdin (so
 * two of these start together), prints the toolchain's log lines, then the result as JSON.
 * Arguments: the project root, the tool id.
 */
import { createInterface } from 'node:readline';
import { loadProjectVersions } from '../../test/project-versions.js';
import type { ToolId } from '../versions/tool-ids.js';
import { systemLocator } from './locator.js';
import { createToolchain } from './toolchain.js';

const [root, tool] = process.argv.slice(2) as [string, ToolId];
const versions = await loadProjectVersions();
const toolchain = createToolchain({
  projectRoot: root,
  versions,
  // PATH without the tool, so the project cache is the only place it can be found.
  locator: systemLocator(root, { ...process.env, PATH: '/usr/bin:/bin' }),
  log: (line) => process.stdout.write(`${line}\n`),
  installLockLimits: { announceAfterMs: 0 },
});
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once('line', resolve));
lines.close();
process.stdout.write(`${JSON.stringify(await toolchain.ensure(tool))}\n`);
