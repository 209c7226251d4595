import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { protoLayout } from './proto-layout.js';

/** `devenv proto clean`: removes generated code and scratch space; the next gen starts afresh. */
export async function cleanProtos(projectRoot: string): Promise<string[]> {
  const layout = protoLayout(projectRoot);
  const targets = [layout.genDir, layout.scratchDir];
  await Promise.all(targets.map((dir) => rm(dir, { recursive: true, force: true })));
  return targets.map((dir) => relative(projectRoot, dir));
}
