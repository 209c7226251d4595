import { createHash } from 'node:crypto';
import type { Result } from '../../shared/result.js';
import type { FileState } from './dependencies.js';

type Env = Readonly<Record<string, string | undefined>>;

/** A read's outcome as the stack loader reports it: the text, or `missing`, or why not. */
export function fileStateOf(read: Result<string, string>): FileState {
  if (read.ok) return `sha256:${createHash('sha256').update(read.value).digest('hex')}`;
  return read.error === 'missing' ? 'missing' : `unreadable: ${read.error}`;
}

/** Records what a stack load reads and looks up, as the cache's dependencies. */
export interface LoadRecorder {
  /** The environment to load with: every variable looked up in it is recorded. */
  readonly env: Env;
  /** Called with every file the load reads (LoadStackOptions.onRead). */
  onRead(path: string, read: Result<string, string>): void;
  /** A file read outside the load whose content the result also depends on (versions.yaml). */
  addFile(path: string, state: FileState): void;
  /** What was recorded; undefined when the load listed the whole environment (nothing to check). */
  recorded(): { files: Record<string, FileState>; env: Record<string, string | null> } | undefined;
}

export function loadRecorder(env: Env): LoadRecorder {
  const files: Record<string, FileState> = {};
  const looked: Record<string, string | null> = {};
  let listed = false;
  const note = (name: string | symbol) => {
    if (typeof name === 'string' && !Object.hasOwn(looked, name))
      looked[name] = (Object.hasOwn(env, name) ? env[name] : undefined) ?? null;
  };
  // A Proxy and not a change to every place that reads a variable: whatever the loader does with
  // the environment, a name it asks for is recorded, and listing all of them is noticed.
  const recordingEnv = new Proxy(env, {
    get: (target, name) => (note(name), Reflect.get(target, name)),
    has: (target, name) => (note(name), Reflect.has(target, name)),
    getOwnPropertyDescriptor: (target, name) => (
      note(name),
      Reflect.getOwnPropertyDescriptor(target, name)
    ),
    ownKeys: (target) => ((listed = true), Reflect.ownKeys(target)),
  });
  return {
    env: recordingEnv,
    onRead: (path, read) => {
      files[path] ??= fileStateOf(read);
    },
    addFile: (path, state) => {
      files[path] ??= state;
    },
    recorded: () => (listed ? undefined : { files: { ...files }, env: { ...looked } }),
  };
}
