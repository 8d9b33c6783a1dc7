/**
 * SigV4 signing against the published AWS test-suite vectors, and the simulator's
 * verifier against the same vectors (so a signature it accepts is one AWS would).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../src/providers/bedrock/sigv4.js';
import { fixturePath } from '../helpers/fixture-server.js';

interface Vectors {
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  service: string;
  date: string;
  cases: { name: string; method: string; url: string; headers: Record<string, string>; body?: string; authorization: string }[];
}

const vectors = JSON.parse(readFileSync(fixturePath('sigv4/vectors.json'), 'utf8')) as Vectors;
const signingDate = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));

describe('SigV4 signing (aws-sig-v4-test-suite)', () => {
  it.each(vectors.cases)('$name', async (vector) => {
    const headers = await signRequest({ method: vector.method, url: vector.url, headers: vector.headers, ...(vector.body !== undefined ? { body: vector.body } : {}) }, vectors.credentials, vectors.region, vectors.service, signingDate);
    expect(headers.authorization).toBe(vector.authorization);
    expect(headers['x-amz-date']).toBe(vectors.date);
  });

  it('a different secret gives a different signature', async () => {
    const vector = vectors.cases[0]!;
    const headers = await signRequest({ method: vector.method, url: vector.url, headers: {} }, { ...vectors.credentials, secretAccessKey: 'not-the-secret' }, vectors.region, vectors.service, signingDate);
    expect(headers.authorization).not.toBe(vector.authorization);
  });

  it('temporary credentials add x-amz-security-token and sign it', async () => {
    const headers = await signRequest({ method: 'POST', url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/a%3A0/converse', headers: { 'content-type': 'application/json' }, body: '{}' }, { ...vectors.credentials, sessionToken: 'session-token' }, 'us-east-1', 'bedrock', signingDate);
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(headers.authorization).toMatch(/SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,/);
    expect(headers).not.toHaveProperty('host');
  });
});
