/** A snapshot of environment variables. Apps pass it to a loader; tests pass their own. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The one place in the workspace that reads `process.env` (a lint rule bans it elsewhere),
 * so that configuration is read once, at start-up, through a validated schema.
 */
export function readProcessEnvironment(): Environment {
  return { ...process.env };
}
