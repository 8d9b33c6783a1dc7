import { SIMULATED_CATALOG, startSimulator } from '../simulator/index.js';
import { portOption } from './arguments.js';

export async function runSimulate(values: Record<string, string | boolean | undefined>): Promise<number> {
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const simulator = await startSimulator({ models: SIMULATED_CATALOG, host, port: portOption(values.port) ?? 4050 });
  console.log(
    `switchyard simulator listening on ${simulator.url}: OpenAI at /v1, Anthropic at /v1/messages, Gemini at /v1beta; serving ${SIMULATED_CATALOG.map((model) => model.name).join(', ')}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await simulator.close();
  return 0;
}
