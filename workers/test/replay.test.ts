/**
 * Replay: every workflow type's recorded history (workers/test/histories/, written by
 * record-histories.ts) replays against today's workflow code, so a change that would break
 * running workflows fails here before it ships; and a deliberately non-deterministic variant
 * fails, which proves the guard can fail.
 */
import { temporal } from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS } from '../typescript/src/routing.js';
import { replayOptions } from '../typescript/src/worker-setup.js';

const HISTORIES = fileURLToPath(new URL('./histories/', import.meta.url));
const NONDETERMINISTIC = fileURLToPath(new URL('./workflows/nondeterministic.ts', import.meta.url));

async function histories() {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      // fromObject, not the SDK's historyFromJSON: @temporalio/common and @temporalio/proto each
      // get a private copy of protobufjs 8 here (grpc pins 7 at the top level), and
      // historyFromJSON mixes the two ("type must be a Type"). The files are protobufjs's own
      // JSON form (History.toJSON: int64 as strings, enum names, bytes as base64), which
      // fromObject reads back exactly.
      history: temporal.api.history.v1.History.fromObject(
        JSON.parse(await readFile(`${HISTORIES}${file}`, 'utf8')) as Record<string, unknown>,
      ),
    })),
  );
}

async function replayAll(workflowsPath?: string): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const options = await replayOptions('replay-test', workflowsPath);
  for await (const result of Worker.runReplayHistories(options, await histories()))
    results.push(result);
  return results;
}

describe('recorded histories', () => {
  it('exist for every workflow type the worker registers', async () => {
    const recorded = (await readdir(HISTORIES)).map((f) => f.replace(/\.json$/, '')).sort();
    expect(recorded).toEqual(
      Object.values(WORKFLOWS)
        .map((w) => w.type)
        .sort(),
    );
  });

  it('replay without error against the current workflow code', async () => {
    const results = await replayAll();
    expect(results.map((r) => [r.workflowId, r.error?.message])).toEqual(
      results.map((r) => [r.workflowId, undefined]),
    );
    expect(results).toHaveLength(Object.keys(WORKFLOWS).length);
  }, 60_000);

  it('catch a non-deterministic change (activities reordered in WorkflowDemoMixed)', async () => {
    const results = await replayAll(NONDETERMINISTIC);
    const failed = results.filter((r) => r.error);
    expect(failed.map((r) => r.workflowId)).toEqual(['WorkflowDemoMixed']);
    expect(failed[0]?.error).toBeInstanceOf(DeterminismViolationError);
  }, 60_000);
});
