/**
 * Where Bedrock calls get their AWS credentials: the configured (or AWS_*) keys as they
 * are, or — with a role to assume — temporary keys from STS AssumeRole, signed with those
 * keys, cached and renewed before they expire, and renewed at once when Bedrock says they
 * expired.
 */
import type { AwsCredentials, AwsSettings } from '../../config/load.js';
import { GatewayError, scrubSecrets } from '../../core/errors.js';
import { CredentialCache, type Expiring } from '../auth/token-cache.js';
import type { UpstreamClient } from '../http-client.js';
import { readBounded } from '../upstream-errors.js';
import { signRequest } from './sigv4.js';

export interface AwsCredentialSource {
  get(): Promise<AwsCredentials>;
  /** The upstream rejected `credentials` as expired: drop them. True when fresh ones can be had. */
  forget(credentials: unknown): boolean;
}

export function credentialSource(aws: AwsSettings, client: UpstreamClient, provider: string, secrets: readonly string[]): AwsCredentialSource {
  const role = aws.assumeRole;
  if (!role) return { get: () => Promise.resolve(aws.credentials), forget: () => false };
  const cache = new CredentialCache(() => assumeRole(aws, client, provider, secrets));
  return {
    get: () => cache.get(),
    forget(credentials) {
      cache.invalidate(credentials as AwsCredentials);
      return true;
    },
  };
}

const STS_TIMEOUTS = { connectMs: 10_000, firstTokenMs: 30_000, idleMs: 30_000, totalMs: 30_000 };
const SESSION_SECONDS = 3600;

async function assumeRole(aws: AwsSettings, client: UpstreamClient, provider: string, secrets: readonly string[]): Promise<Expiring<AwsCredentials>> {
  const role = aws.assumeRole;
  if (!role) throw new GatewayError('internal_error', 'no role to assume');
  const form: Record<string, string> = { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: role.roleArn, RoleSessionName: role.sessionName, DurationSeconds: String(SESSION_SECONDS) };
  if (role.externalId) form.ExternalId = role.externalId;
  const body = new URLSearchParams(form).toString();
  const url = `${role.stsUrl}/`;
  const fail = (reason: string, cause?: unknown): GatewayError =>
    new GatewayError('upstream_auth_error', `provider ${provider} could not assume role ${role.roleArn}: ${scrubSecrets(reason, secrets)}`, cause === undefined ? {} : { cause });
  const issuedAt = Date.now();
  let status: number;
  let text: string;
  try {
    const headers = await signRequest({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, aws.credentials, aws.region, 'sts');
    const response = await client.send({ url, method: 'POST', headers, body, timeouts: STS_TIMEOUTS });
    status = response.status;
    text = await readBounded(response.body, 64 * 1024);
  } catch (error) {
    throw fail(error instanceof Error ? error.message : 'STS could not be reached', error);
  }
  if (status < 200 || status >= 300) {
    const code = xmlValue(text, 'Code');
    const message = xmlValue(text, 'Message');
    throw fail(`STS answered HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message.slice(0, 300)}` : ''}`);
  }
  const accessKeyId = xmlValue(text, 'AccessKeyId');
  const secretAccessKey = xmlValue(text, 'SecretAccessKey');
  const sessionToken = xmlValue(text, 'SessionToken');
  const expiration = Date.parse(xmlValue(text, 'Expiration') ?? '');
  if (!accessKeyId || !secretAccessKey || !sessionToken) throw fail('STS answered without credentials');
  return { value: { accessKeyId, secretAccessKey, sessionToken }, issuedAt, expiresAt: Number.isFinite(expiration) ? expiration : issuedAt + SESSION_SECONDS * 1000 };
}

/** The text of the first <name>…</name> element (STS answers in XML; these leaves hold no markup). */
function xmlValue(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1]?.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
}
