/** Schema pieces shared by the config schema and the provider schemas. */
import { z } from 'zod';

export const secretReference = z
  .string()
  .regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, 'write secrets as a reference, env:NAME, never as a literal value')
  .describe('A secret reference, `env:NAME`: the value is read from that environment variable at start.');

export const positiveMs = z.number().int().positive();

export const timeoutsSchema = z
  .strictObject({
    connect_ms: positiveMs.optional().describe('TCP/TLS connect timeout.'),
    first_token_ms: positiveMs.optional().describe('Time until the upstream answers with headers (first token for streams).'),
    idle_ms: positiveMs.optional().describe('Longest silence allowed between two chunks of an upstream body.'),
    total_ms: positiveMs.optional().describe('Deadline for the whole upstream call.'),
  })
  .describe('Upstream timeouts. Unset values fall back to the provider, then to the defaults (10 s, 60 s, 30 s, 600 s).');
