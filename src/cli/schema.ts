import { configJsonSchema, configReferenceMarkdown } from '../config/reference.js';

export function runSchema(values: Record<string, string | boolean | undefined>): number {
  process.stdout.write(values.markdown ? configReferenceMarkdown() : `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
