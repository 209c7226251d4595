import { stringify } from 'yaml';
import type { Stack } from '../model/stack.js';
import { escapeInterpolation, toComposeDocument } from '../model/to-compose.js';
import { isPlainObject } from '../model/tree.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE } from './stack-options.js';
import { UsageError } from './usage-error.js';

export const CONFIG_USAGE = `Usage: devenv config [options]

Prints the project as devenv resolved it, as a Compose file (like \`docker compose config\`):
variables interpolated, extends and include merged in, short syntax expanded, defaults applied,
env_file values folded into environment, paths absolute, x-devenv with its defaults.
\`devenv config -f\` reads it back as the same project.

      --format FORMAT      yaml (default) or json
      --services           print the active services' names, one a line
      --profiles           print every profile the services name, one a line
      --images             print the image of each active service (built: PROJECT-SERVICE)
      --volumes            print the top-level volumes' names, one a line
  -q, --quiet              only validate: exit 0 when valid, 2 with the problems on stderr
${STACK_FLAGS_USAGE}

Exit status: 0 valid, 2 usage error or an invalid project (positioned problems on stderr).`;

const LISTS = ['services', 'profiles', 'images', 'volumes'] as const;

export async function configCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      ...STACK_FLAGS,
      format: { type: 'string' },
      services: { type: 'boolean' },
      profiles: { type: 'boolean' },
      images: { type: 'boolean' },
      volumes: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
    CONFIG_USAGE,
  );
  if (values.help) {
    ctx.out(CONFIG_USAGE);
    return 0;
  }
  const format = values.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json')
    throw new UsageError(`--format must be yaml or json, not "${format}"`, CONFIG_USAGE);
  const lists = LISTS.filter((list) => values[list] === true);
  if (lists.length > 1) throw new UsageError(`choose one of --${lists.join(', --')}`, CONFIG_USAGE);

  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  if (values.quiet) return 0;
  const [list] = lists;
  if (list !== undefined) {
    const lines = listOf(stack, list);
    if (lines.length > 0) ctx.out(lines.join('\n'));
    return 0;
  }
  ctx.out(renderConfig(stack, format));
  return 0;
}

/** The resolved project as a Compose file, in YAML or JSON. */
export function renderConfig(stack: Stack, format: 'yaml' | 'json'): string {
  const document = escapeInterpolation(toComposeDocument(stack));
  // No folding of long lines and no aliases: the output is read by people and by other tools.
  // YAML 1.1's quoting, so that `restart: "no"` stays a string for 1.1 readers too.
  return format === 'json'
    ? JSON.stringify(document, null, 2)
    : stringify(document, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' }).trimEnd();
}

function listOf(stack: Stack, list: (typeof LISTS)[number]): string[] {
  switch (list) {
    case 'services':
      return Object.keys(stack.services);
    case 'images':
      return Object.values(stack.services).flatMap((s) =>
        s.image !== undefined
          ? [s.image]
          : s.build !== undefined
            ? [`${stack.projectName}-${s.name}`]
            : [],
      );
    case 'volumes':
      return isPlainObject(stack.document.volumes) ? Object.keys(stack.document.volumes) : [];
    case 'profiles': {
      // Every profile, also those of services no active profile enables: which ones could be enabled.
      const services = isPlainObject(stack.document.services) ? stack.document.services : {};
      const profiles = new Set<string>();
      for (const service of Object.values(services))
        if (isPlainObject(service) && Array.isArray(service.profiles))
          for (const p of service.profiles) if (typeof p === 'string') profiles.add(p);
      return [...profiles].sort();
    }
  }
}
