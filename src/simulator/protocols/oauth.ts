/**
 * Local token endpoints for the cloud protocols:
 *   POST /token                               Google OAuth 2.0, grant_type jwt-bearer: the
 *        assertion's RS256 signature is checked against the service account's public key
 *   POST /{tenant}/oauth2/v2.0/token          Microsoft Entra ID, grant_type client_credentials
 * Tokens they issue are what the Vertex and Azure protocols accept as bearer tokens.
 * Errors are in RFC 6749's {"error", "error_description"} shape, with each service's wording.
 */
import { verify } from 'node:crypto';
import { readBody, sendJson } from '../http-io.js';
import { formOf } from './answer-steps.js';
import type { SimExchange, SimulatorProtocol } from './protocol.js';

const GOOGLE_PATH = '/token';
const ENTRA_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export const oauthProtocol: SimulatorProtocol = {
  name: 'oauth',
  handles: (url, method) => method === 'POST' && (url.pathname === GOOGLE_PATH || ENTRA_PATH.test(url.pathname)),
  async handle(exchange) {
    const form = formOf(await readBody(exchange.request));
    const tenant = ENTRA_PATH.exec(exchange.url.pathname)?.[1];
    if (tenant !== undefined) entraToken(exchange, decodeURIComponent(tenant), form);
    else googleToken(exchange, form);
  },
};

function oauthError(exchange: SimExchange, status: number, error: string, description: string): void {
  sendJson(exchange.response, status, { error, error_description: description });
}

function googleToken(exchange: SimExchange, form: URLSearchParams): void {
  if (form.get('grant_type') !== JWT_BEARER) return oauthError(exchange, 400, 'unsupported_grant_type', 'Invalid grant_type: ' + (form.get('grant_type') ?? ''));
  const parts = (form.get('assertion') ?? '').split('.');
  const [header, claims, signature] = parts;
  if (parts.length !== 3 || !header || !claims || !signature) return oauthError(exchange, 400, 'invalid_grant', 'Invalid JWT: malformed assertion.');
  let decoded: { header: { alg?: unknown }; claims: { iss?: unknown; aud?: unknown; exp?: unknown; iat?: unknown; scope?: unknown } };
  try {
    decoded = { header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')), claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) };
  } catch {
    return oauthError(exchange, 400, 'invalid_grant', 'Invalid JWT: the header or claims are not JSON.');
  }
  const publicKey = typeof decoded.claims.iss === 'string' ? exchange.context.auth.serviceAccounts.get(decoded.claims.iss) : undefined;
  if (!publicKey) return oauthError(exchange, 400, 'invalid_grant', 'Invalid grant: account not found');
  if (decoded.header.alg !== 'RS256') return oauthError(exchange, 400, 'invalid_grant', 'Invalid JWT: alg must be RS256.');
  if (!verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))) return oauthError(exchange, 400, 'invalid_grant', 'Invalid JWT Signature.');
  const now = Date.now() / 1000;
  const { exp, iat, aud, scope } = decoded.claims;
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp <= now || iat > now + 60 || exp - iat > 3600) {
    return oauthError(exchange, 400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
  }
  if (typeof aud !== 'string' || !aud.endsWith(GOOGLE_PATH)) return oauthError(exchange, 400, 'invalid_grant', 'Invalid JWT: aud must be the token endpoint.');
  if (typeof scope !== 'string' || scope.trim() === '') return oauthError(exchange, 400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
  const { token, expiresIn } = exchange.context.auth.issueToken(decoded.claims.iss as string);
  sendJson(exchange.response, 200, { access_token: token, expires_in: expiresIn, token_type: 'Bearer' });
}

function entraToken(exchange: SimExchange, tenant: string, form: URLSearchParams): void {
  if (form.get('grant_type') !== 'client_credentials') return oauthError(exchange, 400, 'unsupported_grant_type', "AADSTS70003: The app requested an unsupported grant type.");
  const clientId = form.get('client_id') ?? '';
  const client = exchange.context.auth.entraClients?.find((candidate) => candidate.tenantId === tenant && candidate.clientId === clientId);
  if (!client) return oauthError(exchange, 400, 'unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
  if (form.get('client_secret') !== client.clientSecret) {
    return oauthError(exchange, 401, 'invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
  }
  if (!(form.get('scope') ?? '').endsWith('/.default')) return oauthError(exchange, 400, 'invalid_scope', 'AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.');
  const { token, expiresIn } = exchange.context.auth.issueToken(clientId);
  sendJson(exchange.response, 200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token });
}
