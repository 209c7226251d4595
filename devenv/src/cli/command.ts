/** What every subcommand gets: where the project is, and where output goes. */
export interface CommandContext {
  readonly projectRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { isTTY?: boolean };
  /** A line (or block) for stdout. */
  out(text: string): void;
  /** A line (or block) for stderr. */
  err(text: string): void;
}

export type Command = (args: readonly string[], ctx: CommandContext) => Promise<number>;
