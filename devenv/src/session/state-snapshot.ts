import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EngineState } from '../engine/service-state.js';
import { messageOf } from '../../shared/result.js';
import { ensurePrivateDir, writePrivateFile } from './private-files.js';
import { changedForPs } from './snapshot-change.js';

/** `.devenv/state.json`: what `devenv up` writes and `devenv ps` reads. */
export interface StateSnapshot {
  /** The devenv that wrote it, or null once it stopped its stack. */
  readonly devenvPid: number | null;
  readonly projectName: string;
  readonly updatedAt: number;
  readonly state: EngineState | null;
}

export function stateSnapshotPath(stateDir: string): string {
  return join(stateDir, 'state.json');
}

/**
 * The engine state in the snapshot; undefined when there is none or it cannot be read, or when
 * `writtenBy` is given and another devenv (an earlier one) wrote it.
 */
export function readStateSnapshot(path: string, writtenBy?: number): EngineState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StateSnapshot> | null;
    if (writtenBy !== undefined && parsed?.devenvPid !== writtenBy) return undefined;
    const state = parsed?.state;
    return state && typeof state === 'object' && Array.isArray(state.order) ? state : undefined;
  } catch {
    return undefined;
  }
}

export interface SnapshotWriter {
  /** The latest state: written at once after a quiet spell, then at most every 200 ms. */
  update(state: EngineState): void;
  /** Writes `state` now: a `devenv ps` right after this sees it. */
  flush(state: EngineState): void;
  /** Marks the stack stopped (state null). */
  remove(): void;
}

/**
 * Keeps the snapshot current. A write that fails (the directory was deleted, the disk is full) is
 * reported and retried with the next change; it never takes devenv, and so the stack, down.
 */
const MIN_WRITE_INTERVAL_MS = 200;

export function snapshotWriter(
  path: string,
  projectName: string,
  report: (problem: string) => void,
): SnapshotWriter {
  let pending: EngineState | undefined;
  let written: EngineState | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  let lastWriteAt = -Infinity;
  const save = (state: EngineState | null) => {
    const snapshot: StateSnapshot = {
      devenvPid: state ? process.pid : null,
      projectName,
      updatedAt: Date.now(),
      state,
    };
    try {
      ensurePrivateDir(dirname(path));
      writePrivateFile(path, JSON.stringify(snapshot));
      lastWriteAt = Date.now();
      written = state ?? undefined;
      failing = false;
    } catch (error) {
      if (!failing) report(`cannot write ${path} (devenv ps shows old state): ${messageOf(error)}`);
      failing = true;
    }
  };
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending) save(pending);
    pending = undefined;
  };
  return {
    update: (state) => {
      if (!failing && timer === undefined && !changedForPs(written, state)) return;
      pending = state;
      if (timer !== undefined) return;
      // At once after a quiet spell (a `devenv ps` right after up printed a change sees it),
      // then at most every 200 ms while changes keep coming.
      const wait = lastWriteAt + MIN_WRITE_INTERVAL_MS - Date.now();
      if (wait <= 0) write();
      else timer = setTimeout(write, wait);
    },
    flush: (state) => {
      pending = state;
      write();
    },
    remove: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      save(null);
    },
  };
}
