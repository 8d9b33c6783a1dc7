/** Reads a Gemini alt=sse stream (Google AI Studio and Vertex AI alike) into stream parts. */
import { GatewayError } from '../../core/errors.js';
import type { StreamPart } from '../../core/types.js';
import { discardBody, type UpstreamResponse } from '../http-client.js';
import { parseSse } from '../sse.js';
import { GeminiChunkReader } from './gemini-response.js';

export async function* readGeminiStream(
  response: UpstreamResponse,
  model: string,
  provider: string,
  failure: (error: unknown) => Error,
): AsyncGenerator<StreamPart> {
  const reader = new GeminiChunkReader(model, provider);
  try {
    for await (const event of parseSse(response.body)) {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        throw new GatewayError('upstream_bad_response', `provider ${provider} sent a stream event that is not JSON`);
      }
      if ((data as { error?: unknown } | null)?.error) {
        const message = (data as { error: { message?: unknown } }).error.message;
        throw new GatewayError('upstream_error', `provider ${provider} failed mid-stream: ${typeof message === 'string' ? message : 'unknown error'}`);
      }
      yield* reader.read(data);
    }
  } catch (error) {
    discardBody(response.body);
    throw failure(error);
  }
  // Gemini streams have no [DONE]: only a finish reason says the answer is whole.
  if (!reader.complete) throw new GatewayError('upstream_connection_error', `provider ${provider} ended the stream before a finish reason`);
  yield* reader.finalUsage();
}
