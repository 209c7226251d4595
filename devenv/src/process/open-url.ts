import { spawn } from 'node:child_process';
import { err, ok, type Result } from '../../shared/result.js';
import { urlOpenerFor } from '../tui/url-opener.js';
import { findExecutable } from './executable.js';

/** Hands `url` to the browser, detached (it outlives devenv); the error says why it could not. */
export async function openUrl(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<Result<void, string>> {
  const opener = urlOpenerFor(url, platform, env);
  if (opener.kind === 'none') return err(opener.reason);
  const path = await findExecutable(opener.command, env['PATH'] ?? '');
  if (path === undefined)
    return err(`${opener.command} is not installed (set BROWSER to choose one)`);
  const started = await new Promise<Result<void, string>>((resolve) => {
    const child = spawn(path, opener.args, { detached: true, stdio: 'ignore', env });
    child.once('error', (error) => resolve(err(`${opener.command}: ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve(ok(undefined));
    });
  });
  return started;
}
