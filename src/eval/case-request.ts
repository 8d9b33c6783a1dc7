/** The chat request a case becomes: the same body for the judged models and for pairwise references. */
import type { EvalCase } from './dataset.js';

/**
 * Each repetition sends its run index as `seed`, so repeated runs are distinct samples
 * (the simulator, like a seeded real model, is deterministic for a given seed) and a
 * resumed run asks exactly what the interrupted one would have.
 */
export function caseRequestBody(evalCase: EvalCase, model: string, runIndex: number): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: evalCase.messages, seed: runIndex };
  if (evalCase.maxTokens !== undefined) body.max_tokens = evalCase.maxTokens;
  if (evalCase.responseFormat !== undefined) body.response_format = evalCase.responseFormat;
  return body;
}
