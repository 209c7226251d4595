import { userInfo } from 'node:os';
import { splitShellWords } from '../model/shell-words.js';
import { parseShortPort } from '../model/ports.js';
import type { PortMapping, ServiceSpec, Stack } from '../model/stack.js';
import { declaredVolumes, parseShortVolume } from '../model/volumes.js';
import type { ContainerRunFlags, GivenContainerFlags } from './run-container-request.js';
import { nativeFlagProblem } from './run-native.js';
import { UsageError } from './usage-error.js';

/**
 * `devenv run`'s flags for what runs, beyond its command (`docker compose run`'s --entrypoint, -u,
 * -v, --name, -d, -l, --cap-add, --cap-drop): each value checked as typed, then taken as the
 * container one-off takes them, or refused with why for a native one-off. Mistakes are usage
 * errors naming the flag and its value.
 */

/** The parsed options these are read from (run-command.ts's OPTIONS). */
export interface RunFlagValues {
  readonly entrypoint?: string | undefined;
  readonly user?: string | undefined;
  readonly volume?: string[] | undefined;
  readonly name?: string | undefined;
  readonly detach?: boolean | undefined;
  readonly label?: string[] | undefined;
  readonly 'cap-add'?: string[] | undefined;
  readonly 'cap-drop'?: string[] | undefined;
}

/** `docker compose run`'s flags as given, each checked on its own (usage errors name the flag). */
export interface GivenRunFlags extends GivenContainerFlags {
  readonly name: string | undefined;
  readonly detach: boolean;
}

/** `run -it`, a docker run habit, is taken: the run works, without the TTY asked for. */
export const NO_TTY_NOTE =
  'devenv run: -t: no TTY is allocated (the output is logged too); `devenv exec SERVICE sh` gives a shell with one';

/** The Engine's rule for a container name. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function givenRunFlags(values: RunFlagValues, usage: string): GivenRunFlags {
  let entrypoint: string[] | undefined;
  if (values.entrypoint !== undefined) {
    const words = splitShellWords(values.entrypoint);
    if (!words.ok)
      throw new UsageError(
        `--entrypoint ${JSON.stringify(values.entrypoint)}: ${words.error}`,
        usage,
      );
    entrypoint = words.value;
  }
  const volumes = (values.volume ?? []).map((text) => {
    const parsed = parseShortVolume(text);
    if (!parsed.ok) throw new UsageError(`-v ${parsed.error}`, usage);
    return { text, entry: parsed.value };
  });
  const name = values.name;
  if (name !== undefined && !CONTAINER_NAME.test(name))
    throw new UsageError(
      `--name ${JSON.stringify(name)}: a container name is two or more letters, digits, _, . or -, starting with a letter or digit`,
      usage,
    );
  for (const label of values.label ?? [])
    if (!/^[^=]+=/.test(label))
      throw new UsageError(`-l ${JSON.stringify(label)}: expected KEY=VALUE`, usage);
  for (const flag of ['cap-add', 'cap-drop'] as const)
    for (const cap of values[flag] ?? [])
      if (!/^[A-Za-z_]+$/.test(cap))
        throw new UsageError(
          `--${flag} ${JSON.stringify(cap)}: expected a capability such as NET_ADMIN (or ALL)`,
          usage,
        );
  return {
    entrypoint,
    // Compose: an empty -u keeps the service's user.
    user: values.user === '' ? undefined : values.user,
    volumes,
    name,
    detach: values.detach === true,
    labels: values.label ?? [],
    capAdd: values['cap-add'] ?? [],
    capDrop: values['cap-drop'] ?? [],
  };
}

/** The flags as a container one-off takes them (containerRunFlags), `-v`'s relative sources from `cwd`. */
export async function containerFlags(
  given: GivenRunFlags,
  stack: Stack,
  cwd: string,
  usage: string,
): Promise<ContainerRunFlags> {
  // Loaded here: a native run needs nothing of the container's request.
  const { containerRunFlags } = await import('./run-container-request.js');
  const declared = declaredVolumes(
    stack.projectName,
    stack.document['volumes'] as Parameters<typeof declaredVolumes>[1],
  );
  const flags = containerRunFlags(given, declared, cwd);
  if (!flags.ok) throw new UsageError(flags.error, usage);
  return flags.value;
}

/** A native one-off takes none of the container's flags (nativeFlagProblem says why). */
export function checkedNativeFlags(
  spec: ServiceSpec,
  given: GivenRunFlags,
  command: readonly string[],
  usage: string,
): ContainerRunFlags {
  const { uid, gid, username } = userInfo();
  const problem = nativeFlagProblem(
    spec,
    { ...given, volumes: given.volumes.map((v) => v.text), command },
    { uid, gid, username },
  );
  if (problem !== undefined) throw new UsageError(problem, usage);
  return {
    entrypoint: given.entrypoint,
    user: undefined,
    volumes: [],
    labels: {},
    capAdd: [],
    capDrop: [],
  };
}

/** `--publish` as the Engine's port mappings (loopback unless an address is given, as for `ports:`). */
export function publishedPorts(
  values: readonly string[] | undefined,
  usage: string,
): PortMapping[] {
  return (values ?? []).flatMap((value) => {
    const parsed = parseShortPort(value);
    if (!parsed.ok) throw new UsageError(`--publish ${value}: ${parsed.error}`, usage);
    return parsed.value;
  });
}
