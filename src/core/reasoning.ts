import type { ChatRequest, Thinking } from './types.js';

/**
 * OpenAI's reasoning_effort as a budget of thinking tokens, for upstreams that take a budget
 * instead (Anthropic `thinking.budget_tokens`, whose minimum is 1024; Gemini `thinkingBudget`).
 */
export const EFFORT_BUDGETS: Record<'minimal' | 'low' | 'medium' | 'high', number> = { minimal: 1024, low: 2048, medium: 8192, high: 24_576 };

type Effort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

/**
 * A thinking budget (Anthropic `thinking`) as an OpenAI reasoning_effort: the smallest effort
 * whose budget covers it (high beyond), and `none` for thinking turned off.
 */
export function effortForThinking(thinking: Thinking): Effort {
  if (thinking.type === 'disabled') return 'none';
  for (const [effort, budget] of Object.entries(EFFORT_BUDGETS) as [Exclude<Effort, 'none'>, number][]) if (thinking.budgetTokens <= budget) return effort;
  return 'high';
}

/** The reasoning effort a request asks for: its own, or the one its thinking budget maps to. */
export function requestedEffort(request: ChatRequest): Effort | undefined {
  return request.reasoningEffort ?? (request.thinking ? effortForThinking(request.thinking) : undefined);
}
