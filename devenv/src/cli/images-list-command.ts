import Dockerode from 'dockerode';
import { getState } from '../control/control-client.js';
import { controlSocketPath } from '../control/socket-path.js';
import type { EngineState } from '../engine/service-state.js';
import { pingEngine } from '../images/engine.js';
import { sessionOwnerAlive } from '../session/reap.js';
import { readSession, sessionPath } from '../session/session-file.js';
import { readStateSnapshot, stateSnapshotPath } from '../session/state-snapshot.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { CommandContext } from './command.js';
import { inspectContainerImages } from './images-list-engine.js';
import {
  byContainerName,
  imageRow,
  imagesJson,
  imagesTable,
  instancesToList,
  nativeNote,
  NOTHING_RUNS,
  quietImageIds,
  type ImageRow,
} from './images-list.js';
import { instanceOf } from './ps-row.js';
import { describeControlFailure } from './running-stack.js';
import { loadStackFromFlags, stateDirOf, type StackFlagValues } from './stack-options.js';

export type ImagesListFormat = 'table' | 'json';

/** `--format`: Compose's table (also its default) or json, in any case. */
export function parseImagesListFormat(raw: string | undefined): ImagesListFormat | undefined {
  const format = (raw ?? 'table').toLowerCase();
  return format === 'table' || format === 'json' ? format : undefined;
}

export interface ImagesListRequest {
  readonly values: StackFlagValues;
  readonly services: readonly string[];
  readonly quiet: boolean;
  readonly format: ImagesListFormat;
  readonly usage: string;
}

/** `devenv images [-q] [--format table|json] [SERVICE…]`: the running stack's images. */
export async function imagesListCommand(
  request: ImagesListRequest,
  ctx: CommandContext,
): Promise<number> {
  const stack = await loadStackFromFlags(request.values, ctx);
  if (!stack) return 2;
  const serviceOf = (name: string) => instanceOf(stack, name).service;
  const known = new Set(Object.keys(stack.services).map(serviceOf));
  const unknown = request.services.find((name) => !known.has(name) && !stack.services[name]);
  if (unknown !== undefined) {
    ctx.err(`devenv images: no such service: ${unknown}`);
    return 1;
  }
  const stateDir = stateDirOf(stack, ctx);
  const state = await runningState(stateDir, request.usage);
  if (!state.ok) {
    ctx.err(state.error);
    return 1;
  }
  const listed = state.value
    ? instancesToList(state.value, serviceOf, request.services)
    : { containers: [], native: [] };
  let rows: ImageRow[] = [];
  if (listed.containers.length > 0) {
    const docker = new Dockerode();
    const engine = await pingEngine(docker);
    const inspected = engine.ok ? await inspectContainerImages(docker, listed.containers) : engine;
    if (!inspected.ok) {
      ctx.err(`devenv images: ${inspected.error}`);
      return 1;
    }
    rows = byContainerName(inspected.value.map(imageRow));
  }
  const lines = request.quiet
    ? quietImageIds(rows)
    : request.format === 'json'
      ? [imagesJson(rows)]
      : [
          ...imagesTable(rows, Date.now()),
          ...(state.value ? nativeNote(listed.native) : [NOTHING_RUNS]),
        ];
  if (lines.length > 0) ctx.out(lines.join('\n'));
  return 0;
}

/**
 * The running devenv's state, asked over its control socket (the state file trails it by up to
 * 200 ms: a container just replaced would be missing); the file when the socket does not answer.
 * Undefined when no devenv runs the stack.
 */
async function runningState(
  stateDir: string,
  usage: string,
): Promise<Result<EngineState | undefined, string>> {
  const session = readSession(sessionPath(stateDir));
  if (session === undefined || !(await sessionOwnerAlive(session))) return ok(undefined);
  const asked = await getState(controlSocketPath(stateDir));
  if (asked.ok) return ok(asked.value.state);
  const snapshot = readStateSnapshot(stateSnapshotPath(stateDir));
  if (snapshot !== undefined) return ok(snapshot);
  return err(await describeControlFailure('images', asked.error, stateDir, usage));
}
