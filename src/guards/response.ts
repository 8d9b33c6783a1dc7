/**
 * The answer's side of the guard pipeline (see pipeline.ts): a non-streamed answer is
 * scanned whole; a streamed one goes through a hold-back StreamScanner per choice, so a key
 * or an address split across chunks is seen whole before any of it reaches the client. Then
 * block (502, or an error event that ends the stream), redact, or flag; and placeholders the
 * request phase put in are mapped back to the user's values (restore / RestoreStream).
 *
 * Refusal text (OpenAI `message.refusal`, streamed `refusal-delta` parts) gets the same checks
 * as the content, on its own: in a stream it has its own hold-back scanner per choice.
 *
 * Tool-call arguments are checked and restored too: whole in a non-streamed answer; in a
 * stream each call's argument deltas are held until the call is complete (a client cannot run
 * a tool on half its arguments anyway) and then released as one delta.
 *
 * Answers to json_schema requests are validated (ajv): a non-streamed one before it is sent
 * (chat.ts may retry it); a streamed choice when its finish part arrives (or the stream ends),
 * on the text the client received — too late to retry, so an invalid one ends the stream with
 * an error event like any other block.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { ChatRequest, ChatResponse, StreamPart, ToolCall } from '../core/types.js';
import { RestoreStream, restore } from './redact.js';
import { StreamScanner } from './stream-scanner.js';
import { assertStillJson, guardBlocked, type GuardRun, type Judged } from './pipeline.js';
import type { GuardPhase, ResponsePlan } from './policy.js';
import type { Finding } from './types.js';

/** Where a text of a choice sits: its content (neither set), its refusal, or one tool call's arguments. */
interface AnswerSlot {
  toolCall?: number;
  refusal?: boolean;
}

const CONTENT: AnswerSlot = {};
const REFUSAL: AnswerSlot = { refusal: true };

/** Judges findings of one text (offsets into `source`, which starts at `base` of the slot's text); records verdicts; throws when one blocks. */
function judge(run: GuardRun, plan: ResponsePlan, phase: GuardPhase, index: number, source: string, findings: readonly Finding[], base = 0, slot: AnswerSlot = CONTENT): Judged[] {
  const judged: Judged[] = [];
  for (const finding of findings) {
    const action = plan.actionFor(finding);
    if (action) judged.push({ finding, action, index, restore: false, source, ...(slot.toolCall !== undefined ? { toolCall: slot.toolCall } : {}), ...(slot.refusal ? { refusal: true } : {}) });
  }
  if (judged.length === 0) return judged;
  run.record(phase, judged, base);
  for (const { finding } of judged) if (finding.guard === 'pii' || finding.guard === 'secrets') run.sensitiveValue(finding, source.slice(finding.start, finding.end));
  const blocked = judged.find((entry) => entry.action === 'block');
  if (blocked) throw guardBlocked(phase, blocked.finding.guard, blocked.finding.rule);
  return judged;
}

/** One text of an answer (a choice's content or refusal, or one tool call's arguments) checked, redacted and restored. */
function checkText(run: GuardRun, phase: GuardPhase, index: number, text: string, slot: AnswerSlot = CONTENT): string {
  const plan = run.response;
  let out = text;
  if (plan && plan.detectors.length > 0) {
    const findings: Finding[] = [];
    for (const detector of plan.detectors) for (const finding of detector.scan(text)) findings.push(finding);
    const redact = judge(run, plan, phase, index, text, findings, 0, slot).filter((entry) => entry.action === 'redact');
    if (redact.length > 0) {
      out = run.redactor.redact(text, redact.map((entry) => entry.finding));
      if (slot.toolCall !== undefined) assertStillJson(text, out, `choices[${index}].message.tool_calls[${slot.toolCall}].function.arguments`, phase);
    }
  }
  return restore(out, run.restoreMap);
}

/** Phase 2: a non-streamed answer, checked, redacted and restored (a copy when anything changed). */
export function checkAnswer(run: GuardRun, response: ChatResponse): ChatResponse {
  if (!run.response && run.restoreMap.size === 0) return response;
  let changed = false;
  const choices = response.choices.map((choice) => {
    const text = choice.text === null || choice.text === '' ? choice.text : checkText(run, 'response', choice.index, choice.text);
    const refusal = choice.refusal ? checkText(run, 'response', choice.index, choice.refusal, REFUSAL) : choice.refusal;
    let toolCalls: ToolCall[] = choice.toolCalls;
    choice.toolCalls.forEach((call, callIndex) => {
      const checked = call.arguments ? checkText(run, 'response', choice.index, call.arguments, { toolCall: callIndex }) : call.arguments;
      if (checked === call.arguments) return;
      if (toolCalls === choice.toolCalls) toolCalls = choice.toolCalls.slice();
      toolCalls[callIndex] = { ...call, arguments: checked };
    });
    if (text === choice.text && refusal === choice.refusal && toolCalls === choice.toolCalls) return choice;
    changed = true;
    return { ...choice, text, refusal, toolCalls };
  });
  return changed ? { ...response, choices } : response;
}

// ---------------------------------------------------------------- JSON schema

const MAX_COMPILED = 256;
const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
/** Compiled validators by schema text; bounded (oldest dropped first). */
const compiled = new Map<string, ValidateFunction | null>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction | null {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate === undefined) {
    try {
      validate = ajv.compile(schema);
    } catch {
      validate = null;
    }
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, validate);
  }
  return validate;
}

/** One choice's answer as a json_schema check sees it. */
interface SchemaAnswer {
  text: string | null;
  /** The choice answered with tool calls. */
  toolCalls: boolean;
  /** The choice carries refusal text. */
  refusal: boolean;
}

/**
 * Why one choice's answer fails the schema, or undefined when it passes. A choice with no text
 * that answered with tool calls or a refusal is not checked: as with OpenAI's structured
 * outputs, a refusal stands in for the schema's object rather than breaking it.
 */
function choiceProblem(validate: ValidateFunction, answer: SchemaAnswer): string | undefined {
  if ((answer.toolCalls || answer.refusal) && !answer.text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(answer.text ?? '');
  } catch {
    return 'the answer is not JSON';
  }
  if (validate(value)) return undefined;
  const error = validate.errors?.[0];
  return error ? `${error.instancePath || '/'} fails ${error.keyword}` : 'the answer does not match the schema';
}

/**
 * Whether every choice of a non-streamed answer to a json_schema request is JSON matching the
 * schema: undefined when it is (or when there is nothing to check), else why not (a JSON
 * pointer and the failed keyword, never the answer's text).
 */
export function jsonSchemaProblem(request: ChatRequest, response: ChatResponse): string | undefined {
  const format = request.responseFormat;
  if (format?.type !== 'json_schema') return undefined;
  const validate = validatorFor(format.schema);
  if (!validate) return 'the schema could not be compiled';
  for (const choice of response.choices) {
    const problem = choiceProblem(validate, { text: choice.text, toolCalls: choice.toolCalls.length > 0, refusal: Boolean(choice.refusal) });
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The json_schema check of a streamed answer: collects what each choice sent the client and
 * validates a choice when it is complete. Kept across seams: a backup continues the text the
 * client already has.
 */
class StreamSchemaCheck {
  private readonly answers = new Map<number, SchemaAnswer>();
  private readonly validate: ValidateFunction | null;

  constructor(
    private readonly run: GuardRun,
    schema: Record<string, unknown>,
  ) {
    this.validate = validatorFor(schema);
  }

  private answer(index: number): SchemaAnswer {
    let answer = this.answers.get(index);
    if (!answer) this.answers.set(index, (answer = { text: '', toolCalls: false, refusal: false }));
    return answer;
  }

  /** Takes one part on its way to the client; at a choice's finish, throws a 502 guardrail_violation when its answer fails the schema. */
  take(part: StreamPart): void {
    if (part.type === 'text-delta') this.answer(part.index).text += part.text;
    else if (part.type === 'refusal-delta') this.answer(part.index).refusal = true;
    else if (part.type === 'tool-call-start') this.answer(part.index).toolCalls = true;
    else if (part.type === 'finish') this.check(part.index);
  }

  /** At the end of the stream: the choices that never sent a finish part. */
  end(): void {
    for (const index of [...this.answers.keys()]) this.check(index);
  }

  private check(index: number): void {
    const answer = this.answer(index);
    this.answers.delete(index);
    const problem = this.validate ? choiceProblem(this.validate, answer) : 'the schema could not be compiled';
    if (!problem) return;
    // Text was already sent, so a retry cannot replace it: on a stream the check always blocks.
    this.run.note({ guard: 'json_schema', type: 'invalid', rule: 'json_schema', score: 1, phase: 'stream', action: 'block', spans: [] });
    throw guardBlocked('stream', 'json_schema', 'json_schema', { detail: problem });
  }
}

// ---------------------------------------------------------------- streams

type Channel = 'text-delta' | 'refusal-delta';

/** Per choice and channel (content or refusal): the hold-back scanner and the restorer of placeholders. */
interface ChoiceState {
  index: number;
  channel: Channel;
  scanner: StreamScanner | undefined;
  /** Characters of this channel released so far (offset of the next release). */
  released: number;
  restorer: RestoreStream | undefined;
}

/** Phase 3: filters the parts of one streamed answer. */
export class StreamGuard {
  /** By `${channel}:${index}`: a choice's content and its refusal are scanned as separate texts. */
  private readonly choices = new Map<string, ChoiceState>();
  /** Arguments of tool calls not yet complete, by choice; each call's deltas joined. */
  private readonly toolArguments = new Map<number, Map<number, string>>();
  private readonly schemaCheck: StreamSchemaCheck | undefined;

  /** `request`: its response_format json_schema is checked when a policy asks for it. */
  constructor(
    private readonly run: GuardRun,
    request?: ChatRequest,
  ) {
    const format = request?.responseFormat;
    this.schemaCheck = run.response?.jsonSchema && format?.type === 'json_schema' ? new StreamSchemaCheck(run, format.schema) : undefined;
  }

  /** The held tool calls of a choice, checked and released as one delta each (a 502 guardrail_violation on a block). */
  private releaseTools(index: number): StreamPart[] {
    const calls = this.toolArguments.get(index);
    if (!calls) return [];
    this.toolArguments.delete(index);
    const parts: StreamPart[] = [];
    for (const [toolIndex, text] of calls) parts.push({ type: 'tool-call-delta', index, toolIndex, argumentsDelta: checkText(this.run, 'stream', index, text, { toolCall: toolIndex }) });
    return parts;
  }

  private state(index: number, channel: Channel): ChoiceState {
    const key = `${channel}:${index}`;
    let state = this.choices.get(key);
    if (!state) {
      const plan = this.run.response;
      state = {
        index,
        channel,
        scanner: plan && plan.detectors.length > 0 ? new StreamScanner({ detectors: plan.detectors, holdBack: plan.holdBack }) : undefined,
        released: 0,
        restorer: this.run.restoreMap.size > 0 ? new RestoreStream(this.run.restoreMap) : undefined,
      };
      this.choices.set(key, state);
    }
    return state;
  }

  /** Text of a channel safe to send: scanned, redacted, restored. Throws a 502 guardrail_violation on a block. */
  private pass(state: ChoiceState, release: string, findings: readonly Finding[]): string {
    let text = release;
    if (state.scanner) {
      const start = state.released;
      state.released += release.length;
      const plan = this.run.response as ResponsePlan;
      // Findings carry offsets into the channel's whole text; the release starts at `start`.
      const local = findings.filter((finding) => finding.end > start).map((finding) => ({ ...finding, start: Math.max(0, finding.start - start), end: finding.end - start }));
      const slot = state.channel === 'refusal-delta' ? REFUSAL : CONTENT;
      const redact = judge(this.run, plan, 'stream', state.index, release, local, start, slot).filter((entry) => entry.action === 'redact');
      if (redact.length > 0) text = this.run.redactor.redact(release, redact.map((entry) => entry.finding));
    }
    return state.restorer ? state.restorer.push(text) : text;
  }

  /** Everything still held for a channel of a choice, as a part (none when nothing was held). */
  private drain(state: ChoiceState): StreamPart[] {
    let text = '';
    if (state.scanner) {
      const rest = state.scanner.end();
      text = this.pass(state, rest.release, rest.findings);
      state.scanner = undefined;
    } else if (state.restorer) text = state.restorer.push('');
    if (state.restorer) text += state.restorer.end();
    this.choices.delete(`${state.channel}:${state.index}`);
    return text ? [{ type: state.channel, index: state.index, text }] : [];
  }

  /** The parts to relay for one upstream part (none while text is held back). */
  filter(part: StreamPart): StreamPart[] {
    const parts = this.guard(part);
    if (this.schemaCheck) for (const each of parts) this.schemaCheck.take(each);
    return parts;
  }

  private guard(part: StreamPart): StreamPart[] {
    if (part.type === 'text-delta' || part.type === 'refusal-delta') {
      const state = this.state(part.index, part.type);
      const result = state.scanner ? state.scanner.push(part.text) : { release: part.text, findings: [] };
      const text = this.pass(state, result.release, result.findings);
      return text ? [{ ...part, text }] : [];
    }
    if (part.type === 'tool-call-delta') {
      let calls = this.toolArguments.get(part.index);
      if (!calls) this.toolArguments.set(part.index, (calls = new Map()));
      calls.set(part.toolIndex, (calls.get(part.toolIndex) ?? '') + part.argumentsDelta);
      return [];
    }
    if (part.type === 'finish' || part.type === 'tool-call-start') {
      const parts: StreamPart[] = [];
      for (const channel of ['text-delta', 'refusal-delta'] as const) {
        const state = this.choices.get(`${channel}:${part.index}`);
        if (state) parts.push(...this.drain(state));
      }
      parts.push(...this.releaseTools(part.index), part);
      return parts;
    }
    return [part];
  }

  /** At the end of the stream: what is still held for choices that never finished (and their json_schema check). */
  end(): StreamPart[] {
    const parts: StreamPart[] = [];
    for (const state of [...this.choices.values()]) parts.push(...this.drain(state));
    for (const index of [...this.toolArguments.keys()]) parts.push(...this.releaseTools(index));
    if (this.schemaCheck) {
      for (const part of parts) this.schemaCheck.take(part);
      this.schemaCheck.end();
    }
    return parts;
  }

  /**
   * After a seam the backup continues from what the client has: text still held (by the
   * scanner, or an unfinished placeholder in the restorer) is dropped — the backup writes it
   * again. What the json_schema check collected is kept: it is what the client has.
   */
  reset(): void {
    this.choices.clear();
    this.toolArguments.clear();
  }

  /** The client's text with restored values turned back into placeholders: what a backup model may see. */
  unrestore(text: string): string {
    let out = text;
    for (const [placeholder, value] of this.run.restoreMap) out = out.split(value).join(placeholder);
    return out;
  }
}
