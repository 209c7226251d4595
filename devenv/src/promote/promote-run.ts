import type { CommandOutcome } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import { addSights, describeSights, type PodSight } from './pod-diagnostics.js';
import type { PromoteFailure } from './promote-failure.js';
import {
  endpointsFromManifest,
  helmUndoArgs,
  rollbackTarget,
  rolloutArgs,
  type BuiltAppImage,
  type CommandLine,
  type Endpoint,
  type PromoteRequest,
  type PromoteStep,
} from './promote-plan.js';

/** The effects the steps need; the command wires the real ones (runCommand, the Engine, the API server). */
export interface PromoteEffects {
  /** Runs a command, its stdout and stderr passed on as they come. */
  run(line: CommandLine, onOutput: (chunk: string) => void): Promise<CommandOutcome>;
  /** Runs a command for its stdout alone (JSON, YAML), so a warning on stderr cannot spoil it. */
  capture(line: CommandLine): Promise<{ outcome: CommandOutcome; stdout: string }>;
  /**
   * `docker save` of the images from the local Engine, piped into `line` (ctr's import), its
   * output passed on as it comes.
   */
  importImages(
    images: readonly string[],
    line: CommandLine,
    onOutput: (chunk: string) => void,
  ): Promise<CommandOutcome>;
  /**
   * Of `images`, those the cluster's containerd (at `address`, through `ctr`) does not already
   * hold as the local Engine has them; all of them when that cannot be told.
   */
  imagesToImport(images: readonly string[], ctr: string, address: string): Promise<string[]>;
  /** Builds the app images; the value is their image ids. */
  buildImages(): Promise<Result<readonly BuiltAppImage[], PromoteFailure>>;
  /** The troubled pods' events and logs, '' when all are well or the API cannot be asked. */
  diagnostics(): Promise<string>;
  /** How often to look at the pods while helm waits. */
  readonly pollMs: number;
}

export type PromoteEvent =
  | { readonly type: 'step'; readonly step: PromoteStep }
  | { readonly type: 'output'; readonly text: string }
  | { readonly type: 'note'; readonly text: string };

export interface PromoteOutcome {
  readonly endpoints: readonly Endpoint[];
}

/**
 * Runs the planned steps in order and stops at the first failure. `helm --atomic` undoes a failed
 * upgrade itself, but by then the new pods are gone with their logs, so the pods are looked at
 * while helm waits and the last sight of a troubled one is what the failure shows. A failed
 * `helm test` is undone here: rollback to the previous good revision, or uninstall.
 */
export async function executePromote(
  steps: readonly PromoteStep[],
  request: PromoteRequest,
  context: string,
  effects: PromoteEffects,
  report: (event: PromoteEvent) => void,
): Promise<Result<PromoteOutcome, PromoteFailure>> {
  const run: PromoteRun = {
    request,
    context,
    effects,
    report,
    output: (text) => report({ type: 'output', text }),
    images: [],
    endpoints: [],
  };
  for (const step of steps) {
    report({ type: 'step', step });
    const done = await runStep(run, step);
    if (!done.ok) return done;
  }
  return ok({ endpoints: run.endpoints });
}

/** One promote run: what every step needs, and what earlier steps found for later ones. */
interface PromoteRun {
  readonly request: PromoteRequest;
  readonly context: string;
  readonly effects: PromoteEffects;
  readonly report: (event: PromoteEvent) => void;
  readonly output: (text: string) => void;
  /** The built images, whose ids the upgrade puts into pod annotations (a rollout per change). */
  images: readonly BuiltAppImage[];
  endpoints: readonly Endpoint[];
}

async function runStep(run: PromoteRun, step: PromoteStep): Promise<Result<void, PromoteFailure>> {
  const { effects } = run;
  switch (step.kind) {
    case 'build-images': {
      const built = await effects.buildImages();
      if (!built.ok) return built;
      run.images = built.value;
      return ok(undefined);
    }
    case 'kind-load': {
      const outcome = await effects.run(step.run, run.output);
      if (outcome.code !== 0)
        return err({
          reason: 'kind-load-failed',
          cluster: step.cluster,
          detail: describe(outcome),
        });
      return ok(undefined);
    }
    case 'containerd-import': {
      const images = await effects.imagesToImport(step.images, step.run.command, step.address);
      const held = step.images.length - images.length;
      if (held > 0)
        run.report({
          type: 'note',
          text: `${held} of ${step.images.length} images already in the cluster, as built: not imported again`,
        });
      if (images.length === 0) return ok(undefined);
      const outcome = await effects.importImages(images, step.run, run.output);
      if (outcome.code !== 0)
        return err({
          reason: 'image-import-failed',
          address: step.address,
          detail: describe(outcome),
        });
      return ok(undefined);
    }
    case 'helm-upgrade':
      return helmUpgrade(run, step.run);
    case 'helm-test':
      return helmTest(run, step.run);
    case 'endpoints': {
      const { outcome, stdout } = await effects.capture(step.run);
      if (outcome.code === 0)
        run.endpoints = endpointsFromManifest(stdout, run.request.namespace, run.context);
      else
        run.report({
          type: 'note',
          text: `could not list the release's Services: ${describe(outcome)}`,
        });
      return ok(undefined);
    }
  }
}

async function helmUpgrade(
  run: PromoteRun,
  upgrade: CommandLine,
): Promise<Result<void, PromoteFailure>> {
  const { effects } = run;
  const line = { ...upgrade, args: [...upgrade.args, ...rolloutArgs(run.images)] };
  const { outcome, seen } = await whileWatching(effects, () => effects.run(line, run.output));
  if (outcome.code === 0) return ok(undefined);
  const after = await effects.diagnostics();
  return err({
    reason: 'helm-upgrade-failed',
    release: run.request.release,
    detail: describe(outcome),
    diagnostics: seen !== '' ? seen : after,
  });
}

async function helmTest(run: PromoteRun, test: CommandLine): Promise<Result<void, PromoteFailure>> {
  const { effects, request } = run;
  const outcome = await effects.run(test, run.output);
  if (outcome.code === 0) return ok(undefined);
  const diagnostics = await effects.diagnostics();
  const rollback = await undo(test, request, run.context, effects, run.output);
  return err({
    reason: 'helm-test-failed',
    release: request.release,
    detail: describe(outcome),
    diagnostics,
    rollback,
  });
}

/**
 * Runs `action`, polling the pods meanwhile; returns what the failure report shows of them: the
 * pods seen failing, each as last seen (a failed revision's pods are gone once helm rolled back),
 * or '' when no pod was ever troubled.
 */
async function whileWatching(
  effects: PromoteEffects,
  action: () => Promise<CommandOutcome>,
): Promise<{ outcome: CommandOutcome; seen: string }> {
  let sights: ReadonlyMap<string, PodSight> = new Map();
  let done = false;
  const watch = (async () => {
    // Bounded by the action: it ends when helm does (helm itself is bounded by --timeout).
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, effects.pollMs));
      if (done) break;
      const text = await effects.diagnostics();
      if (text !== '') sights = addSights(sights, text, new Date().toISOString().slice(11, 19));
    }
  })();
  const outcome = await action();
  done = true;
  await watch;
  return { outcome, seen: describeSights(sights, 'before the rollback') };
}

async function undo(
  helm: CommandLine,
  request: PromoteRequest,
  context: string,
  effects: PromoteEffects,
  output: (text: string) => void,
): Promise<string> {
  const { outcome: listed, stdout: history } = await effects.capture({
    command: helm.command,
    args: [
      'history',
      request.release,
      '--namespace',
      request.namespace,
      '--kube-context',
      context,
      '--output',
      'json',
    ],
  });
  if (listed.code !== 0)
    return `the release could not be rolled back (helm history: ${describe(listed)}); undo it with \`helm uninstall ${request.release} --namespace ${request.namespace} --kube-context ${context}\``;
  const previous = rollbackTarget(history);
  const args = helmUndoArgs(request, context, previous);
  const undone = await effects.run({ command: helm.command, args }, output);
  const what =
    previous === undefined
      ? 'uninstalled (it was the first install)'
      : `rolled back to revision ${previous}`;
  return undone.code === 0
    ? `The release was ${what}.`
    : `The release should have been ${what}, but \`helm ${args.join(' ')}\` failed: ${describe(undone)}`;
}

function describe(outcome: CommandOutcome): string {
  if (outcome.spawnError !== undefined) return outcome.spawnError;
  const how = outcome.signal !== null ? `killed by ${outcome.signal}` : `exit ${outcome.code}`;
  const lines = outcome.tail.trim().split('\n').slice(-12).join('\n');
  return lines === '' ? how : `${how}:\n${lines}`;
}
