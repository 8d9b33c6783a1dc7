/**
 * The tolerant reader end to end: fields the gateway does not model reach an upstream of the
 * client's own protocol unchanged (asserted on what that upstream received), are dropped with
 * an x-switchyard-warnings entry by an upstream of another protocol, and are a 400 with
 * server.strict_params. Known fields keep strict value checks either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FixtureServer, fixturePath } from '../helpers/fixture-server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const anthropicUpstream = new FixtureServer();
const openaiUpstream = new FixtureServer();
const responsesUpstream = new FixtureServer();
let gateway: TestGateway;
let strictGateway: TestGateway;

function config(strict: boolean): string {
  return `
server: { strict_params: ${strict} }
resilience:
  circuit_breaker: { enabled: false }
providers:
  anthropic: { type: anthropic, base_url: ${anthropicUpstream.url}/v1, api_key: env:UPSTREAM_KEY }
  openai: { type: openai, base_url: ${openaiUpstream.url}/v1, api_key: env:UPSTREAM_KEY }
  openai-responses: { type: openai, api: responses, base_url: ${responsesUpstream.url}/v1, api_key: env:UPSTREAM_KEY }
models:
  claude-sonnet-4.6: { provider: anthropic, price: { input: 3, output: 15 } }
  gpt-5.4: { provider: openai, price: { input: 1.75, output: 14 } }
  gpt-5.4-responses: { provider: openai-responses, upstream_model: gpt-5.4, price: { input: 1.75, output: 14 } }
`;
}

beforeAll(async () => {
  await anthropicUpstream.start();
  await openaiUpstream.start();
  await responsesUpstream.start();
  responsesUpstream.replay = { fixture: 'openai/responses-text.json' };
  anthropicUpstream.replay = { fixture: 'anthropic/message-basic.json' };
  openaiUpstream.replay = { fixture: 'openai/chat-basic.json' };
  gateway = await startTestGateway(config(false), { UPSTREAM_KEY: 'sk-upstream-test' });
  strictGateway = await startTestGateway(config(true), { UPSTREAM_KEY: 'sk-upstream-test' });
});

afterAll(async () => {
  await gateway.stop();
  await strictGateway.stop();
  await anthropicUpstream.close();
  await openaiUpstream.close();
  await responsesUpstream.close();
});

/** What a current Claude Code sends beyond the documented basics. */
function claudeCodeBody(model: string): Record<string, unknown> {
  return {
    model,
    max_tokens: 32000,
    thinking: { type: 'adaptive', display: 'omitted' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    output_config: { effort: 'medium' },
    metadata: { user_id: 'user_abc', session_id: 'session-1' },
    system: [
      { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Be concise.', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ],
    tools: [
      { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } },
      { name: 'WebFetch', description: 'Fetch a page', input_schema: { type: 'object', properties: {} }, defer_loading: true },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
    ],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is 17 * 23?', cache_control: { type: 'ephemeral' } }] }],
  };
}

async function post(target: TestGateway, path: string, body: unknown): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${target.running.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

describe('Anthropic Messages inbound', () => {
  it('forwards every field it does not model, unchanged, to an Anthropic upstream', async () => {
    const body = claudeCodeBody('claude-sonnet-4.6');
    const { status, headers } = await post(gateway, '/v1/messages', body);
    expect(status).toBe(200);
    expect(headers.get('x-switchyard-warnings')).toBeNull();
    expect(anthropicUpstream.last().body).toEqual({ ...body, model: 'claude-sonnet-4.6' });
  });

  it('drops them for an OpenAI upstream and says so, field by field', async () => {
    const { status, headers } = await post(gateway, '/v1/messages', claudeCodeBody('gpt-5.4'));
    expect(status).toBe(200);
    const sent = openaiUpstream.last().body as Record<string, unknown>;
    for (const field of ['thinking', 'context_management', 'output_config', 'defer_loading', 'cache_control', 'web_search']) expect(JSON.stringify(sent)).not.toContain(field);
    expect((sent.tools as unknown[]).length).toBe(2);
    const warnings = headers.get('x-switchyard-warnings') ?? '';
    for (const name of ['thinking', 'context_management', 'output_config', 'metadata.session_id', 'tools[*].defer_loading', 'tools[*] (web_search_20250305) dropped', 'cache_control']) {
      expect(warnings).toContain(name);
    }
    expect(warnings).toContain('provider openai');
  });

  it('refuses a user content block another protocol cannot carry, and forwards it to Anthropic', async () => {
    const document = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'The answer is 42.' } };
    const body = { model: 'gpt-5.4', max_tokens: 100, messages: [{ role: 'user', content: [document, { type: 'text', text: 'What does it say?' }] }] };
    const refused = await post(gateway, '/v1/messages', body);
    expect(refused.status).toBe(400);
    expect(refused.json.type).toBe('error');
    expect(JSON.stringify(refused.json)).toContain('messages[0].content[0]');
    const forwarded = await post(gateway, '/v1/messages', { ...body, model: 'claude-sonnet-4.6' });
    expect(forwarded.status).toBe(200);
    expect((anthropicUpstream.last().body as { messages: unknown }).messages).toEqual(body.messages);
  });

  it('keeps strict value checks on the fields it knows', async () => {
    const wrongBudget = await post(gateway, '/v1/messages', { ...claudeCodeBody('claude-sonnet-4.6'), thinking: { type: 'enabled', budget_tokens: 'lots' } });
    expect(wrongBudget.status).toBe(400);
    expect(JSON.stringify(wrongBudget.json)).toContain('thinking.budget_tokens');
    const wrongTokens = await post(gateway, '/v1/messages', { ...claudeCodeBody('claude-sonnet-4.6'), max_tokens: -5 });
    expect(wrongTokens.status).toBe(400);
    expect(JSON.stringify(wrongTokens.json)).toContain('max_tokens');
  });

  it('refuses unknown fields and values with server.strict_params', async () => {
    const adaptive = await post(strictGateway, '/v1/messages', { model: 'claude-sonnet-4.6', max_tokens: 10, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'hi' }] });
    expect(adaptive.status).toBe(400);
    expect(JSON.stringify(adaptive.json)).toContain('thinking.type');
    const unknown = await post(strictGateway, '/v1/messages', { model: 'claude-sonnet-4.6', max_tokens: 10, context_management: {}, messages: [{ role: 'user', content: 'hi' }] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toContain('context_management');
  });
});

describe('OpenAI Chat Completions inbound', () => {
  const body = {
    model: 'gpt-5.4',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] },
      { role: 'assistant', content: 'Hi.', reasoning_content: 'The user greets me.' },
      { role: 'user', content: 'What is 17 * 23?' },
    ],
    tools: [{ type: 'function', function: { name: 'calc', parameters: { type: 'object' } }, cache_control: { type: 'ephemeral' } }],
    reasoning_effort: 'xhigh',
    verbosity: 'low',
    prediction: { type: 'content', content: 'x' },
  };

  it('forwards every field it does not model, where the client put it, to an OpenAI upstream', async () => {
    const { status, headers } = await post(gateway, '/v1/chat/completions', body);
    expect(status).toBe(200);
    expect(headers.get('x-switchyard-warnings')).toBeNull();
    const sent = openaiUpstream.last().body as Record<string, unknown>;
    expect(sent.messages).toEqual(body.messages);
    expect(sent.tools).toEqual(body.tools);
    expect(sent.reasoning_effort).toBe('xhigh');
    expect(sent.verbosity).toBe('low');
    expect(sent.prediction).toEqual(body.prediction);
  });

  it('drops them for an Anthropic upstream with warnings, and refuses a user content part it cannot carry', async () => {
    const withoutAudio = structuredClone(body) as typeof body;
    withoutAudio.model = 'claude-sonnet-4.6';
    withoutAudio.messages[1] = { role: 'user', content: 'Hello' };
    const { status, headers } = await post(gateway, '/v1/chat/completions', withoutAudio);
    expect(status).toBe(200);
    const sent = JSON.stringify(anthropicUpstream.last().body);
    for (const field of ['verbosity', 'prediction', 'reasoning_content', 'xhigh', 'cache_control']) expect(sent).not.toContain(field);
    const warnings = headers.get('x-switchyard-warnings') ?? '';
    for (const name of ['verbosity', 'prediction', 'messages[*].reasoning_content', 'tools[*].cache_control', 'reasoning_effort']) expect(warnings).toContain(name);

    const refused = await post(gateway, '/v1/chat/completions', { ...body, model: 'claude-sonnet-4.6' });
    expect(refused.status).toBe(400);
    expect((refused.json.error as { param: string }).param).toBe('messages[1].content[1]');
  });

  it('refuses unknown fields with server.strict_params, naming them', async () => {
    const unknown = await post(strictGateway, '/v1/chat/completions', { model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], colour: 'blue' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'unknown_parameter', param: 'colour' });
    const nested = await post(strictGateway, '/v1/chat/completions', { model: 'gpt-5.4', messages: [{ role: 'user', content: 'x', mood: 'happy' }] });
    expect(nested.json.error).toMatchObject({ code: 'unknown_parameter', param: 'messages[0].mood' });
    const effort = await post(strictGateway, '/v1/chat/completions', { model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'xhigh' });
    expect(effort.status).toBe(400);
  });

  it('keeps strict value checks on the fields it knows', async () => {
    const role = await post(gateway, '/v1/chat/completions', { model: 'gpt-5.4', messages: [{ role: 'wizard', content: 'x' }] });
    expect(role.status).toBe(400);
    const temperature = await post(gateway, '/v1/chat/completions', { model: 'gpt-5.4', messages: [{ role: 'user', content: 'x' }], temperature: 7, verbosity: 'low' });
    expect(temperature.status).toBe(400);
    expect((temperature.json.error as { param: string }).param).toBe('temperature');
  });
});

describe('OpenAI Responses inbound (the first request of Codex CLI, as recorded)', () => {
  const codex = (JSON.parse(readFileSync(fixturePath('agents/codex-question.json'), 'utf8')) as { requests: { body: Record<string, unknown> }[] }).requests[0]!.body;
  const body = (model: string): Record<string, unknown> => ({ ...codex, model, stream: false });
  const toolTypes = (tools: unknown): string[] => (tools as { type: string }[]).map((tool) => tool.type);

  it('sends what Codex sends: hosted, namespace and function tools, include, prompt_cache_key, client_metadata, store: false', () => {
    expect(new Set(toolTypes(codex.tools))).toEqual(new Set(['function', 'namespace', 'web_search']));
    for (const field of ['include', 'prompt_cache_key', 'client_metadata', 'reasoning']) expect(codex).toHaveProperty(field);
    expect(codex.store).toBe(false);
  });

  it('forwards all of it unchanged to a Responses upstream', async () => {
    const { status, headers } = await post(gateway, '/v1/responses', body('gpt-5.4-responses'));
    expect(status).toBe(200);
    expect(headers.get('x-switchyard-warnings')).toBeNull();
    const sent = responsesUpstream.last().body as Record<string, unknown>;
    expect(sent.model).toBe('gpt-5.4');
    for (const field of ['input', 'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'include', 'prompt_cache_key', 'client_metadata']) expect(sent[field], field).toEqual(codex[field]);
    expect(sent.store).toBe(false);
  });

  it('forwards reasoning items with their encrypted content, and parts and items of new types, to a Responses upstream', async () => {
    const input = [
      { role: 'user', content: [{ type: 'input_text', text: 'Read this' }, { type: 'input_file', file_id: 'file-abc' }] },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAB-opaque' },
      { type: 'custom_tool_call', call_id: 'call_1', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'custom_tool_call_output', call_id: 'call_1', output: 'Done' },
      { role: 'user', content: 'What is 17 * 23?' },
    ];
    const tools = [{ type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } }, { type: 'local_shell' }];
    const { status } = await post(gateway, '/v1/responses', { model: 'gpt-5.4-responses', input, tools, tool_choice: { type: 'custom', name: 'apply_patch' }, store: false });
    expect(status).toBe(200);
    const sent = responsesUpstream.last().body as Record<string, unknown>;
    expect(sent.input).toEqual(input);
    expect(sent.tools).toEqual(tools);
    expect(sent.tool_choice).toEqual({ type: 'custom', name: 'apply_patch' });
  });

  it.each([
    ['Chat Completions', 'gpt-5.4', () => openaiUpstream.last().body, 'provider openai'],
    ['Anthropic Messages', 'claude-sonnet-4.6', () => anthropicUpstream.last().body, 'provider anthropic'],
  ])('drops what %s cannot carry, naming each in x-switchyard-warnings', async (_protocol, model, received, provider) => {
    const { status, headers } = await post(gateway, '/v1/responses', body(model));
    expect(status).toBe(200);
    const sent = received() as Record<string, unknown>;
    const text = JSON.stringify(sent);
    for (const field of ['prompt_cache_key', 'client_metadata', 'reasoning.encrypted_content', 'multi_agent_v1', 'web_search']) expect(text).not.toContain(field);
    // The function tools all arrive; the others do not.
    const functions = (codex.tools as { type: string }[]).filter((tool) => tool.type === 'function').length;
    expect((sent.tools as unknown[]).length).toBe(functions);
    expect(text).toContain('What is 17 * 23?');
    const warnings = headers.get('x-switchyard-warnings') ?? '';
    for (const name of ['include dropped', 'prompt_cache_key dropped', 'client_metadata dropped', 'tools[*] (namespace) dropped', 'tools[*] (web_search) dropped']) expect(warnings).toContain(name);
    expect(warnings).toContain(provider);
  });

  it('refuses, across protocols, a user content part or an input item the model would not see', async () => {
    const part = await post(gateway, '/v1/responses', { model: 'gpt-5.4', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-abc' }, { type: 'input_text', text: 'Summarise it' }] }] });
    expect(part.status).toBe(400);
    expect(part.json.error).toMatchObject({ param: 'input[0].content[0]' });
    const item = await post(gateway, '/v1/responses', { model: 'claude-sonnet-4.6', input: [{ type: 'custom_tool_call_output', call_id: 'c', output: 'x' }, { role: 'user', content: 'Go on' }] });
    expect(item.status).toBe(400);
    expect(item.json.error).toMatchObject({ param: 'input[0]' });
    expect(JSON.stringify(item.json)).toContain('custom_tool_call_output');
  });

  it('drops reasoning items for another protocol, with a warning', async () => {
    const input = [{ role: 'user', content: 'Hi' }, { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAB-opaque' }, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'What is 17 * 23?' }];
    const { status, headers } = await post(gateway, '/v1/responses', { model: 'gpt-5.4', input, store: false });
    expect(status).toBe(200);
    expect(JSON.stringify(openaiUpstream.last().body)).not.toContain('gAAAAB');
    expect(headers.get('x-switchyard-warnings')).toContain('reasoning items dropped');
  });

  it('refuses each of them with server.strict_params, naming it', async () => {
    const unknown = await post(strictGateway, '/v1/responses', body('gpt-5.4-responses'));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'unknown_parameter', param: 'include' });
    const hosted = await post(strictGateway, '/v1/responses', { model: 'gpt-5.4-responses', input: 'hi', tools: [{ type: 'web_search' }] });
    expect(hosted.status).toBe(400);
    expect(hosted.json.error).toMatchObject({ param: 'tools[0].type' });
    const item = await post(strictGateway, '/v1/responses', { model: 'gpt-5.4-responses', input: [{ type: 'custom_tool_call_output', call_id: 'c', output: 'x' }] });
    expect(item.json.error).toMatchObject({ param: 'input[0].type' });
    const part = await post(strictGateway, '/v1/responses', { model: 'gpt-5.4-responses', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] });
    expect(part.json.error).toMatchObject({ param: 'input[0].content[0].type' });
  });

  it('keeps strict value checks on the fields it knows', async () => {
    const temperature = await post(gateway, '/v1/responses', { ...body('gpt-5.4-responses'), temperature: 7 });
    expect(temperature.status).toBe(400);
    expect(temperature.json.error).toMatchObject({ param: 'temperature' });
    const tool = await post(gateway, '/v1/responses', { model: 'gpt-5.4-responses', input: 'hi', tools: [{ type: 'function', name: 'has spaces' }] });
    expect(tool.json.error).toMatchObject({ param: 'tools[0].name' });
  });
});
