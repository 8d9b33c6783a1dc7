/**
 * The simulator under a coding agent's harness: it answers the user's own words, not the
 * system prompt or the reminders; it does a small file task with the agent's own file tools,
 * one step at a time; and every session ends with a text answer.
 */
import { describe, expect, it } from 'vitest';
import type { ChatInput, SimMessage, SimTool } from '../../src/simulator/generation/chat-input.js';
import { fileTaskOf } from '../../src/simulator/generation/agent-task.js';
import { generateChat } from '../../src/simulator/generation/generate-chat.js';
import { countPromptTokens } from '../../src/simulator/generation/prompt-tokens.js';
import { SIMULATED_CATALOG } from '../../src/simulator/index.js';

const model = SIMULATED_CATALOG.find((candidate) => candidate.name === 'claude-sonnet-4.6')!;

const object = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });
const text = { type: 'string' };

/** Claude Code's file tools, and some it offers beside them. */
const claudeTools: SimTool[] = [
  { name: 'Agent', description: 'Launch a new agent to handle complex, multi-step tasks autonomously.', parameters: object({ description: text, prompt: text, subagent_type: text }, ['prompt']) },
  { name: 'Bash', description: 'Executes a given bash command and returns its output.', parameters: object({ command: text, timeout: { type: 'number' } }, ['command']) },
  { name: 'Read', description: 'Reads a file from the local filesystem.', parameters: object({ file_path: text, offset: { type: 'integer' }, limit: { type: 'integer' } }, ['file_path']) },
  { name: 'Edit', description: 'Performs exact string replacements in files.', parameters: object({ file_path: text, old_string: text, new_string: text, replace_all: { type: 'boolean' } }, ['file_path', 'old_string', 'new_string']) },
  { name: 'Write', description: 'Writes a file to the local filesystem.', parameters: object({ file_path: text, content: text }, ['file_path', 'content']) },
  { name: 'WebSearch', description: 'Search the web and use the results to inform responses.', parameters: object({ query: text }, ['query']) },
];

/** opencode names the same tools in lower case, with camelCase parameters. */
const opencodeTools: SimTool[] = [
  { name: 'bash', description: 'Executes a given bash command.', parameters: object({ command: text, description: text }, ['command']) },
  { name: 'read', description: 'Reads a file from the local filesystem.', parameters: object({ filePath: text }, ['filePath']) },
  { name: 'edit', description: 'Performs exact string replacements in files.', parameters: object({ filePath: text, oldString: text, newString: text }, ['filePath', 'oldString', 'newString']) },
  { name: 'write', description: 'Writes a file to the local filesystem.', parameters: object({ filePath: text, content: text }, ['filePath', 'content']) },
  { name: 'glob', description: 'Fast file pattern matching tool.', parameters: object({ pattern: text }, ['pattern']) },
];

const systemPrompt = `You are an interactive agent that helps users with software engineering tasks. Use the Read, Edit, Write and Bash tools. ${'Follow the conventions of the codebase and keep answers short. '.repeat(120)}\n<env>\nWorking directory: /home/user/project\nPlatform: linux\n</env>`;
const reminder = '<system-reminder>\nThe following skills are available for use with the Skill tool: deep-research, update-config. Use the Write tool to search the web.\n</system-reminder>';

const user = (content: string): SimMessage => ({ role: 'user', text: content, imageCount: 0, toolCalls: [] });

function agentInput(messages: SimMessage[], tools = claudeTools): ChatInput {
  return { messages: [{ role: 'system', text: systemPrompt, imageCount: 0, toolCalls: [] }, ...messages], tools, toolChoice: { mode: 'auto' }, parallelToolCalls: true, responseFormat: { type: 'text' } };
}

function answer(chat: ChatInput) {
  return generateChat(model, chat, { maxAnswerTokens: 400, forceCorrect: true }, countPromptTokens(chat));
}

/** Runs the conversation as the agent would: each tool call gets `result(call)`, until a text answer (or the bound). */
function session(first: SimMessage, tools: SimTool[], result: (name: string, args: Record<string, unknown>) => string) {
  const messages: SimMessage[] = [first];
  const calls: { name: string; args: Record<string, unknown> }[] = [];
  for (let turn = 0; turn < 6; turn += 1) {
    const reply = answer(agentInput(messages, tools));
    if (reply.toolCalls.length === 0) return { calls, final: reply.content ?? '' };
    messages.push({ role: 'assistant', text: '', imageCount: 0, toolCalls: reply.toolCalls });
    for (const call of reply.toolCalls) {
      const args = JSON.parse(call.arguments) as Record<string, unknown>;
      calls.push({ name: call.name, args });
      messages.push({ role: 'tool', text: result(call.name, args), imageCount: 0, toolCalls: [], toolCallId: call.id });
    }
    // Claude Code sends a reminder beside tool results: harness text, not a new request.
    messages.push(user(reminder));
  }
  throw new Error(`no final answer after 6 turns: ${JSON.stringify(calls)}`);
}

describe('the simulator under an agent harness', () => {
  it("finds the question after Codex CLI's environment_context turn, merged into one user turn or not", () => {
    const context = '<environment_context>\n  <cwd>/home/user/project</cwd>\n  <shell>bash</shell>\n  <current_date>2026-12-07</current_date>\n  <timezone>Etc/UTC</timezone>\n</environment_context>';
    for (const messages of [[user(context), user('What is 17 * 23?')], [user(`${context}\n\nWhat is 17 * 23?`)]]) {
      const reply = answer(agentInput(messages));
      expect(reply.toolCalls).toEqual([]);
      expect(reply.content).toContain('391');
      expect(reply.content).not.toContain('2026');
    }
  });

  it('answers the question under the system prompt and reminders, as a bare prompt, without tools', () => {
    const reply = answer(agentInput([user(`${reminder}\n${reminder}\nWhat is 17 * 23?`)]));
    expect(reply.toolCalls).toEqual([]);
    expect(reply.content).toContain('391');
    expect(reply.category).toBe('math');
  });

  it('answers a question in text even when a tool name appears in the harness text', () => {
    const reply = answer(agentInput([user(`${reminder}\nWrite a haiku about railway switches.`)]));
    expect(reply.toolCalls).toEqual([]);
    expect(reply.content?.length).toBeGreaterThan(10);
  });

  it('edits a file with Read then Edit, then says what it did', () => {
    const { calls, final } = session(user(`${reminder}\nIn notes.txt, replace apple with banana`), claudeTools, (name) => (name === 'Read' ? '1\tapple pie' : 'The file has been updated.'));
    expect(calls).toEqual([
      { name: 'Read', args: { file_path: '/home/user/project/notes.txt' } },
      { name: 'Edit', args: { file_path: '/home/user/project/notes.txt', old_string: 'apple', new_string: 'banana' } },
    ]);
    expect(final).toBe('Replaced "apple" with "banana" in notes.txt.');
  });

  it('uses opencode\'s own tool and parameter names', () => {
    const { calls } = session(user('Replace "red" with "blue" in src/colour.css'), opencodeTools, () => 'ok');
    expect(calls.map((call) => call.name)).toEqual(['read', 'edit']);
    expect(calls[1]?.args).toEqual({ filePath: '/home/user/project/src/colour.css', oldString: 'red', newString: 'blue' });
  });

  it('creates a file with Write', () => {
    const { calls, final } = session(user('Create a file hello.txt containing "Hello, world"'), claudeTools, () => 'File created successfully');
    expect(calls).toEqual([{ name: 'Write', args: { file_path: '/home/user/project/hello.txt', content: 'Hello, world' } }]);
    expect(final).toContain('hello.txt');
  });

  it('stops after a failed step and reports it, instead of trying again', () => {
    const { calls, final } = session(user('In notes.txt, replace apple with banana'), claudeTools, (name) =>
      name === 'Read' ? 'Error: <tool_use_error>File does not exist.</tool_use_error>' : 'unexpected',
    );
    expect(calls.map((call) => call.name)).toEqual(['Read']);
    expect(final).toContain('File does not exist');
  });

  it('recognises file tasks in the usual phrasings, and nothing else', () => {
    expect(fileTaskOf('Change `foo` to `bar` in lib/a.ts')).toEqual({ kind: 'edit', file: 'lib/a.ts', find: 'foo', replace: 'bar' });
    expect(fileTaskOf('In the file README.md, replace "old text" with "new text".')).toEqual({ kind: 'edit', file: 'README.md', find: 'old text', replace: 'new text' });
    expect(fileTaskOf('Write a file named out.json with the content {"a":1}')).toEqual({ kind: 'create', file: 'out.json', content: '{"a":1}' });
    expect(fileTaskOf('What is 17 * 23?')).toBeUndefined();
    expect(fileTaskOf('Replace the battery in my phone')).toBeUndefined();
  });
});
