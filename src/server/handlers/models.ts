/** GET /v1/models and /v1/models/{id}: the configured models and routes, in OpenAI's list format. */
import type { Price } from '../../config/load.js';
import { PRICE_FIELDS } from '../../config/schema.js';
import { GatewayError } from '../../core/errors.js';
import { sendError, sendJson, type Exchange } from '../exchange.js';
import type { Services } from '../services.js';

interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** Switchyard's extension: the list price the gateway bills at (USD per million tokens). */
  pricing?: Record<string, number | string>;
}

/** The price as the config spells it: input, output, each priced token class, per_request, as_of. */
function pricingOf(price: Price): Record<string, number | string> {
  const pricing: Record<string, number | string> = { input: price.input, output: price.output };
  for (const [wire, name] of PRICE_FIELDS) {
    const value = price[name];
    if (value !== undefined) pricing[wire] = value;
  }
  if (price.asOf !== undefined) pricing.as_of = price.asOf;
  return pricing;
}

function entries(services: Services): ModelEntry[] {
  const list: ModelEntry[] = [];
  for (const route of services.config.routes.values()) list.push({ id: route.name, object: 'model', created: 0, owned_by: 'switchyard-route' });
  for (const model of services.config.models.values()) {
    const price = model.price;
    list.push({
      id: model.name,
      object: 'model',
      created: 0,
      owned_by: model.deployments[0]?.provider.name ?? 'switchyard',
      ...(price ? { pricing: pricingOf(price) } : {}),
    });
  }
  return list;
}

export function handleListModels(exchange: Exchange, services: Services): void {
  sendJson(exchange.response, 200, JSON.stringify({ object: 'list', data: entries(services) }));
}

export function handleGetModel(exchange: Exchange, services: Services, id: string): void {
  const entry = entries(services).find((candidate) => candidate.id === id);
  if (!entry) {
    sendError(exchange.response, new GatewayError('model_not_found', `The model '${id}' does not exist.`, { param: 'model' }));
    return;
  }
  sendJson(exchange.response, 200, JSON.stringify(entry));
}
