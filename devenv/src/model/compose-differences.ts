/**
 * Where devenv deliberately loads or runs a Compose file differently from Docker Compose: the one
 * list. The compose-go differential test (compose-go.differential.test.ts) accepts exactly these
 * differences and no others, and docs/compose-differences.md explains each; a test keeps the two
 * in step.
 */
export interface ComposeDifference {
  /** What Docker Compose does. */
  readonly compose: string;
  /** What devenv does instead. */
  readonly devenv: string;
  readonly reason: string;
  /**
   * A devenv load error that this difference explains: a file compose-go loads and devenv rejects
   * with a message matching it is not a mismatch.
   */
  readonly rejects?: RegExp;
}

export const COMPOSE_DIFFERENCES = {
  'loopback-host-ip': {
    compose: 'a published port without host_ip listens on every interface (0.0.0.0 and ::)',
    devenv: 'it listens on 127.0.0.1 only; `devenv config` shows host_ip as written (none)',
    reason:
      'a development stack (databases with default passwords, debug endpoints) should not be ' +
      'reachable from the network; write host_ip: 0.0.0.0 to publish on every interface',
  },
  'host-port-conflicts': {
    compose:
      'two services publishing the same host port load fine; `up` fails when the second cannot bind',
    devenv: 'loading fails, positioned at both ports',
    reason: 'found before anything starts, with the place to fix it, not halfway through a start',
    rejects: /^host port .* is (?:already published|published twice) by /,
  },
  'replica-host-ports': {
    compose:
      'a service with several replicas and a fixed host port loads; `up` fails when the second ' +
      'replica cannot bind ("port is already allocated"); a host range gives each replica any ' +
      'free port of it',
    devenv:
      'loading (or `--scale`, `devenv scale`) fails, naming the service and the port; replica i ' +
      'gets the i-th port of a host range, so the range needs a port per replica',
    reason:
      'found before anything starts; and a replica whose port is known can be probed, and ' +
      'natively told which port to listen on',
    rejects: /has \d+ replicas but (?:publishes the fixed host port|its host port range)/,
  },
  'not-supported': {
    compose: 'runs provider: services, lifecycle hooks (post_start, pre_stop), models and jobs',
    devenv:
      'loading fails with "not supported by devenv (yet): <key>", positioned at the key, instead ' +
      'of running something other than what the file says',
    reason:
      'devenv supervises processes and containers and has no provider plugins; a silent ' +
      'partial run would look like success',
    rejects: /not supported by devenv \(yet\)/,
  },
  'remote-include': {
    compose:
      'fetches an `include` of a git repository or OCI artifact (the oracle has no remote loader, ' +
      'so it rejects them too)',
    devenv:
      'loading fails, positioned at the entry: "include of a remote project … is not supported"',
    reason:
      'a development environment that runs what a network location serves at that moment is ' +
      'neither reproducible nor reviewable; vendor the project or include a local checkout',
    rejects: /^include of a remote project .* is not supported by devenv/,
  },
  'container-name-anchored': {
    compose:
      'checks container_name against the specification’s unanchored pattern, so a name that ' +
      'merely contains a valid one (`-web`) loads, and the Engine refuses it at `up`',
    devenv: 'the whole name must match: a letter or digit, then letters, digits, `_`, `.` or `-`',
    reason: 'the Engine’s own rule, reported at load time with the position instead of at start',
    rejects: /expected a container name/,
  },
  'container-names': {
    compose: 'names a container `container_name`, else `<project>-<service>-<n>`',
    devenv:
      'names it `<project>-<service>-<session>`; `container_name` is checked (the Engine’s rule) ' +
      'and is an alias on the project network, so other containers still reach it by that name',
    reason:
      'two devenv sessions, or a session and a killed one’s leftovers, never collide, and devenv ' +
      'finds its own containers by their labels',
  },
  'project-network': {
    compose:
      'puts a service on the project’s `default` network and the networks it names, each with ' +
      'its aliases; services on different networks cannot reach each other',
    devenv:
      'puts every container on one network, `<project>_devenv`, under its service name, its ' +
      '`networks:` aliases (of every network it names), its `container_name` and its `hostname`; ' +
      'named networks are not created, so nothing isolates them from each other',
    reason:
      'service-to-service names are what a development stack needs; per-network isolation is not ' +
      'implemented yet (docs/compose-keys.md, “Accepted, not applied”)',
  },
  'accepted-not-applied': {
    compose:
      'applies every container option: device and GPU requests, blkio, CPU periods and quotas, ' +
      '`cgroup`, `userns_mode`, `mac_address`, …',
    devenv:
      'loads them, checks their keys and prints them in `devenv config`, but the docker runtime ' +
      'does not apply these yet (the list is in docs/compose-keys.md); the common ones (limits, ' +
      '`shm_size`, `extra_hosts`, `stop_signal`, secrets, …) it applies',
    reason:
      'a project that uses them still runs under devenv; each is applied when a project needs it',
  },
  'container-option-values': {
    compose:
      'loads a negative `cpus` or `cpu_shares` or `shm_size`, a ulimit whose soft limit is above ' +
      'its hard one, a bad `expose` port, a relative `tmpfs` or volume container path (`/cache:ro` ' +
      'mounts /cache at `ro`), unknown device permissions, a `volumes_from` mode other than ro or ' +
      'rw, a `platform` that is not os/arch[/variant], or an image mount without a source; the ' +
      'Engine refuses them when it creates the container',
    devenv: 'loading fails, positioned at the value, with a hint',
    reason: 'a mistyped value is best found where it is written, not when a container is created',
    rejects:
      /: (?:-?[\d.]+ is not a (?:number of CPUs|CPU weight)|the soft limit \d+ is above|.* is not a port or range like|.* does not start with an absolute container path|.* is not a device: write|-?[\d.]+ is not a whole number of bytes|.* is not a numeric (?:uid|gid)|.* is not a file mode|.* is not a signal(?: number)?|an image mount needs a source|.* is not a volumes_from mode|.* is not a platform: |.*: no (?:service|container) name|.* the container path .* must be absolute)/,
  },
  'logging-files': {
    compose:
      'hands a service’s output to its `logging.driver` (json-file by default, unbounded without ' +
      '`max-size`); the Engine refuses a bad `max-size` or `max-file` when the container is created',
    devenv:
      'writes every service’s output to `.devenv/logs/<service>.log`, rotated by `max-size` and ' +
      '`max-file` (else 4 × 10 MiB); `driver: none` keeps no file; another driver (syslog, gelf, …) ' +
      'gets a warning and the file; a bad `max-size` or `max-file` fails loading, positioned',
    reason:
      'a development stack is read on this machine (the TUI, `devenv logs`), and a mistyped size ' +
      'is best found where it is written, not when a container is created',
    rejects: /\.logging\.options\.max-(?:size|file): /,
  },
  'windows-paths': {
    compose:
      'loads Windows paths (`C:\\data` as a mount target, for Windows containers; drive-letter ' +
      'sources converted for Docker Desktop)',
    devenv: 'loading fails: a mount target must be an absolute Linux path',
    reason:
      'devenv runs Linux containers and native processes on Linux and macOS; Windows containers ' +
      'are out of scope, and a target it cannot mount is better refused where it is written',
    rejects: /target must be an absolute container path, not "[a-zA-Z]:[\\/]/,
  },
  'no-services': {
    compose: 'loads a project without services (networks or volumes only) and does nothing at `up`',
    devenv: 'loading fails, positioned at `services`: the project defines no services',
    reason:
      'devenv exists to run services; a project with none is almost always a wrong -f file or a ' +
      'profile typo, and reporting it beats a session that starts nothing',
    rejects: /^the project defines no services$/,
  },
  'unset-build-args': {
    compose: 'a build arg written without a value and unset when the file is loaded is dropped',
    devenv:
      'it is kept without a value (`devenv config` prints it bare) and takes its value when the ' +
      'image is built',
    reason:
      '`devenv images` and the docker runtime pass the base images they chose (official or ' +
      'bootstrapped from Debian packages) as build args after loading; the image still builds ' +
      'with the Dockerfile default when nothing gives one',
  },
  'x-devenv-resolved': {
    compose: 'x-devenv is an extension: passed through as written, ignored',
    devenv:
      'x-devenv is devenv’s own section: validated, defaults applied, and shown resolved by ' +
      '`devenv config`',
    reason: 'it says how to run the service as a local process and how to probe it',
  },
} as const satisfies Readonly<Record<string, ComposeDifference>>;

export type ComposeDifferenceId = keyof typeof COMPOSE_DIFFERENCES;

/** The difference that explains devenv rejecting a file compose-go loads, if one does. */
export function explainedRejection(messages: readonly string[]): ComposeDifferenceId | undefined {
  if (messages.length === 0) return undefined;
  for (const [id, difference] of Object.entries(COMPOSE_DIFFERENCES) as [
    ComposeDifferenceId,
    ComposeDifference,
  ][]) {
    const pattern = difference.rejects;
    if (pattern && messages.every((m) => pattern.test(m))) return id;
  }
  return undefined;
}
