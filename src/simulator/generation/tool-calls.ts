/**
 * Whether to answer with tool calls, which tools, and their arguments (built from each
 * tool's parameter schema, string arguments filled from the prompt where possible).
 */
import type { SeededRandom } from '../random.js';
import type { ChatInput, JsonSchema, SimTool, SimToolCall } from './chat-input.js';
import { valueForSchema, type ValueHint } from './json-values.js';
import { datesIn, emailsIn, keywordsOf, numbersIn, placeIn, properNounsIn, urlsIn } from './text-features.js';

const TRIGGER = /\b(use the|use your|using the|call the|call|look up|lookup|check the weather|search|find out|fetch|query|get the current|run the)\b/i;

/** The tools to call for this request, or an empty list to answer in text. */
export function chooseTools(input: ChatInput, lastUserText: string): SimTool[] {
  const last = input.messages[input.messages.length - 1];
  if (input.tools.length === 0 || input.toolChoice.mode === 'none' || last?.role === 'tool') return [];
  const choice = input.toolChoice;
  if (choice.mode === 'function') {
    const named = input.tools.find((tool) => tool.name === choice.name);
    return named ? [named] : [];
  }
  const mentioned = input.tools.filter((tool) => mentions(lastUserText, tool.name));
  if (mentioned.length > 0) return input.parallelToolCalls ? mentioned : mentioned.slice(0, 1);
  const best = bestMatch(input.tools, lastUserText);
  if (choice.mode === 'required' || TRIGGER.test(lastUserText) || best.score > 0) return [best.tool];
  return [];
}

export function buildToolCall(tool: SimTool, lastUserText: string, correct: boolean, random: SeededRandom): SimToolCall {
  const context = {
    root: tool.parameters,
    random,
    keywords: keywordsOf(lastUserText),
    ...(correct ? { hint: promptHint(lastUserText, tool) } : {}),
  };
  const schema: JsonSchema = Object.keys(tool.parameters).length > 0 ? tool.parameters : { type: 'object', properties: {} };
  const args = valueForSchema(schema, context, 'arguments');
  return { id: `call_${random.identifier(24)}`, name: tool.name, arguments: JSON.stringify(args) };
}

function mentions(text: string, toolName: string): boolean {
  const lower = text.toLowerCase();
  const spaced = nameWords(toolName).join(' ');
  return lower.includes(toolName.toLowerCase()) || (spaced.includes(' ') && lower.includes(spaced));
}

/** Verbs in tool names that say nothing about the topic. */
const GENERIC_NAME_PARTS = new Set(['get', 'set', 'list', 'fetch', 'create', 'update', 'delete', 'run', 'call', 'do', 'make', 'find', 'read', 'write', 'tool']);

/**
 * The tool whose name or description best overlaps the prompt. A topical name part
 * ("weather" in get_weather) counts 2, a shared description word 1; score 0 means no
 * tool fits (the first is returned for tool_choice "required").
 */
function bestMatch(tools: readonly SimTool[], text: string): { tool: SimTool; score: number } {
  const words = new Set(keywordsOf(text, 200).map((word) => word.toLowerCase()));
  let best = { tool: tools[0] as SimTool, score: 0 };
  for (const tool of tools) {
    const nameParts = nameWords(tool.name).filter((part) => part.length >= 3 && !GENERIC_NAME_PARTS.has(part));
    const descriptionWords = keywordsOf(tool.description, 50).map((word) => word.toLowerCase());
    const score = 2 * nameParts.filter((part) => words.has(part)).length + descriptionWords.filter((word) => words.has(word)).length;
    if (score >= 2 && score > best.score) best = { tool, score };
  }
  return best;
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .map((part) => part.toLowerCase())
    .filter((part) => part.length > 0);
}

/** Fills arguments from the prompt: places, queries, URLs, emails, dates, numbers, enum values. */
function promptHint(text: string, tool: SimTool): ValueHint {
  return (propertyName, schema) => {
    const name = propertyName.toLowerCase();
    if (Array.isArray(schema.enum)) return schema.enum.find((option) => typeof option === 'string' && text.toLowerCase().includes(option.toLowerCase()));
    const type = schema.type;
    if (type === 'integer' || type === 'number') {
      const number = numbersIn(text)[0];
      return number !== undefined && /count|limit|number|amount|quantity|max|size|top|^n$/.test(name) ? Number(number.replace(/,/g, '')) : undefined;
    }
    if (type !== undefined && type !== 'string') return undefined;
    if (/city|location|place|destination|town|where|region/.test(name)) return placeIn(text) ?? properNounsIn(text)[0];
    if (/url|link|website/.test(name)) return urlsIn(text)[0];
    if (/e-?mail/.test(name)) return emailsIn(text)[0];
    if (/date|day/.test(name)) return datesIn(text)[0];
    if (/^(q|query|search|term|terms|keywords?|question|prompt|text|input|topic)$/.test(name)) return queryFrom(text, tool.name);
    if (/name|person|company|title/.test(name)) return properNounsIn(text)[0];
    return undefined;
  };
}

function queryFrom(text: string, toolName: string): string {
  const stripped = text
    .replace(new RegExp(`\\b${toolName.replace(/[^\w]/g, '.')}\\b`, 'gi'), '')
    .replace(/^\s*(please\s+)?(can you\s+|could you\s+)?(use the\s+\w+\s+(tool\s+)?to\s+)?(search( for| the web for)?|look up|find( out)?|query)\s*/i, '')
    .replace(/[?.!]+\s*$/, '')
    .trim();
  return (stripped || text).slice(0, 120);
}
