#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=256
// Entry point. It stays plain JavaScript so that it can choose the Node that runs devenv:
// a fresh machine may have an old system Node, while `npm install` put the project's own
// Node (versions.yaml) in node_modules/.bin.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 22;
// The same flags as the #! line. Under a log flood V8 would otherwise grow its heap to ~300 MB
// around ~30 MB of live data; with them devenv stays near 110 MB at the same throughput.
const HEAP_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=256'];
const major = Number(process.versions.node.split('.')[0]);

if (major < MIN_MAJOR) {
  const binDir = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
  const projectNode = join(binDir, 'node');
  if (existsSync(projectNode) && process.env.DEVENV_REEXEC !== '1') {
    // As `npm run` does: the project's bin directory first on PATH, so services that devenv
    // starts with `node …` get the same Node.
    const child = spawn(
      projectNode,
      [...HEAP_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          DEVENV_REEXEC: '1',
          PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
        },
      },
    );
    // A signal sent to this process alone (kill PID, a process manager) reaches devenv too, or
    // devenv and its services would outlive it. Ctrl-C is not forwarded: the terminal sends it
    // to devenv itself (same process group), and a second one would force the stop.
    for (const signal of ['SIGTERM', 'SIGHUP', 'SIGQUIT'])
      process.on(signal, () => child.kill(signal));
    process.on('SIGINT', () => {});
    child.on('exit', (code, signal) =>
      process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)),
    );
    // The rest of this file is for the project's Node: this one only waits for it.
    await new Promise(() => {});
  } else {
    console.error(
      `devenv needs Node ${MIN_MAJOR} or newer (this is ${process.versions.node}). ` +
        'Run `npm install` in the project: it installs the Node the project uses.',
    );
    process.exit(1);
  }
}

// The marker only guards against a re-exec loop; the services devenv starts must not inherit it.
delete process.env.DEVENV_REEXEC;

// V8's compiled code for every module, kept between runs: devenv and each Node service it starts
// (they inherit the variable) skip compiling the SDKs again, ~0.1 s of CPU per process, and the
// whole stack starts at once on few cores. The user's own setting wins.
process.env.NODE_COMPILE_CACHE ??= fileURLToPath(
  new URL('../../.devenv/cache/node-compile', import.meta.url),
);
module.enableCompileCache?.(process.env.NODE_COMPILE_CACHE);

// The bundled CLI when one matches the sources (cli-bundle.js): on a fresh project the first
// service starts ~40 ms sooner; else the sources themselves.
const { bundledCli } = await import('./cli-bundle.js');
const bundled = bundledCli();
if (bundled === undefined) {
  if (module.registerHooks && module.stripTypeScriptTypes) {
    // In this thread, from a cache of stripped sources (typescript-hooks.js): ~0.15 s and ~15 MB
    // less than tsx on every run.
    const { registerTypeScriptHooks } = await import('./typescript-hooks.js');
    registerTypeScriptHooks();
  } else {
    // A Node 22 before 22.15: tsx, with the project's tsconfig (JSX runtime, module settings).
    const { register } = await import('tsx/esm/api');
    register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
  }
}
const { runFromProcess } = await import(bundled ?? '../src/cli/main.ts');
await runFromProcess();
