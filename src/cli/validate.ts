import { loadConfig } from '../config/load.js';

export function runValidate(values: Record<string, string | boolean | undefined>): number {
  const config = loadConfig(typeof values.config === 'string' ? { path: values.config } : {});
  const chat = [...config.models.values()].filter((model) => model.kind === 'chat').length;
  console.log(
    `${config.source}: OK — ${config.providers.size} provider(s), ${config.models.size} model(s) (${chat} chat), ${config.routes.size} route(s)` +
      (config.simulatedOnly ? ', simulated providers only' : ''),
  );
  return 0;
}
