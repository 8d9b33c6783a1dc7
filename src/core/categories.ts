/** Task categories shared by the simulator's quality profiles, the router and evaluation. */
export const TASK_CATEGORIES = [
  'code',
  'math',
  'summarization',
  'extraction',
  'translation',
  'creative',
  'qa',
  'tool_use',
  'long_context',
  'vision',
] as const;

export type TaskCategory = (typeof TASK_CATEGORIES)[number];

export function isTaskCategory(value: string): value is TaskCategory {
  return (TASK_CATEGORIES as readonly string[]).includes(value);
}
