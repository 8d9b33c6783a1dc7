/**
 * Google service-account auth (RFC 7523 JWT bearer grant): a JWT signed RS256 with the
 * key file's private key (node:crypto), exchanged at the key's token_uri for an OAuth
 * access token with the cloud-platform scope; tokens are cached and renewed.
 */
import { createSign } from 'node:crypto';
import type { GoogleServiceAccount } from '../../config/load.js';
import { requestToken } from '../auth/oauth-token.js';
import { CredentialCache } from '../auth/token-cache.js';
import type { UpstreamClient } from '../http-client.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const ASSERTION_SECONDS = 3600;

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** The signed assertion: header.claims.signature, each base64url. */
export function signedAssertion(account: GoogleServiceAccount, nowSeconds: number, scope = CLOUD_PLATFORM_SCOPE): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(account.privateKeyId ? { kid: account.privateKeyId } : {}) };
  const claims = { iss: account.clientEmail, scope, aud: account.tokenUri, iat: nowSeconds, exp: nowSeconds + ASSERTION_SECONDS };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(account.privateKey);
  return `${unsigned}.${base64url(signature)}`;
}

export function serviceAccountTokenCache(account: GoogleServiceAccount, client: UpstreamClient, provider: string, secrets: readonly string[]): CredentialCache<string> {
  return new CredentialCache(() =>
    requestToken({
      client,
      url: account.tokenUri,
      form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signedAssertion(account, Math.floor(Date.now() / 1000)) },
      provider,
      what: `an OAuth token for service account ${account.clientEmail} (check its key file and that the key is not disabled)`,
      secrets,
    }),
  );
}
