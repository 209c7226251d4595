import { describeTakenPort, type PortHolder } from '../doctor/port-holders.js';
import { describeToolFailure, type ToolFailure } from '../toolchain/resolve.js';
import type { ToolId } from '../versions/tool-ids.js';
import type { EngineSilence } from './docker-ping.js';

/** Why a service cannot run on a runtime here (Runtime.check); describeUnavailable says what to do. */
export type Unavailable =
  /** The service has no `x-devenv.native` command: it runs only as a container. */
  | { readonly reason: 'no-native-command' }
  /** `x-devenv.native.command` is there but empty. */
  | { readonly reason: 'empty-native-command' }
  /** A tool the service needs is missing and could not be installed. */
  | { readonly reason: 'tool-failed'; readonly tool: ToolId; readonly failure: ToolFailure }
  /** The native command is not an executable on PATH (or in the service's cwd). */
  | { readonly reason: 'not-on-path'; readonly command: string }
  /** A published port is held by another process. */
  | {
      readonly reason: 'port-taken';
      readonly port: number;
      readonly holders: readonly PortHolder[];
    }
  /** No Docker Engine answers. */
  | { readonly reason: 'engine-silent'; readonly silence: EngineSilence }
  /** `build:` cannot be built as written. */
  | { readonly reason: 'build-invalid'; readonly detail: string }
  /** The Dockerfile that `build:` names is not there. */
  | { readonly reason: 'dockerfile-missing'; readonly dockerfile: string }
  /** Neither `image:` nor `build:` names anything to run. */
  | { readonly reason: 'nothing-to-run' }
  /** The image is not in the Engine (whether to pull it is the pull policy's call: docker-check.ts). */
  | { readonly reason: 'image-missing'; readonly image: string }
  /** `type: image` volumes need a newer Engine API than `api`. */
  | { readonly reason: 'engine-too-old'; readonly api: string; readonly wanted: string }
  /** An image a `type: image` volume mounts is not here. */
  | { readonly reason: 'image-volume-missing'; readonly image: string; readonly target: string }
  /** The Engine failed a call it should have answered. */
  | { readonly reason: 'engine-refused'; readonly detail: string };

const START_ENGINE =
  'start it (`sudo systemctl start docker`, or `sudo dockerd &`), or run the service with --runtime native';

export function describeUnavailable(why: Unavailable): string {
  switch (why.reason) {
    case 'no-native-command':
      return 'no x-devenv.native command: it runs only as a container';
    case 'empty-native-command':
      return 'x-devenv.native.command is empty';
    case 'tool-failed':
      return `${why.tool} ${describeToolFailure(why.failure)} → ${why.failure.remediation}`;
    case 'not-on-path':
      return `"${why.command}" is not on PATH`;
    case 'port-taken':
      return describeTakenPort(why.port, why.holders);
    case 'engine-silent':
      return why.silence.reason === 'no-answer-in-time'
        ? `the Docker Engine did not answer within ${why.silence.timeoutMs / 1000} s: ${START_ENGINE}`
        : `the Docker Engine does not answer (${why.silence.message}): ${START_ENGINE}`;
    case 'build-invalid':
    case 'engine-refused':
      return why.detail;
    case 'dockerfile-missing':
      return `cannot build: ${why.dockerfile} does not exist (build.context / build.dockerfile)`;
    case 'nothing-to-run':
      return 'the service has neither image: nor build:, so there is nothing to run';
    case 'image-missing':
      return (
        `image ${why.image} is not present locally: pull it (\`npx devenv pull\`), ` +
        `build or load it (\`docker build -t ${why.image} <dir>\` or \`docker load -i <file>\`), ` +
        `or give the service a build: section`
      );
    case 'engine-too-old':
      return `volumes of type: image need Docker Engine 28 or later (API ${why.wanted}); this Engine speaks API ${why.api}: upgrade the Engine, or mount the files another way (a bind mount or a volume)`;
    case 'image-volume-missing':
      return `image ${why.image}, mounted at ${why.target} (volumes, type: image), is not present locally, and devenv never pulls: build or load it first`;
  }
}
