/**
 * A module imported at its first use and kept. Each `import()` of a module already loaded
 * resolves its specifier again (under devenv's TypeScript hooks a stat of the file), which a
 * probe's runner would pay at every check.
 */
export function importOnce<Module>(load: () => Promise<Module>): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () => (loading ??= load());
}
