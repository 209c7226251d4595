import { execFileSync } from 'node:child_process';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../src/project-root.js';

/**
 * A copy of this project to edit sources in (other tests read the working tree's): the files a
 * clone would have (tracked, plus new files not yet committed) and protos/gen/, committed in a
 * git repository of its own; dependencies, tools and the Python venv are shared by symlinks.
 */
export async function copyProject(to: string): Promise<void> {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await cp(join(PROJECT_ROOT, file), join(to, file)).catch((error: NodeJS.ErrnoException) => {
      // Deleted in the working tree but still tracked: a clone of the working tree has no such file.
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await cp(join(PROJECT_ROOT, 'protos', 'gen'), join(to, 'protos', 'gen'), { recursive: true });
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(to, 'node_modules'));
  await mkdir(join(to, '.devenv'));
  for (const shared of ['tools', 'python']) {
    await mkdir(join(PROJECT_ROOT, '.devenv', shared), { recursive: true });
    await symlink(join(PROJECT_ROOT, '.devenv', shared), join(to, '.devenv', shared));
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: to, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-q', '-m', 'copy');
}

/** The copy's own devenv: its project root (protos, generated code) is the copy. */
export const devenvIn = (dir: string): string => join(dir, 'devenv', 'bin', 'devenv.js');
