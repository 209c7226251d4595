/**
 * `devenv images build`: the three application images, built through the docker runtime's own
 * path (compose `build:` → buildPlan → buildImage, runtime/docker-build.ts), so the same inputs
 * give the same image as `devenv up --runtime docker`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { devenvVersion } from '../devenv-version.js';
import type { Stack } from '../model/stack.js';
import { err, ok, type Result } from '../../shared/result.js';
import { buildImage, buildPlan } from '../runtime/docker-build.js';
import { PROJECT_LABEL, SERVICE_LABEL } from '../runtime/docker-labels.js';
import { imageId, inspectImage, removeReplaced, type ImageFacts } from './engine.js';
import { APP_SERVICES, type AppService } from './image-plan.js';

export interface BuiltImage {
  readonly service: AppService;
  readonly tag: string;
  readonly facts: ImageFacts;
  readonly seconds: number;
}

export interface BuildAppsOptions {
  readonly docker: Dockerode;
  readonly stack: Stack;
  /** The environment compose's `build.args` are read from (appBuildEnv merged over the user's). */
  readonly buildEnv: NodeJS.ProcessEnv;
  readonly services?: readonly AppService[];
  readonly log: (line: string) => void;
  readonly output?: (chunk: Buffer) => void;
}

/**
 * Labels of the built images: the runtime's project and service labels. Not its session label,
 * which would make every session's image different (see docs/images.md, "Identical images").
 */
export function imageLabels(stack: Stack, service: string): Record<string, string> {
  return { [PROJECT_LABEL]: stack.projectName, [SERVICE_LABEL]: service };
}

export async function buildApps(options: BuildAppsOptions): Promise<Result<BuiltImage[], string>> {
  const built: BuiltImage[] = [];
  for (const service of options.services ?? APP_SERVICES) {
    const spec = options.stack.services[service];
    if (spec?.build === undefined || spec.image === undefined)
      return err(`${service}: the compose file has no build: and image: for it`);
    const plan = buildPlan(
      spec.build,
      options.stack.projectDir,
      options.buildEnv,
      spec.container?.platform,
    );
    if (!plan.ok) return err(`${service}: ${plan.error}`);
    const started = Date.now();
    options.log(`${spec.image}: building (${plan.value.dockerfile})…`);
    const previous = await imageId(options.docker, spec.image);
    const result = await buildImage(
      options.docker,
      plan.value,
      spec.image,
      imageLabels(options.stack, service),
      options.output ?? (() => undefined),
    );
    if (!result.ok) return err(`${service}: ${result.error}`);
    await removeReplaced(options.docker, previous, spec.image);
    const facts = await inspectImage(options.docker, spec.image);
    if (!facts.ok) return facts;
    built.push({
      service,
      tag: spec.image,
      facts: facts.value,
      seconds: (Date.now() - started) / 1000,
    });
  }
  return ok(built);
}

/** This checkout's version (package.json) and commit, for the OCI labels. */
export async function checkoutIdentity(
  projectRoot: string,
): Promise<{ version: string; gitSha: string }> {
  const version = devenvVersion(projectRoot) ?? '0.0.0';
  const gitSha = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: projectRoot })
    .then(({ stdout }) => stdout.trim())
    .catch(() => 'unknown');
  return { version, gitSha };
}

export function formatSize(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
