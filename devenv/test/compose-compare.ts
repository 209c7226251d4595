import { parseDuration } from '../src/model/duration.js';
import { isPlainObject } from '../src/model/tree.js';

/**
 * One Compose project (devenv's `config --format json`, or compose-go's project JSON) reduced to
 * the fields devenv models, each in one canonical form, so the two compare with `===` on JSON.
 * Defaults both sides agree on (restart "no", a 10 s stop grace period, the Dockerfile name) are
 * filled in, because one side prints them and the other omits them; that is presentation, not a
 * difference in behaviour. Healthcheck timings are not: an unset one is the image's.
 */
export interface ProjectView {
  readonly project: Readonly<Record<string, unknown>>;
  readonly services: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface Mismatch {
  /** `project.name`, `services.web.ports`, … */
  readonly field: string;
  readonly devenv: unknown;
  readonly compose: unknown;
}

/** The service fields compared; each is a field devenv's model resolves. */
export const SERVICE_FIELDS = [
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'ports',
  'volumes',
  'depends_on',
  'restart',
  'healthcheck',
  'profiles',
  'user',
  'container_name',
  'stop_grace_period',
  'working_dir',
  'develop.watch',
] as const;

type Json = Readonly<Record<string, unknown>>;

export function viewOf(document: Json): ProjectView {
  const services = isPlainObject(document.services) ? document.services : {};
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, service] of Object.entries(services))
    out[name] = serviceView(isPlainObject(service) ? service : {});
  // compose-go keeps an optional dependency on a service no profile enables, devenv drops it;
  // either way nothing waits for it.
  for (const view of Object.values(out)) {
    const dependsOn = view.depends_on as Record<string, string>;
    for (const [name, how] of Object.entries(dependsOn))
      if (how.includes('optional') && !Object.hasOwn(services, name)) delete dependsOn[name];
  }
  return {
    project: {
      name: document.name,
      services: Object.keys(services).sort(),
      volumes: Object.keys(isPlainObject(document.volumes) ? document.volumes : {}).sort(),
    },
    services: out,
  };
}

/** Every field of both views that differs; `counted` hears of every field compared. */
export function compareViews(
  devenv: ProjectView,
  compose: ProjectView,
  counted: (field: string) => void = () => {},
): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const check = (field: string, a: unknown, b: unknown) => {
    counted(field);
    if (canonical(a) !== canonical(b)) mismatches.push({ field, devenv: a, compose: b });
  };
  for (const key of ['name', 'services', 'volumes'])
    check(`project.${key}`, devenv.project[key], compose.project[key]);
  for (const [name, ours] of Object.entries(devenv.services)) {
    const theirs = compose.services[name];
    if (!theirs) continue; // already reported as project.services
    for (const field of SERVICE_FIELDS)
      check(`services.${name}.${field}`, ours[field], theirs[field]);
  }
  return mismatches;
}

function serviceView(service: Json): Record<string, unknown> {
  const develop = isPlainObject(service.develop) ? service.develop : {};
  return {
    image: service.image ?? undefined,
    build: buildView(service.build),
    command: service.command ?? undefined,
    entrypoint: service.entrypoint ?? undefined,
    environment: environmentView(service.environment),
    ports: listOf(service.ports).map(portView),
    volumes: listOf(service.volumes).map(volumeView),
    depends_on: dependsOnView(service.depends_on),
    restart: service.restart ?? 'no',
    healthcheck: healthcheckView(service.healthcheck),
    profiles: listOf(service.profiles),
    user: service.user ?? undefined,
    container_name: service.container_name ?? undefined,
    stop_grace_period: durationMs(service.stop_grace_period, 10_000),
    working_dir: service.working_dir ?? undefined,
    'develop.watch': listOf(develop.watch).map(watchView),
  };
}

function buildView(build: unknown): unknown {
  if (build === undefined || build === null) return undefined;
  const spec = typeof build === 'string' ? { context: build } : isPlainObject(build) ? build : {};
  return {
    context: spec.context ?? '.',
    dockerfile: spec.dockerfile ?? 'Dockerfile',
    target: spec.target ?? undefined,
    // compose-differences.ts `unset-build-args`: devenv keeps an unset arg bare for the build.
    args: withoutBareArgs(keyedView(spec.args)),
  };
}

function environmentView(environment: unknown): Record<string, unknown> {
  return keyedView(environment);
}

/** A list (`KEY=value`, `KEY`) or mapping as a mapping; a bare `KEY` is null (not resolved). */
function withoutBareArgs(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null));
}

function keyedView(keyed: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(keyed)) {
    for (const item of keyed) {
      const text = String(item);
      const eq = text.indexOf('=');
      out[eq < 0 ? text : text.slice(0, eq)] = eq < 0 ? null : text.slice(eq + 1);
    }
  } else if (isPlainObject(keyed)) {
    for (const [key, value] of Object.entries(keyed))
      out[key] = value === null || value === undefined ? null : String(value);
  }
  return out;
}

function portView(port: unknown): string {
  if (!isPlainObject(port)) return String(port);
  const published =
    port.published === undefined || port.published === null ? '' : String(port.published);
  return `${String(port.host_ip ?? '')}:${published}:${String(port.target)}/${String(port.protocol ?? 'tcp')}`;
}

function volumeView(volume: unknown): string {
  if (!isPlainObject(volume)) return String(volume);
  const mode = volume.read_only === true ? 'ro' : 'rw';
  const image = isPlainObject(volume.image) ? volume.image : {};
  const subpath = image.subpath === undefined ? '' : `:subpath=${String(image.subpath)}`;
  return `${String(volume.type)}:${String(volume.source ?? '')}:${String(volume.target)}:${mode}${subpath}`;
}

function dependsOnView(dependsOn: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(dependsOn)) {
    for (const name of dependsOn) out[String(name)] = 'service_started required';
  } else if (isPlainObject(dependsOn)) {
    for (const [name, options] of Object.entries(dependsOn)) {
      const o = isPlainObject(options) ? options : {};
      out[name] = [
        String(o.condition ?? 'service_started'),
        o.required === false ? 'optional' : 'required',
        ...(o.restart === true ? ['restart'] : []),
      ].join(' ');
    }
  }
  return out;
}

/**
 * The healthcheck as each side has it: a timing left out stays out (the image's or Docker's
 * applies, which neither side decides), so a side that filled in a default differs.
 */
function healthcheckView(check: unknown): unknown {
  if (!isPlainObject(check)) return undefined;
  const test = typeof check.test === 'string' ? ['CMD-SHELL', check.test] : check.test;
  if (check.disable === true || (Array.isArray(test) && test[0] === 'NONE')) return 'disabled';
  const written = (key: string, value: unknown) => (value == null ? {} : { [key]: value });
  return {
    test: Array.isArray(test) && test.length > 0 ? test : undefined,
    ...written('interval', durationOf(check.interval)),
    ...written('timeout', durationOf(check.timeout)),
    ...written('retries', check.retries),
    ...written('start_period', durationOf(check.start_period)),
    ...written('start_interval', durationOf(check.start_interval)),
  };
}

function watchView(rule: unknown): string {
  if (!isPlainObject(rule)) return String(rule);
  return `${String(rule.action)} ${String(rule.path)} → ${String(rule.target ?? '')} ignore ${listOf(rule.ignore).join(',')}`;
}

function durationMs(value: unknown, fallback: number): unknown {
  return value === undefined || value === null ? fallback : durationOf(value);
}

function durationOf(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  const parsed = parseDuration(String(value));
  return parsed.ok ? parsed.value : `unparsable ${String(value)}`;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** JSON with sorted keys, so mapping order never counts as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
