import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/project-root.js';
import { bearerHeader, sessionTokenFrom } from '../src/session/session-secret.js';

/**
 * `Authorization: Bearer …` with the session token of the devenv running the stack whose state
 * directory this is (the project's own by default): the dispatcher's POST routes require it.
 */
export function sessionAuth(stateDir = join(PROJECT_ROOT, '.devenv')): Record<string, string> {
  return bearerHeader(sessionTokenFrom({}, stateDir));
}

/**
 * The stack's smoke test, the same for every runtime (native processes or containers): through
 * the dispatcher's HTTP API, a workflow that calls activities on both workers (TypeScript and
 * Python) completes, and so do a TypeScript-only and a Python-only one. Returns what it saw.
 */
export async function stackSmoke(
  dispatcher = 'http://127.0.0.1:7070',
  /** The running devenv's state directory: the session token the starts need is there. */
  stateDir = join(PROJECT_ROOT, '.devenv'),
): Promise<{
  readonly greetings: readonly string[];
}> {
  const auth = sessionAuth(stateDir);
  const started = async (route: string, name: string) => {
    const response = await fetch(`${dispatcher}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ name }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { workflow_id?: string };
    if (response.status >= 300 || !body.workflow_id)
      throw new Error(`POST ${route}: ${response.status} ${JSON.stringify(body)}`);
    return body.workflow_id;
  };
  const result = async (id: string) => {
    const response = await fetch(
      `${dispatcher}/workflows/${encodeURIComponent(id)}/result?wait=60`,
      {
        signal: AbortSignal.timeout(70_000),
      },
    );
    const body = (await response.json()) as { status?: string; result?: Record<string, unknown> };
    if (response.status !== 200 || body.status !== 'COMPLETED')
      throw new Error(`workflow ${id}: ${response.status} ${JSON.stringify(body)}`);
    return body.result ?? {};
  };
  const [mixed, ts, py] = await Promise.all([
    started('/typescript/demo-mixed', 'smoke'),
    started('/typescript/demo', 'smoke-ts'),
    started('/python/demo', 'smoke-py'),
  ]);
  const mixedResult = await result(mixed);
  await result(ts);
  await result(py);
  const greetings = (mixedResult['greetings'] ?? []) as string[];
  if (greetings.length !== 2) throw new Error(`demo-mixed greeted ${JSON.stringify(greetings)}`);
  return { greetings };
}
