/**
 * What a coding agent (Claude Code, Codex, opencode) asks, seen through its harness: the
 * user's own request under a long system prompt and <system-reminder> blocks, and — for a
 * small file task ("in notes.txt replace apple with banana", "create hello.txt containing
 * hi") — the next step with the file tools the agent offers: read the file, edit or write
 * it, then say what was done. Each step is taken once, so a session always ends.
 */
import type { ChatInput, SimMessage, SimTool } from './chat-input.js';

/** Blocks agents add to a user turn that are not the user's words. */
const HARNESS_BLOCK = /<(system-reminder|environment_details|env|user-memory-input|local-command-caveat|environment_context|user_instructions)>[\s\S]*?<\/\1>/g;

/** The user's own words in a user turn: the text without harness blocks (empty when it was all harness). */
export function ownWordsOf(text: string): string {
  return text.includes('<') ? text.replace(HARNESS_BLOCK, ' ').trim() : text;
}

function isHarnessOnly(message: SimMessage): boolean {
  return message.role === 'user' && message.imageCount === 0 && message.text.trim() !== '' && ownWordsOf(message.text) === '';
}

/** The conversation without trailing user turns that are only harness text (a reminder sent beside tool results). */
export function withoutHarnessTail(messages: SimMessage[]): SimMessage[] {
  let end = messages.length;
  while (end > 1 && isHarnessOnly(messages[end - 1] as SimMessage)) end -= 1;
  return end === messages.length ? messages : messages.slice(0, end);
}

/** The last user turn with words of the user's own, and those words (the last user turn's text when none has). */
export function userRequestOf(messages: readonly SimMessage[]): { index: number; text: string } {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index] as SimMessage;
    if (message.role !== 'user') continue;
    const own = ownWordsOf(message.text);
    if (own !== '' || message.imageCount > 0) return { index, text: own };
  }
  const index = messages.map((message) => message.role).lastIndexOf('user');
  return { index, text: messages[index]?.text ?? '' };
}

export type FileTask = { kind: 'edit'; file: string; find: string; replace: string } | { kind: 'create'; file: string; content: string };

const QUOTED = `["'\`“]?([^"'\`”]+?)["'\`”]?`;
const FILE = '([\\w./~-]+\\.[A-Za-z0-9]+)';
const EDIT_PATTERNS = [
  new RegExp(`\\b(?:replace|change)\\s+${QUOTED}\\s+(?:with|to|by)\\s+${QUOTED}\\s+in\\s+(?:the\\s+file\\s+|file\\s+)?${FILE}`, 'i'),
  new RegExp(`\\bin\\s+(?:the\\s+file\\s+|file\\s+)?${FILE}\\s*,?\\s+(?:replace|change)\\s+${QUOTED}\\s+(?:with|to|by)\\s+${QUOTED}(?:[.!]?\\s*$|[.!]\\s)`, 'i'),
];
const CREATE_PATTERN = new RegExp(`\\b(?:create|write|make)\\s+(?:a\\s+)?(?:new\\s+)?file\\s+(?:called\\s+|named\\s+)?${FILE}\\s+(?:containing|with\\s+(?:the\\s+)?(?:text|content|contents))\\s*:?\\s*(.+?)\\s*$`, 'i');

/** Text without one pair of surrounding quotes. */
function unquoted(text: string): string {
  const match = /^(["'`“])([\s\S]*)(["'`”])$/.exec(text);
  return match ? (match[2] as string) : text.replace(/[.!]$/, '');
}

/** A small file task named in the request, if there is one. */
export function fileTaskOf(request: string): FileTask | undefined {
  const [first, second] = EDIT_PATTERNS;
  const edit = first?.exec(request);
  if (edit) return { kind: 'edit', find: edit[1] as string, replace: edit[2] as string, file: edit[3] as string };
  const inFirst = second?.exec(request);
  if (inFirst) return { kind: 'edit', file: inFirst[1] as string, find: inFirst[2] as string, replace: inFirst[3] as string };
  const create = CREATE_PATTERN.exec(request);
  if (create) return { kind: 'create', file: create[1] as string, content: unquoted((create[2] as string).replace(/(["'`”])[.!]$/, '$1')) };
  return undefined;
}

interface FileTools {
  read?: { tool: SimTool; path: string };
  edit?: { tool: SimTool; path: string; find: string; replace: string };
  write?: { tool: SimTool; path: string; content: string };
}

const PATH_KEYS = ['file_path', 'filePath', 'path', 'filename', 'file'];
const FIND_KEYS = ['old_string', 'oldString', 'old_str', 'old_text', 'search'];
const REPLACE_KEYS = ['new_string', 'newString', 'new_str', 'new_text', 'replace'];
const CONTENT_KEYS = ['content', 'contents', 'text', 'file_text'];

function propertiesOf(tool: SimTool): Record<string, unknown> {
  const properties = tool.parameters.properties;
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>) : {};
}

/** The agent's read, edit and write tools, recognised by their parameters. */
function fileToolsOf(tools: readonly SimTool[]): FileTools {
  const found: FileTools = {};
  for (const tool of tools) {
    const properties = propertiesOf(tool);
    const key = (keys: string[]): string | undefined => keys.find((name) => name in properties);
    const path = key(PATH_KEYS);
    if (!path) continue;
    const find = key(FIND_KEYS);
    const replace = key(REPLACE_KEYS);
    const content = key(CONTENT_KEYS);
    if (find && replace) found.edit ??= { tool, path, find, replace };
    else if (content) found.write ??= { tool, path, content };
    else if (/read|view|cat|open/i.test(tool.name)) found.read ??= { tool, path };
  }
  return found;
}

/** The working directory an agent states in its system prompt ("Working directory: /repo"). */
function workingDirectoryOf(messages: readonly SimMessage[]): string | undefined {
  for (const message of messages) {
    if (message.role !== 'system' && message.role !== 'user') continue;
    const match = /working directory:\s*(\/[^\s<]*)/i.exec(message.text) ?? /<cwd>\s*(\/[^\s<]*)\s*<\/cwd>/i.exec(message.text);
    if (match) return (match[1] as string).replace(/[.,;]+$/, '');
  }
  return undefined;
}

function absolute(file: string, directory: string | undefined): string {
  if (file.startsWith('/') || !directory) return file;
  return `${directory.replace(/\/+$/, '')}/${file.replace(/^\.\//, '')}`;
}

export type AgentStep = { kind: 'call'; tool: SimTool; arguments: Record<string, unknown> } | { kind: 'answer'; text: string };

/**
 * The next step of a file task: a tool call not yet made since the user's request, or, once
 * every step ran (or one failed), the closing answer. Undefined when the request is no file
 * task or the agent offers no tool that can do it.
 */
export function nextAgentStep(input: ChatInput, request: { index: number; text: string }): AgentStep | undefined {
  if (input.tools.length === 0 || input.toolChoice.mode === 'none') return undefined;
  const task = fileTaskOf(request.text);
  if (!task) return undefined;
  const tools = fileToolsOf(input.tools);
  const since = input.messages.slice(request.index + 1);
  const called = new Set(since.flatMap((message) => message.toolCalls.map((call) => call.name)));
  const failed = since.find((message) => message.role === 'tool' && /^(error\b|<tool_use_error>)/i.test(message.text.trim()));
  const path = absolute(task.file, workingDirectoryOf(input.messages));
  if (failed) return { kind: 'answer', text: `I could not finish: ${failed.text.replace(/<\/?tool_use_error>/g, '').replace(/^error:\s*/i, '').trim().slice(0, 300)}` };
  if (task.kind === 'create') {
    if (!tools.write) return undefined;
    if (!called.has(tools.write.tool.name)) return { kind: 'call', tool: tools.write.tool, arguments: { [tools.write.path]: path, [tools.write.content]: task.content } };
    return { kind: 'answer', text: `Created ${task.file} containing "${task.content}".` };
  }
  if (!tools.edit) return undefined;
  if (tools.read && !called.has(tools.read.tool.name) && !called.has(tools.edit.tool.name)) return { kind: 'call', tool: tools.read.tool, arguments: { [tools.read.path]: path } };
  if (!called.has(tools.edit.tool.name)) {
    return { kind: 'call', tool: tools.edit.tool, arguments: { [tools.edit.path]: path, [tools.edit.find]: task.find, [tools.edit.replace]: task.replace } };
  }
  return { kind: 'answer', text: `Replaced "${task.find}" with "${task.replace}" in ${task.file}.` };
}
