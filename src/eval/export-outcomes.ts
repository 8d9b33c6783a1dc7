/**
 * `eval export-outcomes`: one line per case, {"id", "category", "prompt", "outcomes":
 * {"<model>": 0 | 1}}, the format of the learned router's training data
 * (data/routing/*.jsonl). A model's outcome is the majority over its runs (a tie is 0);
 * failed calls count as wrong, undecided results are left out, routes are not models.
 */
import { promptText } from './dataset.js';
import type { ResultRow, StoredRun } from './store.js';

export interface OutcomeLine {
  id: string;
  category: string;
  prompt: string;
  outcomes: Record<string, 0 | 1>;
}

export function outcomeLines(run: StoredRun, rows: readonly ResultRow[]): OutcomeLine[] {
  const models = run.targets.filter((target) => target.kind === 'model').map((target) => target.name);
  const byCaseAndModel = new Map<string, ResultRow[]>();
  for (const row of rows) {
    if (row.scoreStatus === 'unscorable') continue;
    const key = JSON.stringify([row.caseId, row.target]);
    const group = byCaseAndModel.get(key);
    if (group) group.push(row);
    else byCaseAndModel.set(key, [row]);
  }
  const lines: OutcomeLine[] = [];
  for (const evalCase of run.cases) {
    const outcomes: Record<string, 0 | 1> = {};
    for (const model of models) {
      const votes = byCaseAndModel.get(JSON.stringify([evalCase.id, model])) ?? [];
      if (votes.length === 0) continue;
      const correct = votes.filter((row) => row.correct).length;
      outcomes[model] = correct * 2 > votes.length ? 1 : 0;
    }
    if (Object.keys(outcomes).length > 0) lines.push({ id: evalCase.id, category: evalCase.category, prompt: promptText(evalCase), outcomes });
  }
  return lines;
}

export function toJsonl(lines: readonly OutcomeLine[]): string {
  return lines.map((line) => JSON.stringify(line)).join('\n') + (lines.length > 0 ? '\n' : '');
}
