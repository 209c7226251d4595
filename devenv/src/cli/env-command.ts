import { LOAD_DEFAULTS } from '../load/load-targets.js';
import { readSessionToken, SESSION_TOKEN_VAR } from '../session/session-secret.js';
import { parseCommandArgs } from './args.js';
import type { CommandContext } from './command.js';
import { loadStackFromFlags, STACK_FLAGS, STACK_FLAGS_USAGE, stateDirOf } from './stack-options.js';

export const ENV_USAGE = `Usage: devenv env [--token | --json] [options]

Prints what a shell needs to call the running stack's control endpoints: the session token
that devenv up generated (the dispatcher's POST routes and the workers' /reload require it) and
the dispatcher's URL, as export lines:

  eval "$(npx devenv env)"
  curl -XPOST -H "Authorization: Bearer $DEVENV_SESSION_TOKEN" --json '{"name":"Ada"}' \\
    "$DISPATCHER_URL/typescript/demo-mixed"

      --token              only the token (curl -H "Authorization: Bearer $(npx devenv env --token)")
      --json               {"DEVENV_SESSION_TOKEN": …, "DISPATCHER_URL": …}
${STACK_FLAGS_USAGE}

Exit status: 0 printed, 1 no stack running (no token), 2 usage or config error.`;

export async function envCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      ...STACK_FLAGS,
      token: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    ENV_USAGE,
  );
  if (values.help) {
    ctx.out(ENV_USAGE);
    return 0;
  }
  const stack = await loadStackFromFlags(values, ctx);
  if (!stack) return 2;
  const token = readSessionToken(stateDirOf(stack, ctx));
  if (!token.ok) {
    ctx.err(`devenv env: ${token.error}`);
    return 1;
  }
  const variables = { [SESSION_TOKEN_VAR]: token.value, DISPATCHER_URL: LOAD_DEFAULTS.target };
  if (values.token) ctx.out(token.value);
  else if (values.json) ctx.out(JSON.stringify(variables));
  else
    ctx.out(
      Object.entries(variables)
        .map(([name, value]) => `export ${name}=${value}`)
        .join('\n'),
    );
  return 0;
}
