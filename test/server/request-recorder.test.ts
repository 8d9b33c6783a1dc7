/** Stored bodies are capped at store.max_logged_body_bytes, on UTF-8 boundaries, and marked. */
import { describe, expect, it } from 'vitest';
import { capBodies } from '../../src/server/request-recorder.js';
import { logRow } from '../helpers/log-rows.js';

describe('capBodies', () => {
  it('cuts both bodies to the limit in UTF-8 bytes and records their full sizes', () => {
    const { request } = logRow('cap', { requestBody: 'a'.repeat(5000), responseBody: '€'.repeat(400), details: null });
    capBodies(request, 1000);
    expect(request.requestBody).toBe(`${'a'.repeat(1000)}…[truncated: 5000 bytes in all]`);
    // 333 whole euro signs (3 bytes each) fit in 1000 bytes; the cut never splits one.
    expect(request.responseBody).toBe(`${'€'.repeat(333)}…[truncated: 1200 bytes in all]`);
    expect(request.details?.truncated).toEqual({ request_body: 5000, response_body: 1200 });
  });

  it('leaves a body of exactly the limit alone, and 0 keeps no bodies', () => {
    const exact = logRow('exact', { requestBody: 'é'.repeat(500), responseBody: null, details: null }).request;
    capBodies(exact, 1000);
    expect(exact.requestBody).toBe('é'.repeat(500));
    expect(exact.details).toBeNull();
    const none = logRow('none', { requestBody: '{"model":"m"}', responseBody: '{}', details: null }).request;
    capBodies(none, 0);
    expect(none).toMatchObject({ requestBody: null, responseBody: null, details: { truncated: { request_body: 13, response_body: 2 } } });
  });
});
