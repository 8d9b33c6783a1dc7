/** Reads an Anthropic Messages SSE stream (Anthropic's API and Vertex AI's streamRawPredict) into stream parts. */
import { GatewayError } from '../../core/errors.js';
import type { StreamPart } from '../../core/types.js';
import { bodyChunks, discardBody, finishBody, type UpstreamResponse } from '../http-client.js';
import { parseSse } from '../sse.js';
import { AnthropicEventReader } from './anthropic-response.js';

export async function* readAnthropicStream(
  response: UpstreamResponse,
  options: { model: string; jsonTool: string | undefined; provider: string; failure: (error: unknown) => Error },
): AsyncGenerator<StreamPart> {
  const reader = new AnthropicEventReader(options.model, options.jsonTool);
  try {
    for await (const event of parseSse(bodyChunks(response.body))) {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        throw new GatewayError('upstream_bad_response', `provider ${options.provider} sent a stream event that is not JSON`);
      }
      yield* reader.read(data, options.provider);
      if (reader.complete) break;
    }
  } catch (error) {
    throw options.failure(error);
  } finally {
    if (reader.complete) finishBody(response.body);
    else discardBody(response.body);
  }
  if (!reader.complete) throw new GatewayError('upstream_connection_error', `provider ${options.provider} ended the stream before message_stop`);
}
