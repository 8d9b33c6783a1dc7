/** Flag parsing helpers shared by the commands. */
export class UsageError extends Error {}

export function portOption(value: string | boolean | undefined, name = 'port'): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) throw new UsageError(`--${name} must be a port number (0-65535), got "${String(value)}"`);
  return port;
}
