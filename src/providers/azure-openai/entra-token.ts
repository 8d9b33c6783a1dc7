/** Microsoft Entra ID client-credentials tokens for Azure OpenAI (the v2.0 token endpoint). */
import type { EntraSettings } from '../../config/load.js';
import { requestToken } from '../auth/oauth-token.js';
import { CredentialCache } from '../auth/token-cache.js';
import type { UpstreamClient } from '../http-client.js';

export function entraTokenCache(entra: EntraSettings, client: UpstreamClient, provider: string, secrets: readonly string[]): CredentialCache<string> {
  return new CredentialCache(() =>
    requestToken({
      client,
      url: `${entra.authorityHost}/${encodeURIComponent(entra.tenantId)}/oauth2/v2.0/token`,
      form: { grant_type: 'client_credentials', client_id: entra.clientId, client_secret: entra.clientSecret, scope: entra.scope },
      provider,
      what: 'a Microsoft Entra ID token (check entra.tenant_id, client_id and client_secret)',
      secrets,
    }),
  );
}
