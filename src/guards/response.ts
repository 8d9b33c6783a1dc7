/**
 * The answer's side of the guard pipeline (see pipeline.ts): a non-streamed answer is
 * scanned whole; a streamed one goes through a hold-back StreamScanner per choice, so a key
 * or an address split across chunks is seen whole before any of it reaches the client. Then
 * block (502, or an error event that ends the stream), redact, or flag; and placeholders the
 * request phase put in are mapped back to the user's values (restore / RestoreStream).
 *
 * Tool-call arguments are checked and restored too: whole in a non-streamed answer; in a
 * stream each call's argument deltas are held until the call is complete (a client cannot run
 * a tool on half its arguments anyway) and then released as one delta.
 *
 * Not scanned: refusal text (it passes through as it comes), and streamed answers are not
 * checked against a JSON schema (only non-streamed ones are).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { ChatRequest, ChatResponse, StreamPart, ToolCall } from '../core/types.js';
import { RestoreStream, restore } from './redact.js';
import { StreamScanner } from './stream-scanner.js';
import { assertStillJson, guardBlocked, type GuardRun, type Judged } from './pipeline.js';
import type { GuardPhase, ResponsePlan } from './policy.js';
import type { Finding } from './types.js';

/** Judges findings of one text (offsets into `source`, which starts at `base` of the choice's text); records verdicts; throws when one blocks. */
function judge(run: GuardRun, plan: ResponsePlan, phase: GuardPhase, index: number, source: string, findings: readonly Finding[], base = 0, toolCall?: number): Judged[] {
  const judged: Judged[] = [];
  for (const finding of findings) {
    const action = plan.actionFor(finding);
    if (action) judged.push({ finding, action, index, restore: false, source, ...(toolCall !== undefined ? { toolCall } : {}) });
  }
  if (judged.length === 0) return judged;
  run.record(phase, judged, base);
  for (const { finding } of judged) if (finding.guard === 'pii' || finding.guard === 'secrets') run.sensitiveValue(finding, source.slice(finding.start, finding.end));
  const blocked = judged.find((entry) => entry.action === 'block');
  if (blocked) throw guardBlocked(phase, blocked.finding.guard, blocked.finding.rule);
  return judged;
}

/** One text of an answer (a choice's text, or one tool call's arguments) checked, redacted and restored. */
function checkText(run: GuardRun, phase: GuardPhase, index: number, text: string, toolCall?: number): string {
  const plan = run.response;
  let out = text;
  if (plan && plan.detectors.length > 0) {
    const findings: Finding[] = [];
    for (const detector of plan.detectors) for (const finding of detector.scan(text)) findings.push(finding);
    const redact = judge(run, plan, phase, index, text, findings, 0, toolCall).filter((entry) => entry.action === 'redact');
    if (redact.length > 0) {
      out = run.redactor.redact(text, redact.map((entry) => entry.finding));
      if (toolCall !== undefined) assertStillJson(text, out, `choices[${index}].message.tool_calls[${toolCall}].function.arguments`, phase);
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
    let toolCalls: ToolCall[] = choice.toolCalls;
    choice.toolCalls.forEach((call, callIndex) => {
      const checked = call.arguments ? checkText(run, 'response', choice.index, call.arguments, callIndex) : call.arguments;
      if (checked === call.arguments) return;
      if (toolCalls === choice.toolCalls) toolCalls = choice.toolCalls.slice();
      toolCalls[callIndex] = { ...call, arguments: checked };
    });
    if (text === choice.text && toolCalls === choice.toolCalls) return choice;
    changed = true;
    return { ...choice, text, toolCalls };
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
    if (choice.toolCalls.length > 0 && !choice.text) continue;
    let value: unknown;
    try {
      value = JSON.parse(choice.text ?? '');
    } catch {
      return 'the answer is not JSON';
    }
    if (!validate(value)) {
      const error = validate.errors?.[0];
      return error ? `${error.instancePath || '/'} fails ${error.keyword}` : 'the answer does not match the schema';
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- streams

/** Per choice: the hold-back scanner and the restorer of placeholders. */
interface ChoiceState {
  scanner: StreamScanner | undefined;
  /** Characters of this choice released so far (offset of the next release). */
  released: number;
  restorer: RestoreStream | undefined;
}

/** Phase 3: filters the parts of one streamed answer. */
export class StreamGuard {
  private readonly choices = new Map<number, ChoiceState>();
  /** Arguments of tool calls not yet complete, by choice; each call's deltas joined. */
  private readonly toolArguments = new Map<number, Map<number, string>>();

  constructor(private readonly run: GuardRun) {}

  /** The held tool calls of a choice, checked and released as one delta each (a 502 guardrail_violation on a block). */
  private releaseTools(index: number): StreamPart[] {
    const calls = this.toolArguments.get(index);
    if (!calls) return [];
    this.toolArguments.delete(index);
    const parts: StreamPart[] = [];
    for (const [toolIndex, text] of calls) parts.push({ type: 'tool-call-delta', index, toolIndex, argumentsDelta: checkText(this.run, 'stream', index, text, toolIndex) });
    return parts;
  }

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      const plan = this.run.response;
      state = {
        scanner: plan && plan.detectors.length > 0 ? new StreamScanner({ detectors: plan.detectors, holdBack: plan.holdBack }) : undefined,
        released: 0,
        restorer: this.run.restoreMap.size > 0 ? new RestoreStream(this.run.restoreMap) : undefined,
      };
      this.choices.set(index, state);
    }
    return state;
  }

  /** Text of a choice safe to send: scanned, redacted, restored. Throws a 502 guardrail_violation on a block. */
  private pass(index: number, state: ChoiceState, release: string, findings: readonly Finding[]): string {
    let text = release;
    if (state.scanner) {
      const start = state.released;
      state.released += release.length;
      const plan = this.run.response as ResponsePlan;
      // Findings carry offsets into the whole choice's text; the release starts at `start`.
      const local = findings.filter((finding) => finding.end > start).map((finding) => ({ ...finding, start: Math.max(0, finding.start - start), end: finding.end - start }));
      const redact = judge(this.run, plan, 'stream', index, release, local, start).filter((entry) => entry.action === 'redact');
      if (redact.length > 0) text = this.run.redactor.redact(release, redact.map((entry) => entry.finding));
    }
    return state.restorer ? state.restorer.push(text) : text;
  }

  /** Everything still held for a choice. */
  private drain(index: number, state: ChoiceState): string {
    let text = '';
    if (state.scanner) {
      const rest = state.scanner.end();
      text = this.pass(index, state, rest.release, rest.findings);
      state.scanner = undefined;
    } else if (state.restorer) text = state.restorer.push('');
    if (state.restorer) text += state.restorer.end();
    this.choices.delete(index);
    return text;
  }

  /** The parts to relay for one upstream part (none while text is held back). */
  filter(part: StreamPart): StreamPart[] {
    if (part.type === 'text-delta') {
      const state = this.state(part.index);
      const result = state.scanner ? state.scanner.push(part.text) : { release: part.text, findings: [] };
      const text = this.pass(part.index, state, result.release, result.findings);
      return text ? [{ ...part, text }] : [];
    }
    if (part.type === 'tool-call-delta') {
      let calls = this.toolArguments.get(part.index);
      if (!calls) this.toolArguments.set(part.index, (calls = new Map()));
      calls.set(part.toolIndex, (calls.get(part.toolIndex) ?? '') + part.argumentsDelta);
      return [];
    }
    if (part.type === 'finish' || part.type === 'tool-call-start') {
      const state = this.choices.get(part.index);
      const text = state ? this.drain(part.index, state) : '';
      const parts: StreamPart[] = text ? [{ type: 'text-delta', index: part.index, text }] : [];
      parts.push(...this.releaseTools(part.index), part);
      return parts;
    }
    return [part];
  }

  /** At the end of the stream: what is still held for choices that never finished. */
  end(): StreamPart[] {
    const parts: StreamPart[] = [];
    for (const [index, state] of [...this.choices]) {
      const text = this.drain(index, state);
      if (text) parts.push({ type: 'text-delta', index, text });
    }
    for (const index of [...this.toolArguments.keys()]) parts.push(...this.releaseTools(index));
    return parts;
  }

  /**
   * After a seam the backup continues from what the client has: text still held (by the
   * scanner, or an unfinished placeholder in the restorer) is dropped — the backup writes it again.
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
