/** Bearer-token auth over a CredentialCache: the token goes in Authorization; a rejected one is dropped and fetched anew. */
import type { Authorizer } from '../upstream-call.js';
import type { CredentialCache } from './token-cache.js';

export function bearerAuthorizer(cache: CredentialCache<string>): Authorizer {
  return {
    async authorize(request) {
      const token = await cache.get();
      return { request: { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } }, credential: token };
    },
    forget(credential) {
      if (typeof credential !== 'string') return false;
      cache.invalidate(credential);
      return true;
    },
  };
}
