/** Flag parsing helpers shared by the commands, and the two kinds of CLI error. */

/** A bad command line (unknown option, bad value): exit 2. */
export class UsageError extends Error {}

/** An ordinary failure the user can fix (a port in use, a missing file): its message, exit 1, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function portOption(value: string | boolean | undefined, name = 'port'): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) throw new UsageError(`--${name} must be a port number (0-65535), got "${String(value)}"`);
  return port;
}
