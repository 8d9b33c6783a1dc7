/** POST /v1/embeddings: validate → resolve → execute → record. */
import { parseOpenAIEmbeddingRequest, renderEmbeddingResponse } from '../../api/openai/embeddings.js';
import { formatUsd } from '../../governance/pricing.js';
import { withFailover } from '../../resilience/failover.js';
import { GatewayError } from '../../core/errors.js';
import { guardRunFor } from './chat.js';
import { sendJson, type Exchange } from '../exchange.js';
import { RequestRecorder } from '../request-recorder.js';
import { failRequest, readApiBody, simulatorHeaderOf, type Services } from '../services.js';

export async function handleEmbeddings(exchange: Exchange, services: Services): Promise<void> {
  const recorder = new RequestRecorder(exchange, services, 'embeddings');
  const { record, attempts } = recorder;
  try {
    let request = parseOpenAIEmbeddingRequest(await readApiBody(exchange, services, record));
    // Guards (request phase): PII, secrets and deny rules on every input, before any upstream call.
    const guards = (recorder.guards = guardRunFor(exchange, services, request.model));
    let guardPrivate: string | undefined;
    if (guards) ({ request, privateSource: guardPrivate } = guards.checkEmbedding(request));
    const resolution = services.resolver.resolve(request.model, 'embedding');
    if (guardPrivate && !resolution.model.private) {
      throw new GatewayError('guardrail_violation', `The input holds data that may only go to private models (${guardPrivate}), and '${resolution.model.name}' is not private.`, { param: 'model' });
    }
    const denied = exchange.keyPolicy?.allowModels && !exchange.keyPolicy.allowModels.has(resolution.model.name);
    if (denied || exchange.keyPolicy?.denyModels?.has(resolution.model.name)) {
      throw new GatewayError('permission_denied', `The model '${resolution.model.name}' may not serve this key.`, { param: 'model' });
    }
    const estimatedTokens = request.input.reduce((sum, text) => sum + Math.ceil(text.length / 3) + 1, 0);
    const admitted = services.governance.admitEstimate({ input: estimatedTokens, output: 0 }, resolution.model, { keyId: exchange.keyId, team: exchange.team ?? null }, exchange.virtualKey, (name, value) =>
      exchange.response.setHeader(name, value),
    );
    // Shared state answers asynchronously; in-process admission does not make the request wait a turn.
    recorder.permit = admitted instanceof Promise ? await admitted : admitted;
    record.route = resolution.route;
    const simulatorHeader = simulatorHeaderOf(exchange);
    const context = { requestId: exchange.id, ...(simulatorHeader ? { simulatorHeader } : {}), ...(exchange.trace ? { trace: exchange.trace } : {}) };
    const { value: response, model, deployment } = await withFailover(
      resolution.model,
      (candidate, candidateDeployment, control) => {
        record.model = candidate.name;
        record.provider = candidateDeployment.provider.name;
        record.simulated = candidateDeployment.provider.simulated;
        return services.executor.embed(request, candidate, candidateDeployment, context, control, attempts);
      },
      {
        signal: exchange.signal,
        load: services.executor.load,
        ...(guardPrivate ? { canServe: (candidate) => candidate.private } : {}),
        ...(services.breakers ? { breakers: services.breakers } : {}),
      },
    );
    const cost = attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
    const inputTokens = attempts[attempts.length - 1]?.inputTokens ?? response.usage.inputTokens;
    const text = JSON.stringify(renderEmbeddingResponse({ ...response, usage: { inputTokens } }, response.model, request.encodingFormat));
    record.status = 200;
    if (services.config.store.logContent) record.responseBody = `{"vectors":${response.vectors.length},"dimensions":${response.vectors[0]?.length ?? 0}}`;
    const headers: Record<string, string> = {
      'x-switchyard-model': model.name,
      'x-switchyard-provider': deployment.provider.name,
      'x-switchyard-cost-usd': formatUsd(cost),
      'x-switchyard-attempts': String(attempts.length),
    };
    if (resolution.route) headers['x-switchyard-route'] = resolution.route;
    if (deployment.provider.simulated) headers['x-switchyard-simulated'] = 'true';
    recorder.commit();
    sendJson(exchange.response, 200, text, headers);
  } catch (error) {
    failRequest(exchange, recorder, error);
  } finally {
    recorder.commit();
  }
}
