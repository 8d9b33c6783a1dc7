/**
 * Verifies an AWS Signature V4 the way AWS does: the Authorization header names the key,
 * scope and signed headers; the simulator recomputes the signature over the request as
 * received (raw path, query, the signed headers, the body) with that key's secret and
 * compares. Failures carry AWS's error type and wording.
 */
import { timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/core/serde';
import type { SimExchange } from './protocol.js';

export interface SigV4Failure {
  status: number;
  type: string;
  message: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 5 * 60_000;

function header(exchange: SimExchange, name: string): string | undefined {
  const value = exchange.request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function amzDate(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0));
}

/** Undefined when the signature is valid for `service`. */
export async function verifySigV4(exchange: SimExchange, body: string, service: string): Promise<SigV4Failure | undefined> {
  const authorization = header(exchange, 'authorization');
  if (!authorization) return { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const parsed = AUTHORIZATION.exec(authorization);
  if (!parsed) return { status: 400, type: 'IncompleteSignatureException', message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization.split(' ')[0] ?? ''}` };
  const [, accessKeyId = '', , region = '', scopeService, signedHeaders = '', signature = ''] = parsed;
  const secret = exchange.context.auth.awsSecret(accessKeyId);
  if (!secret) return { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  if (secret.sessionToken !== undefined && header(exchange, 'x-amz-security-token') !== secret.sessionToken) {
    return { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  if (secret.expired) return { status: 403, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' };
  if (scopeService !== service) return { status: 403, type: 'InvalidSignatureException', message: `Credential should be scoped to correct service: '${service}'.` };
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return { status: 403, type: 'InvalidSignatureException', message: 'The host and x-amz-date headers must be signed.' };
  const signingDate = amzDate(header(exchange, 'x-amz-date'));
  if (!signingDate) return { status: 403, type: 'IncompleteSignatureException', message: 'The x-amz-date header is missing or malformed.' };
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) return { status: 403, type: 'InvalidSignatureException', message: 'Signature expired: the request time is more than 5 minutes away from the server time.' };
  const expected = await computeSignature(exchange, body, { accessKeyId, secretAccessKey: secret.secretAccessKey, ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}) }, region, service, names, signingDate);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return { status: 403, type: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' };
  }
  return undefined;
}

async function computeSignature(
  exchange: SimExchange,
  body: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  region: string,
  service: string,
  names: string[],
  signingDate: Date,
): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of names) headers[name] = header(exchange, name) ?? '';
  const rawPath = (exchange.request.url ?? '/').split('?')[0] ?? '/';
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of exchange.url.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const signer = new SignatureV4({ credentials, region, service, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });
  const signed = await signer.sign({ method: exchange.request.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? '', path: rawPath, query, headers, body }, { signingDate });
  const authorization = String(signed.headers.authorization ?? signed.headers.Authorization ?? '');
  return /Signature=([0-9a-f]{64})/.exec(authorization)?.[1] ?? '';
}

/** AWS's JSON error answer: the type in x-amzn-ErrorType, the message in the body. */
export function awsErrorHeaders(type: string): Record<string, string> {
  return { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.coral.service/`, 'x-amzn-requestid': crypto.randomUUID() };
}
