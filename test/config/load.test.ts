import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText, loadConfig } from '../../src/config/load.js';
import { configReferenceMarkdown, configJsonSchema } from '../../src/config/reference.js';

const env = { OPENAI_API_KEY: 'sk-test-0123456789', VLLM_KEY: 'local-key-abc' };

const valid = `
server:
  port: 5050
providers:
  openai:
    type: openai
    api_key: env:OPENAI_API_KEY
    timeouts: { first_token_ms: 5000 }
  vllm:
    type: openai-compatible
    base_url: http://127.0.0.1:8000/v1
    api_key: env:VLLM_KEY
models:
  gpt-5.4:
    provider: openai
    price: { input: 1.75, output: 14, cached_input: 0.175 }
    context_window: 400000
  llama:
    deployments:
      - provider: vllm
        upstream_model: meta-llama/Llama-4-Maverick
        weight: 3
        timeouts: { total_ms: 1000 }
    private: true
    capabilities: { vision: false }
routes:
  auto:
    model: smart
  smart:
    model: gpt-5.4
`;

function issuesOf(text: string, environment: Record<string, string> = env): string[] {
  try {
    parseConfigText(text, environment, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('config loading', () => {
  it('resolves providers, deployments, timeouts, secrets and route chains', () => {
    const config = parseConfigText(valid, env, 'test.yaml');
    expect(config.server.port).toBe(5050);
    expect(config.server.host).toBe('127.0.0.1');
    const openai = config.providers.get('openai');
    expect(openai?.baseUrl).toBe('https://api.openai.com/v1');
    expect(openai?.apiKey).toBe('sk-test-0123456789');
    const llama = config.models.get('llama');
    expect(llama?.private).toBe(true);
    expect(llama?.capabilities).toEqual({ tools: true, vision: false, jsonSchema: true, streaming: true });
    expect(llama?.deployments[0]?.upstreamModel).toBe('meta-llama/Llama-4-Maverick');
    expect(llama?.deployments[0]?.weight).toBe(3);
    expect(llama?.deployments[0]?.timeouts).toEqual({ connectMs: 10_000, firstTokenMs: 60_000, idleMs: 30_000, totalMs: 1000 });
    expect(config.models.get('gpt-5.4')?.deployments[0]?.timeouts.firstTokenMs).toBe(5000);
    expect(config.routes.get('auto')?.model?.name).toBe('gpt-5.4');
    expect(config.secrets).toEqual(expect.arrayContaining(['sk-test-0123456789', 'local-key-abc']));
    expect(config.simulatedOnly).toBe(false);
  });

  it('honours OPENAI_BASE_URL as the SDK does', () => {
    const config = parseConfigText(valid, { ...env, OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1/' }, 'test.yaml');
    expect(config.providers.get('openai')?.baseUrl).toBe('http://127.0.0.1:9999/v1');
  });

  it('reports wrong types and unknown keys with their paths', () => {
    const issues = issuesOf(valid.replace('input: 1.75', 'input: "cheap"').replace('context_window: 400000', 'context_window: 400000\n    colour: blue'));
    expect(issues).toContain('models.gpt-5.4.price.input: expected number, received string');
    expect(issues).toContain('models.gpt-5.4: unknown key "colour"');
  });

  it('suggests the key a typo meant, and says a missing section is required', () => {
    expect(issuesOf(valid.replace('context_window: 400000', 'context_window: 400000\n    pirce: { input: 1, output: 1 }'))).toContain('models.gpt-5.4: unknown key "pirce" (did you mean "price"?)');
    expect(issuesOf(`${valid}cahce: { mode: exact }\n`)).toEqual([expect.stringContaining('unknown key "cahce" (did you mean "cache"?)')]);
    expect(issuesOf(valid.replace('  port: 5050', '  prot: 5050'))).toContain('server: unknown key "prot" (did you mean "port"?)');
    // Nothing close: no guess.
    expect(issuesOf(valid.replace('  port: 5050', '  port: 5050\n  colour: blue'))).toContain('server: unknown key "colour"');
    expect(issuesOf('routes:\n  auto: { model: gpt-5.4 }\n')).toEqual(expect.arrayContaining(['providers: required (expected record)', 'models: required (expected record)']));
  });

  it('refuses literal secrets and unset environment variables', () => {
    expect(issuesOf(valid.replace('api_key: env:OPENAI_API_KEY', 'api_key: sk-live-123'))[0]).toMatch(/^providers\.openai\.api_key: write secrets as a reference/);
    expect(issuesOf(valid, { VLLM_KEY: 'x' })).toEqual(['providers.openai.api_key: environment variable OPENAI_API_KEY is not set']);
  });

  it('reports unknown providers, dangling routes and route cycles', () => {
    const text = `
providers:
  sim: { type: simulator }
models:
  a: { provider: nowhere }
  b: { provider: sim }
routes:
  auto: { model: missing }
  loop1: { model: loop2 }
  loop2: { model: loop1 }
`;
    expect(issuesOf(text)).toEqual([
      'models.a.provider: unknown provider "nowhere" (known: sim)',
      'routes.auto.model: "missing" is neither a model nor a route',
      'routes.loop1.model: route cycle: loop1 → loop2 → loop1',
      'routes.loop2.model: route cycle: loop2 → loop1 → loop2',
    ]);
  });

  it('reports an unknown provider type, bad YAML, and a model that is also a route', () => {
    expect(issuesOf('providers:\n  x: { type: azure }\nmodels: {}\n')).toEqual(['providers.x.type: type must be one of: openai, openai-compatible, anthropic, gemini, azure-openai, bedrock, vertex, mistral, cohere, simulator']);
    expect(issuesOf('providers: [unclosed\n')[0]).toMatch(/^line \d+, column \d+: YAML:/);
    expect(issuesOf('providers:\n  s: { type: simulator }\nmodels:\n  m: { provider: s }\nroutes:\n  m: { model: m }\n')).toContain(
      'models.m: "m" is both a model and a route; names must be unique',
    );
  });

  it('requires keys to bind beyond loopback', () => {
    const text = 'server: { host: 0.0.0.0 }\nproviders:\n  s: { type: simulator }\nmodels:\n  m: { provider: s }\n';
    expect(issuesOf(text)).toEqual(['server.host: binding to 0.0.0.0 (beyond loopback) requires server.api_keys, or insecure_no_auth: true']);
    expect(issuesOf(text.replace('host: 0.0.0.0', 'host: 0.0.0.0, insecure_no_auth: true'))).toEqual([]);
  });

  it('reports a missing config file', () => {
    expect(() => loadConfig({ path: '/nonexistent/switchyard.yaml' })).toThrow(/file not found/);
  });
});

describe('built-in defaults', () => {
  it('runs the simulated catalog when no provider key is set', () => {
    const config = loadConfig({ env: {}, cwd: '/nonexistent' });
    expect(config.simulatedOnly).toBe(true);
    expect([...config.models.keys()]).toEqual(
      expect.arrayContaining(['gpt-5.4', 'gpt-5.4-mini', 'claude-opus-4.6', 'claude-sonnet-4.6', 'gemini-3.1-pro', 'gemini-3.1-flash', 'deepseek-v4-flash', 'llama-4-maverick', 'text-embedding-3-small']),
    );
    expect(config.models.get('llama-4-maverick')?.private).toBe(true);
    expect(config.models.get('text-embedding-3-small')?.kind).toBe('embedding');
    expect(config.routes.get('fast')?.model?.name).toBe('gpt-5.4-mini');
    expect(config.routes.get('auto')?.strategy).toBe('cheapest');
    expect(config.models.get('gpt-5.4')?.quality.math).toBeGreaterThan(0.9);
    // Each family is simulated over its own wire protocol.
    expect(config.models.get('claude-opus-4.6')?.deployments[0]?.provider.protocol).toBe('anthropic');
    expect(config.models.get('gemini-3.1-pro')?.deployments[0]?.provider.protocol).toBe('gemini');
    expect(config.models.get('gpt-5.4')?.deployments[0]?.provider.protocol).toBe('openai');
    expect(config.models.get('text-embedding-3-small')?.deployments[0]?.provider.protocol).toBe('openai');
  });

  it('uses the native Anthropic and Gemini protocols for their keys, honouring the SDK base URLs', () => {
    const config = loadConfig({ env: { ANTHROPIC_API_KEY: 'sk-ant-123456', GOOGLE_API_KEY: 'AIza-123456', ANTHROPIC_BASE_URL: 'http://127.0.0.1:7000' }, cwd: '/nonexistent' });
    expect(config.providers.get('anthropic')).toMatchObject({ type: 'anthropic', protocol: 'anthropic', baseUrl: 'http://127.0.0.1:7000/v1', apiKey: 'sk-ant-123456' });
    expect(config.providers.get('gemini')).toMatchObject({ type: 'gemini', protocol: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta' });
    expect(config.models.get('claude-sonnet-4.6')?.deployments[0]?.provider.name).toBe('anthropic');
    expect(config.models.get('gemini-3.1-flash')?.deployments[0]?.provider.name).toBe('gemini');
    expect(config.routes.get('fast')?.model?.name).toBe('claude-sonnet-4.6');
  });

  it('configures real providers from keys, honouring *_BASE_URL', () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-a-123456', DEEPSEEK_API_KEY: 'sk-d-123456', OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1', OLLAMA_HOST: '127.0.0.1' }, cwd: '/nonexistent' });
    expect(config.simulatedOnly).toBe(false);
    expect(config.providers.get('openai')?.baseUrl).toBe('http://127.0.0.1:1234/v1');
    expect(config.providers.get('deepseek')?.type).toBe('openai-compatible');
    expect(config.providers.get('ollama')?.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(config.models.get('gpt-5.4')?.deployments[0]?.provider.name).toBe('openai');
    expect(config.models.get('deepseek-v4-flash')?.deployments[0]?.provider.name).toBe('deepseek');
    expect(config.models.has('claude-opus-4.6')).toBe(false);
    expect(config.routes.get('fast')?.model?.name).toBe('gpt-5.4-mini');
  });
});

describe('config reference', () => {
  it('docs/config.md is the generated reference', () => {
    const committed = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    expect(committed, 'run `node bin/switchyard.js schema --markdown > docs/config.md`').toBe(configReferenceMarkdown());
  });

  it('the JSON Schema describes every top-level section', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['server', 'store', 'log', 'telemetry', 'providers', 'models', 'routes', 'governance', 'resilience', 'eval', 'guards', 'batch', 'cache', 'state']);
    expect(schema.required).toEqual(['providers', 'models']);
  });

  it('every example config validates', async () => {
    const { readdirSync } = await import('node:fs');
    const directory = new URL('../../examples/', import.meta.url);
    const files = readdirSync(directory).filter((name) => name.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(new URL(file, directory), 'utf8');
      expect(() => parseConfigText(text, { OPENAI_API_KEY: 'sk-x-1234567', DEEPSEEK_API_KEY: 'sk-y-1234567', SWITCHYARD_API_KEY: 'sy-123456', ANTHROPIC_API_KEY: 'sk-ant-1234567', GEMINI_API_KEY: 'AIza-1234567', INTERNAL_LLM_KEY: 'internal-1234567', SWITCHYARD_ADMIN_KEY: 'admin-1234567', SWITCHYARD_DATABASE_URL: 'postgres://switchyard@127.0.0.1:5432/switchyard', SWITCHYARD_REDIS_URL: 'redis://127.0.0.1:6379/0' }, file)).not.toThrow();
    }
  });
});
