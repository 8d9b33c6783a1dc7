/**
 * One run of the loader reports schema and reference problems together, at the positions
 * of the file, without problems that only follow from a broken part.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../src/config/load.js';

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, env, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('every problem in one run', () => {
  it('reports a bad value and an unknown reference elsewhere together', () => {
    const found = problems(['providers:', '  sim: { type: simulator }', 'models:', '  a: { provider: sim, price: { input: cheap, output: 1 } }', '  b: { provider: ghost }', 'routes:', '  auto: { model: nowhere }', ''].join('\n'));
    expect(found).toEqual(
      expect.arrayContaining([
        'models.a.price.input: expected number, received string',
        'models.b.provider: unknown provider "ghost" (known: sim)',
        'routes.auto.model: "nowhere" is neither a model nor a route',
      ]),
    );
    expect(found).toHaveLength(3);
  });

  it('checks the references of an entry whose only problem is an unknown key', () => {
    const found = problems(['providers:', '  sim: { type: simulator }', 'models:', '  a: { provider: sim, fallbacks: [ghost], pricee: 1 }', ''].join('\n'));
    expect(found).toEqual(['models.a: unknown key "pricee" (did you mean "price"?)', 'models.a.fallbacks[0]: unknown model "ghost"']);
  });

  it('says nothing more about what refers to a broken entry', () => {
    const found = problems(
      [
        'providers:',
        '  sim: { type: simulator }',
        '  odd: { type: frobnicator }',
        'models:',
        '  a: { provider: odd }',
        '  b: { provider: sim, price: { input: -1, output: 1 }, fallbacks: [a] }',
        '  c: { provider: sim, fallbacks: [b] }',
        'routes:',
        '  auto: { model: b }',
        '  other: { strategy: table, table: { code: a, default: c } }',
        'guards:',
        '  default: strict',
        '  policies:',
        '    strict: { request: { pii: { action: shout } } }',
        '',
      ].join('\n'),
    );
    expect(found).toEqual([
      expect.stringMatching(/^providers\.odd\.type: type must be one of: openai, openai-compatible, anthropic, gemini, /),
      'models.b.price.input: Too small: expected number to be >=0',
      'guards.policies.strict.request.pii.action: Invalid option: expected one of "block"|"redact"|"route-private"|"flag"',
    ]);
  });

  it('keeps the positions of the file when a list element is set aside', () => {
    const found = problems(
      [
        'server:',
        '  host: 0.0.0.0',
        '  api_keys:',
        '    - { key: env:FIRST, name: "has spaces" }',
        '    - { key: env:SECOND, name: second, allow_models: [ghost] }',
        'providers:',
        '  sim: { type: simulator }',
        'models:',
        '  m: { provider: sim }',
        '',
      ].join('\n'),
      { SECOND: 'secret-value-2' },
    );
    expect(found).toEqual(['server.api_keys[0].name: letters, digits, dot, dash and underscore only', 'server.api_keys[1].allow_models[0]: unknown model "ghost"']);
  });

  it('a valid file still loads, and a file whose root is broken reports the schema alone', () => {
    expect(problems('providers:\n  sim: { type: simulator }\nmodels:\n  m: { provider: sim }\n')).toEqual([]);
    expect(problems('just a string')).toEqual([expect.stringMatching(/^: |^\(root\)|expected object/)]);
  });
});
