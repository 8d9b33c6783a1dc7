/**
 * OpenAI's reasoning_effort as a budget of thinking tokens, for upstreams that take a budget
 * instead (Anthropic `thinking.budget_tokens`, whose minimum is 1024; Gemini `thinkingBudget`).
 */
export const EFFORT_BUDGETS: Record<'minimal' | 'low' | 'medium' | 'high', number> = { minimal: 1024, low: 2048, medium: 8192, high: 24_576 };
