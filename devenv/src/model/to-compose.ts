import { declaredVolumes, type VolumeMount } from './volumes.js';
import type {
  DevenvExtension,
  Healthcheck,
  PortMapping,
  ProbeSpec,
  ServiceSpec,
  Stack,
  WatchRule,
} from './stack.js';
import { isPlainObject, setOwn } from './tree.js';
import { probeKindOf } from '../health/probe-kinds.js';

type ComposeDocument = Record<string, unknown>;

/**
 * Service keys the model resolves: `devenv config` prints them from the ServiceSpec (canonical long
 * syntax, paths absolute, env_file folded into environment), never from the document as written.
 */
const MODELED_SERVICE_KEYS = new Set([
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'volumes',
  'depends_on',
  'healthcheck',
  'profiles',
  'restart',
  'stop_grace_period',
  'working_dir',
  'user',
  'develop',
  'extends',
  'x-devenv',
]);

/** Top-level keys that do not survive resolution: includes are merged in, the name is resolved. */
const RESOLVED_TOP_LEVEL_KEYS = new Set(['name', 'services', 'include', 'version']);

/**
 * The Stack as a Compose document, what `devenv config` prints: every active service with what
 * devenv resolved (interpolated, short syntax expanded, defaults applied, `x-devenv` included), and
 * the keys devenv does not model (networks, labels, …) as written. Reading it back (`devenv config
 * -f`) gives the same services.
 */
export function toComposeDocument(stack: Stack): ComposeDocument {
  const document: ComposeDocument = { name: stack.projectName };
  const written = isPlainObject(stack.document.services) ? stack.document.services : {};
  const engineVolumeKeys = volumeKeysByEngineName(stack);
  const services: ComposeDocument = {};
  for (const [name, spec] of Object.entries(stack.services)) {
    const asWritten = written[name];
    setOwn(
      services,
      name,
      toComposeService(spec, isPlainObject(asWritten) ? asWritten : {}, engineVolumeKeys),
    );
  }
  document.services = services;
  for (const [key, value] of Object.entries(stack.document))
    if (!RESOLVED_TOP_LEVEL_KEYS.has(key)) setOwn(document, key, value);
  return document;
}

function toComposeService(
  spec: ServiceSpec,
  asWritten: Readonly<Record<string, unknown>>,
  volumeKeys: ReadonlyMap<string, string>,
): ComposeDocument {
  const out: ComposeDocument = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined) setOwn(out, key, value);
  };
  put('image', spec.image);
  put('build', spec.build);
  put('command', spec.command);
  put('entrypoint', spec.entrypoint);
  const environment = environmentOf(spec);
  put('environment', Object.keys(environment).length > 0 ? environment : undefined);
  put('ports', spec.ports.length > 0 ? spec.ports.map(toComposePort) : undefined);
  put(
    'volumes',
    spec.volumes.length > 0 ? spec.volumes.map((v) => toComposeVolume(v, volumeKeys)) : undefined,
  );
  put('depends_on', Object.keys(spec.dependsOn).length > 0 ? spec.dependsOn : undefined);
  put('healthcheck', spec.healthcheck && toComposeHealthcheck(spec.healthcheck));
  put('profiles', spec.profiles.length > 0 ? spec.profiles : undefined);
  put(
    'restart',
    spec.restartMaxRetries === undefined
      ? spec.restart
      : `${spec.restart}:${spec.restartMaxRetries}`,
  );
  put('stop_grace_period', formatDuration(spec.stopGracePeriodMs));
  put('working_dir', spec.workingDir);
  put('user', spec.user);
  put('develop', spec.watch.length > 0 ? { watch: spec.watch.map(toComposeWatch) } : undefined);
  // Label files folded into labels, as env files are into environment.
  put('labels', spec.labels);
  for (const [key, value] of Object.entries(asWritten))
    if (!MODELED_SERVICE_KEYS.has(key) && key !== 'labels' && key !== 'label_file') put(key, value);
  put('x-devenv', toComposeExtension(spec.devenv));
  return out;
}

/** Keys Compose unsets in the container are `KEY: null`, which reads back the same way. */
function environmentOf(spec: ServiceSpec): Record<string, string | null> {
  const out: Record<string, string | null> = { ...spec.environment };
  for (const key of spec.unsetEnvironment ?? []) setOwn(out, key, null);
  return out;
}

function toComposePort(port: PortMapping): ComposeDocument {
  const published =
    port.host === undefined
      ? undefined
      : port.hostEnd === undefined
        ? String(port.host)
        : `${port.host}-${port.hostEnd}`;
  return {
    target: port.container,
    ...(published !== undefined ? { published } : {}),
    ...(port.hostIp !== undefined ? { host_ip: port.hostIp } : {}),
    protocol: port.protocol,
  };
}

function toComposeVolume(
  mount: VolumeMount,
  volumeKeys: ReadonlyMap<string, string>,
): ComposeDocument {
  switch (mount.type) {
    case 'bind':
      return {
        type: 'bind',
        source: mount.source,
        target: mount.target,
        read_only: mount.readOnly,
      };
    case 'volume':
      return {
        type: 'volume',
        source: volumeKeys.get(mount.name) ?? mount.name,
        target: mount.target,
        read_only: mount.readOnly,
      };
    case 'anonymous':
      return { type: 'volume', target: mount.target, read_only: mount.readOnly };
    case 'tmpfs':
      return { type: 'tmpfs', target: mount.target };
    case 'image':
      return {
        type: 'image',
        source: mount.source,
        target: mount.target,
        ...(mount.subpath !== undefined ? { image: { subpath: mount.subpath } } : {}),
      };
  }
}

/** A mounted volume carries the Engine's name; the document refers to it by its top-level key. */
function volumeKeysByEngineName(stack: Stack): Map<string, string> {
  const top = stack.document.volumes;
  const declared = declaredVolumes(
    stack.projectName,
    isPlainObject(top) ? (top as Parameters<typeof declaredVolumes>[1]) : undefined,
  );
  return new Map([...declared].map(([key, volume]) => [volume.name, key]));
}

function toComposeHealthcheck(check: Healthcheck): ComposeDocument {
  return {
    ...(check.test.length > 0 ? { test: check.test } : {}),
    // Only the timings written: an unset one is the image's, which `config` cannot know.
    ...(check.intervalMs === undefined ? {} : { interval: formatDuration(check.intervalMs) }),
    ...(check.timeoutMs === undefined ? {} : { timeout: formatDuration(check.timeoutMs) }),
    ...(check.retries === undefined ? {} : { retries: check.retries }),
    ...(check.startPeriodMs === undefined
      ? {}
      : { start_period: formatDuration(check.startPeriodMs) }),
    ...(check.startIntervalMs === undefined
      ? {}
      : { start_interval: formatDuration(check.startIntervalMs) }),
  };
}

function toComposeWatch(rule: WatchRule): ComposeDocument {
  return {
    path: rule.path,
    action: rule.action,
    ...(rule.target !== undefined ? { target: rule.target } : {}),
    ...(rule.ignore.length > 0 ? { ignore: rule.ignore } : {}),
  };
}

/** `x-devenv` with every default applied and every path absolute, in the syntax the schema reads. */
function toComposeExtension(devenv: DevenvExtension): ComposeDocument {
  const out: ComposeDocument = { group: devenv.group, optional: devenv.optional };
  if (devenv.url !== undefined) out.url = devenv.url;
  if (devenv.native)
    out.native = {
      command: devenv.native.command,
      ...(devenv.native.tool !== undefined ? { tool: devenv.native.tool } : {}),
      requires: devenv.native.requires,
      cwd: devenv.native.cwd,
      environment: devenv.native.environment,
    };
  if (devenv.probe) out.probe = toComposeProbe(devenv.probe);
  if (devenv.reloadGuard) out.reload_guard = { ...devenv.reloadGuard };
  if (devenv.hotReload) out.hot_reload = { ...devenv.hotReload };
  return out;
}

function toComposeProbe(probe: ProbeSpec): ComposeDocument {
  const { check } = probe;
  const settings = {
    period: formatDuration(probe.periodMs),
    timeout: formatDuration(probe.timeoutMs),
    failure_threshold: probe.failureThreshold,
    start_timeout: formatDuration(probe.startTimeoutMs),
    restart_unhealthy: probe.restartUnhealthy,
  };
  return { [check.kind]: probeKindOf(check).write(check), ...settings };
}

/** Milliseconds as Go's time.Duration prints them (`1m30s`, `1.5s`, `500ms`, `0s`), as Compose does. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

/**
 * Every `$` in a string value doubled: the values are already interpolated, so reading the
 * printed file back must not interpolate them again (`$${USER}` in a file stays `${USER}`).
 */
export function escapeInterpolation(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escapeInterpolation);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) setOwn(out, key, escapeInterpolation(child));
    return out;
  }
  return value;
}
