/**
 * The Gemini generateContent and embedContent requests the simulator accepts, validated
 * minimally (unknown fields pass), and the conversion to the protocol-independent
 * ChatInput. A plain conversation converts to exactly the messages the OpenAI protocol
 * produces, so both get the same answer.
 */
import { z } from 'zod';
import type { ChatInput, JsonSchema, SimMessage, SimResponseFormat, SimTool, SimToolCall, SimToolChoice } from '../generation/chat-input.js';
import type { IssueDescriber } from './exchange.js';
import { toJsonSchema } from './gemini-schema.js';

const jsonObject = z.record(z.string(), z.unknown());

const part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  inlineData: z.looseObject({ mimeType: z.string().min(1), data: z.string() }).optional(),
  fileData: z.looseObject({ mimeType: z.string().optional(), fileUri: z.string().min(1) }).optional(),
  functionCall: z.looseObject({ name: z.string().min(1), args: jsonObject.optional(), id: z.string().optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string().min(1), response: jsonObject, id: z.string().optional() }).optional(),
});
type Part = z.infer<typeof part>;

const content = z.looseObject({
  role: z.enum(['user', 'model', 'function']).optional(),
  parts: z.array(part).min(1),
});
type Content = z.infer<typeof content>;

const functionDeclaration = z.looseObject({
  name: z.string().min(1).max(128),
  description: z.string().optional(),
  parameters: jsonObject.optional(),
  parametersJsonSchema: jsonObject.optional(),
});

/** Only functionDeclarations are simulated; other tool kinds (googleSearch, codeExecution) are refused. */
const tool = z.looseObject({ functionDeclarations: z.array(functionDeclaration).optional() });

const functionCallingConfig = z.looseObject({
  mode: z.enum(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']).optional(),
  allowedFunctionNames: z.array(z.string()).optional(),
});

const generationConfig = z.looseObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  stopSequences: z.array(z.string()).max(5).optional(),
  seed: z.number().int().optional(),
  responseMimeType: z.string().optional(),
  responseSchema: jsonObject.optional(),
  responseJsonSchema: jsonObject.optional(),
  candidateCount: z.number().int().positive().optional(),
});

export const generateContentRequest = z.looseObject({
  contents: z.array(content).min(1),
  systemInstruction: content.partial({ parts: true }).optional(),
  tools: z.array(tool).optional(),
  toolConfig: z.looseObject({ functionCallingConfig: functionCallingConfig.optional() }).optional(),
  generationConfig: generationConfig.optional(),
  safetySettings: z.array(z.looseObject({ category: z.string(), threshold: z.string() })).optional(),
});

export type GenerateContentRequest = z.infer<typeof generateContentRequest>;

const embedContent = z.looseObject({
  model: z.string().optional(),
  content,
  taskType: z.string().optional(),
  title: z.string().optional(),
  outputDimensionality: z.number().int().positive().optional(),
});

export const embedContentRequest = embedContent;
export type EmbedContentRequest = z.infer<typeof embedContentRequest>;

export const batchEmbedContentsRequest = z.looseObject({ requests: z.array(embedContent).min(1) });

/** Google's wording: "* GenerateContentRequest.contents: contents is not specified". */
export function issueDescriber(requestName: string): IssueDescriber {
  return (issue, missing) => {
    const path = issue.path.map(String).join('.');
    const field = String(issue.path[issue.path.length - 1] ?? 'body');
    if (missing || (issue.code === 'too_small' && issue.origin === 'array')) return `* ${requestName}.${path}: ${field} is not specified`;
    return `Invalid value at '${path}': ${issue.message}`;
  };
}

export function textOfParts(parts: readonly Part[]): string {
  return parts.flatMap((entry) => (typeof entry.text === 'string' && entry.thought !== true ? [entry.text] : [])).join('\n');
}

export function toChatInput(request: GenerateContentRequest): ChatInput {
  const messages: SimMessage[] = [];
  const system = textOfParts(request.systemInstruction?.parts ?? []);
  if (system.length > 0) messages.push(simMessage('system', system, 0, []));
  for (const entry of request.contents) messages.push(...toSimMessages(entry));
  const config = request.generationConfig ?? {};
  const calling = request.toolConfig?.functionCallingConfig;
  const declared = declaredTools(request);
  const allowed = calling?.mode === 'ANY' && calling.allowedFunctionNames?.length ? new Set(calling.allowedFunctionNames) : undefined;
  const tools = allowed ? declared.filter((entry) => allowed.has(entry.name)) : declared;
  const input: ChatInput = {
    messages,
    tools,
    toolChoice: toToolChoice(tools, calling),
    parallelToolCalls: true,
    responseFormat: toResponseFormat(config),
  };
  if (config.maxOutputTokens !== undefined) input.maxTokens = config.maxOutputTokens;
  if (config.seed !== undefined) input.seed = config.seed;
  if (config.stopSequences && config.stopSequences.length > 0) input.stopSequences = config.stopSequences;
  return input;
}

export function declaredTools(request: GenerateContentRequest): SimTool[] {
  return (request.tools ?? []).flatMap((entry) =>
    (entry.functionDeclarations ?? []).map((declaration) => ({
      name: declaration.name,
      description: declaration.description ?? '',
      parameters: (declaration.parametersJsonSchema as JsonSchema | undefined) ?? toJsonSchema(declaration.parameters ?? {}),
    })),
  );
}

/** Same key order as the OpenAI conversion: the seed hashes the serialised messages. */
function simMessage(role: SimMessage['role'], text: string, imageCount: number, toolCalls: SimToolCall[]): SimMessage {
  return { role, text, imageCount, toolCalls };
}

/** Calls without an id are paired with their responses by function name. */
function callId(name: string, id: string | undefined): string {
  return id ?? `call_${name}`;
}

function isImage(entry: Part): boolean {
  const mimeType = entry.inlineData?.mimeType ?? entry.fileData?.mimeType ?? '';
  return mimeType.startsWith('image/');
}

/** A user turn's functionResponse parts become tool messages ahead of its other parts. */
function toSimMessages(entry: Content): SimMessage[] {
  const text = textOfParts(entry.parts);
  const images = entry.parts.filter(isImage).length;
  if (entry.role === 'model') {
    const calls = entry.parts.flatMap((item) =>
      item.functionCall ? [{ id: callId(item.functionCall.name, item.functionCall.id), name: item.functionCall.name, arguments: JSON.stringify(item.functionCall.args ?? {}) }] : [],
    );
    return [simMessage('assistant', text, images, calls)];
  }
  const results = entry.parts.flatMap((item): SimMessage[] => {
    const result = item.functionResponse;
    if (!result) return [];
    return [{ ...simMessage('tool', JSON.stringify(result.response), 0, []), toolCallId: callId(result.name, result.id), name: result.name }];
  });
  const rest = entry.parts.filter((item) => !item.functionResponse);
  if (results.length > 0 && rest.length === 0) return results;
  return [...results, simMessage('user', text, images, [])];
}

function toToolChoice(tools: readonly SimTool[], calling: z.infer<typeof functionCallingConfig> | undefined): SimToolChoice {
  if (tools.length === 0 || calling?.mode === 'NONE') return { mode: 'none' };
  if (calling?.mode !== 'ANY') return { mode: 'auto' };
  const only = tools.length === 1 ? tools[0] : undefined;
  return only ? { mode: 'function', name: only.name } : { mode: 'required' };
}

function toResponseFormat(config: z.infer<typeof generationConfig>): SimResponseFormat {
  if (config.responseMimeType !== 'application/json') return { type: 'text' };
  const schema = (config.responseJsonSchema as JsonSchema | undefined) ?? (config.responseSchema ? toJsonSchema(config.responseSchema) : undefined);
  return schema ? { type: 'json_schema', name: 'response', schema } : { type: 'json_object' };
}
