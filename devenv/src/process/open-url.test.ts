import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../test/temp-dir.js';
import { openUrl } from './open-url.js';

const makeTempDir = useTempDirs();

describe('openUrl', () => {
  it('runs the browser ($BROWSER, a real script here) with the URL, detached', async () => {
    const dir = await makeTempDir();
    const browser = join(dir, 'browser');
    await writeFile(browser, `#!/bin/sh\necho "$1" > ${join(dir, 'opened')}\n`);
    await chmod(browser, 0o755);
    const opened = await openUrl(
      'http://127.0.0.1:8233/',
      { PATH: process.env['PATH'], BROWSER: browser },
      'linux',
    );
    expect(opened.ok).toBe(true);
    for (let i = 0; i < 50; i++) {
      const text = await readFile(join(dir, 'opened'), 'utf8').catch(() => '');
      if (text) return expect(text.trim()).toBe('http://127.0.0.1:8233/');
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the browser script never ran');
  });

  it('says which opener is missing', async () => {
    const opened = await openUrl('http://x/', { PATH: '/nonexistent', DISPLAY: ':0' }, 'linux');
    expect(opened).toEqual({
      ok: false,
      error: 'xdg-open is not installed (set BROWSER to choose one)',
    });
  });
});
