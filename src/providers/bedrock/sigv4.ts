/**
 * AWS Signature Version 4 for outbound calls, with @smithy/signature-v4 (the signer the
 * official AWS SDK uses, so canonicalisation — double-encoded paths, sorted query and
 * headers, payload hashing — matches what AWS verifies) and node:crypto SHA-256.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/core/serde';
import type { AwsCredentials } from '../../config/load.js';

export interface SignableRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const sha256 = Hash.bind(null, 'sha256');

/**
 * The request's headers plus x-amz-date, x-amz-security-token (temporary credentials) and
 * authorization. `host` is signed but left out of the result: the HTTP client sends it.
 */
export async function signRequest(request: SignableRequest, credentials: AwsCredentials, region: string, service: string, signingDate = new Date()): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const signer = new SignatureV4({ credentials, region, service, sha256, uriEscapePath: true, applyChecksum: false });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    },
    { signingDate },
  );
  const { host: _host, ...out } = signed.headers as Record<string, string>;
  return out;
}
