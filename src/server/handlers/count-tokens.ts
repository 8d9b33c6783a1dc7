/**
 * POST /v1/messages/count_tokens (Anthropic format): how many input tokens a Messages
 * request would use on the model it names, without generating anything. In order:
 * parse → guards (request) → the routing decision (no model called) → Anthropic's own
 * count_tokens when the model is served by an Anthropic provider with a key, else the
 * gateway's tokenizer → record. `x-switchyard-token-count-source` says which counted:
 * `anthropic` or `tokenizer` (an estimate: o200k_base BPE, not the model's own tokenizer).
 * An Anthropic count that fails falls back to the tokenizer, with a warning.
 */
import { anthropicMessagesFormat } from '../../api/anthropic/messages-format.js';
import { parseAnthropicCountTokensRequest } from '../../api/anthropic/messages-request.js';
import { countMessageTokens, countTokens } from '../../core/tokens.js';
import { toGatewayError } from '../../core/errors.js';
import type { ChatRequest } from '../../core/types.js';
import { sendJson, type Exchange } from '../exchange.js';
import { RequestRecorder } from '../request-recorder.js';
import { failRequest, readApiBody, type Services } from '../services.js';
import { checkKeyRoutes, executionContext, guardRunFor } from './chat.js';
import { explainRoute } from './route-request.js';

/** The prompt counted here: messages as OpenAI frames them, plus the tool definitions. */
export function tokenizerCount(request: ChatRequest): number {
  const tools = request.tools?.length ? countTokens(JSON.stringify(request.tools)) : 0;
  return countMessageTokens(request.messages) + tools;
}

export async function handleCountTokens(exchange: Exchange, services: Services): Promise<void> {
  const recorder = new RequestRecorder(exchange, services, 'count_tokens');
  const { record } = recorder;
  try {
    let request = parseAnthropicCountTokensRequest(await readApiBody(exchange, services, record));
    checkKeyRoutes(exchange, services, request.model);
    // The prompt may go to Anthropic: the request-phase guards apply as for a message.
    const guards = (recorder.guards = guardRunFor(exchange, services, request.model));
    let guardPrivate: string | undefined;
    if (guards) ({ request, privateSource: guardPrivate } = await guards.checkRequestWithModels(request));
    const decision = await explainRoute(exchange, services, request, guardPrivate);
    record.route = decision.route;
    record.model = decision.model.name;
    const warnings = [...(request.warnings ?? [])];
    let count: number | undefined;
    const deployment = decision.model.deployments.find((candidate) => candidate.provider.protocol === 'anthropic' && candidate.provider.apiKey !== undefined);
    if (deployment) {
      record.provider = deployment.provider.name;
      record.simulated = deployment.provider.simulated;
      try {
        count = await services.executor.countTokens(request, decision.model, deployment, executionContext(exchange), { signal: exchange.signal, timeouts: deployment.timeouts }, recorder.attempts);
      } catch (error) {
        if (exchange.signal.aborted) throw error;
        warnings.push(`Anthropic count_tokens failed (${toGatewayError(error).message}); counted with the gateway's tokenizer`);
      }
    }
    const source = count === undefined ? 'tokenizer' : 'anthropic';
    count ??= tokenizerCount(request);
    record.status = 200;
    const body = JSON.stringify({ input_tokens: count });
    if (services.config.store.logContent) record.responseBody = body;
    recorder.commit();
    const headers: Record<string, string> = { 'x-switchyard-token-count-source': source, 'x-switchyard-model': decision.model.name };
    if (record.route) headers['x-switchyard-route'] = record.route;
    if (warnings.length) headers['x-switchyard-warnings'] = warnings.join('; ');
    sendJson(exchange.response, 200, body, headers);
  } catch (error) {
    failRequest(exchange, recorder, error, anthropicMessagesFormat);
  } finally {
    recorder.commit();
  }
}
