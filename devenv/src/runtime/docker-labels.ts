/**
 * Names and labels of the Docker objects devenv creates. Every container, network and built image
 * carries the project and session labels, so `devenv down` and the reaper after a SIGKILL find
 * them through the Engine alone, even when the session file never learned a container's id.
 */
export const PROJECT_LABEL = 'dev.devenv.project';
export const SESSION_LABEL = 'dev.devenv.session';
export const SERVICE_LABEL = 'dev.devenv.service';

export interface LabelScope {
  readonly projectName: string;
  readonly sessionId: string;
}

export function objectLabels(scope: LabelScope, service?: string): Record<string, string> {
  return {
    [PROJECT_LABEL]: scope.projectName,
    [SESSION_LABEL]: scope.sessionId,
    ...(service === undefined ? {} : { [SERVICE_LABEL]: service }),
  };
}

/** The Engine's `filters` value selecting a project's objects, or one session's within it. */
export function labelFilters(projectName: string, sessionId?: string): { label: string[] } {
  const label = [`${PROJECT_LABEL}=${projectName}`];
  if (sessionId !== undefined) label.push(`${SESSION_LABEL}=${sessionId}`);
  return { label };
}

/** One network per project: services reach each other by service name, as under Compose. */
export function networkName(projectName: string): string {
  return `${dockerName(projectName)}_devenv`;
}

/**
 * `<project>-<service>-<session prefix>`: readable in `docker ps`, and distinct per session so a
 * leftover of a killed session never blocks the name for the next one.
 */
export function containerName(projectName: string, service: string, sessionId: string): string {
  const short = sessionId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8) || 'session';
  return `${dockerName(projectName)}-${dockerName(service)}-${short}`;
}

/** The tag a `build:` service without `image:` gets, as Compose would name it. */
export function defaultImageTag(projectName: string, service: string): string {
  return `${dockerName(projectName).toLowerCase()}-${dockerName(service).toLowerCase()}:devenv`;
}

/** Docker allows `[a-zA-Z0-9][a-zA-Z0-9_.-]*` in names; Compose names mostly are, but not always. */
function dockerName(text: string): string {
  const cleaned = text.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
  return cleaned === '' ? 'x' : cleaned;
}
