/**
 * The built-in defaults, for every provider variable alone and all together: they pass the
 * same schema a file does, load, and survive being written out as YAML and read back (what
 * `eval tune` does with them when there is no switchyard.yaml).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildDefaultConfig, ENV_PROVIDERS } from '../../src/config/defaults.js';
import { loadConfig, parseConfigText, zodIssues, type Environment } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { readConfigSource } from '../../src/eval/tune-config.js';

const variants: Array<[string, Environment]> = [
  ['no key (simulated)', {}],
  ...ENV_PROVIDERS.flatMap((provider) => provider.keyVariables.map((variable): [string, Environment] => [variable, { [variable]: 'key-0123456789' }])),
  ['OLLAMA_HOST', { OLLAMA_HOST: '127.0.0.1' }],
  ['every key', { ...Object.fromEntries(ENV_PROVIDERS.flatMap((provider) => provider.keyVariables.map((variable) => [variable, 'key-0123456789']))), OLLAMA_HOST: 'localhost:11434' }],
];

describe('built-in defaults validate in every variant', () => {
  it.each(variants)('%s', (_name, env) => {
    const raw = buildDefaultConfig(env);
    const parsed = configSchema.safeParse(raw);
    expect(parsed.success ? [] : zodIssues(parsed.error)).toEqual([]);

    const empty = mkdtempSync(join(tmpdir(), 'switchyard-defaults-'));
    const config = loadConfig({ env, cwd: empty });
    expect(config.source).toBe('built-in defaults');
    expect(config.simulatedOnly).toBe(Object.keys(env).length === 0);

    const roundTrip = parseConfigText(stringify(raw), env, 'written out');
    expect([...roundTrip.models.keys()]).toEqual([...config.models.keys()]);

    // eval tune without a config file starts from the defaults written out as YAML.
    const source = readConfigSource(undefined, env, empty);
    expect(source.label).toBe('(built-in defaults)');
    expect([...source.config.models.keys()]).toEqual([...config.models.keys()]);
  });

  it('states no output cap for the embedding model', () => {
    expect(buildDefaultConfig({}).models['text-embedding-3-small']).not.toHaveProperty('max_output_tokens');
  });
});
