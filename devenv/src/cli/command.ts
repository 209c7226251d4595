/** What every subcommand gets: where the project is, and where output goes. */
export interface CommandContext {
  readonly projectRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { isTTY?: boolean };
  /** A line (or block) for stdout. */
  out(text: string): void;
  /** A line (or block) for stderr. */
  err(text: string): void;
  /**
   * Calls `listener` once when whoever reads stdout or stderr has gone (`devenv up | head`):
   * further output is dropped instead of crashing devenv with EPIPE.
   */
  onOutputClosed?(listener: () => void): void;
}

export type Command = (args: readonly string[], ctx: CommandContext) => Promise<number>;
