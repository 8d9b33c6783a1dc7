/**
 * `switchyard validate [--config PATH] [--json]`: load the config as serve would and report
 * every problem with its path (exit 1), or a summary (exit 0). --json prints
 * {"ok", "source", …counts} or {"ok": false, "source", "problems": [{"path", "message"}]}.
 */
import { ConfigError, loadConfig } from '../config/load.js';

export function runValidate(values: Record<string, string | boolean | undefined>): number {
  let config;
  try {
    config = loadConfig(typeof values.config === 'string' ? { path: values.config } : {});
  } catch (error) {
    if (!(error instanceof ConfigError) || !values.json) throw error;
    console.log(JSON.stringify({ ok: false, source: error.source, problems: error.issues }, null, 2));
    return 1;
  }
  const chat = [...config.models.values()].filter((model) => model.kind === 'chat').length;
  if (values.json) {
    console.log(JSON.stringify({ ok: true, source: config.source, providers: config.providers.size, models: config.models.size, chat_models: chat, routes: config.routes.size, simulated: config.simulatedOnly }, null, 2));
    return 0;
  }
  console.log(
    `${config.source}: OK — ${config.providers.size} provider(s), ${config.models.size} model(s) (${chat} chat), ${config.routes.size} route(s)` +
      (config.simulatedOnly ? ', simulated providers only' : ''),
  );
  return 0;
}
