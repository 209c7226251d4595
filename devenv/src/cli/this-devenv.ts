/**
 * The command line that runs this devenv again with `args`: the same Node, its flags (the heap
 * flags devenv.js sets) and the same devenv.js, whatever PATH says. For the devenv `up -d` and
 * `run` start in the background.
 */
export function thisDevenv(args: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [...process.execArgv, process.argv[1]!, ...args] };
}
