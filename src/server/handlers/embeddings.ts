/** POST /v1/embeddings: validate → resolve → execute → record. */
import { toGatewayError } from '../../core/errors.js';
import { parseOpenAIEmbeddingRequest, renderEmbeddingResponse } from '../../api/openai/embeddings.js';
import { formatUsd } from '../../governance/pricing.js';
import { CLIENT_CLOSED_STATUS } from '../../router/executor.js';
import { CallerAbortedError } from '../../providers/http-client.js';
import { pickDeployment } from '../../router/resolve.js';
import type { AttemptRecord } from '../../store/types.js';
import { elapsedMs, readJsonBody, sendError, sendJson, type Exchange } from '../exchange.js';
import { newRequestRecord, simulatorHeaderOf, totalAttempts, type Services } from '../services.js';

export async function handleEmbeddings(exchange: Exchange, services: Services): Promise<void> {
  const record = newRequestRecord(exchange, 'embeddings');
  const attempts: AttemptRecord[] = [];
  try {
    const body = await readJsonBody(exchange, services.config.server.maxBodyBytes);
    if (services.config.store.logContent) record.requestBody = exchange.rawBody;
    const requestedModel = (body as { model?: unknown } | null)?.model;
    if (typeof requestedModel === 'string') record.requestedModel = requestedModel;
    const request = parseOpenAIEmbeddingRequest(body);
    const resolution = services.resolver.resolve(request.model, 'embedding');
    const deployment = pickDeployment(resolution.model);
    record.route = resolution.route;
    record.model = resolution.model.name;
    record.provider = deployment.provider.name;
    record.simulated = deployment.provider.simulated;
    const simulatorHeader = simulatorHeaderOf(exchange);
    const context = { requestId: exchange.id, signal: exchange.signal, ...(simulatorHeader ? { simulatorHeader } : {}) };
    const response = await services.executor.embed(request, resolution.model, deployment, context, attempts);
    const cost = attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
    const inputTokens = attempts[attempts.length - 1]?.inputTokens ?? response.usage.inputTokens;
    const text = JSON.stringify(renderEmbeddingResponse({ ...response, usage: { inputTokens } }, response.model, request.encodingFormat));
    record.status = 200;
    if (services.config.store.logContent) record.responseBody = `{"vectors":${response.vectors.length},"dimensions":${response.vectors[0]?.length ?? 0}}`;
    const headers: Record<string, string> = {
      'x-switchyard-model': resolution.model.name,
      'x-switchyard-provider': deployment.provider.name,
      'x-switchyard-cost-usd': formatUsd(cost),
      'x-switchyard-attempts': String(attempts.length),
    };
    if (resolution.route) headers['x-switchyard-route'] = resolution.route;
    if (deployment.provider.simulated) headers['x-switchyard-simulated'] = 'true';
    sendJson(exchange.response, 200, text, headers);
  } catch (error) {
    if (error instanceof CallerAbortedError) {
      record.status = CLIENT_CLOSED_STATUS;
      record.errorCode = 'client_closed';
    } else {
      const failure = toGatewayError(error);
      record.status = failure.status;
      record.errorCode = failure.code;
      record.errorMessage = failure.message;
      sendError(exchange.response, failure);
    }
  } finally {
    totalAttempts(record, attempts);
    record.latencyMs = elapsedMs(exchange);
    services.log.record(record, attempts);
  }
}
