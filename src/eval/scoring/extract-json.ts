/**
 * JSON inside a model's answer: the whole text, a ``` / ```json fenced block, or a
 * balanced {...} / [...] span inside prose. Candidates come in that order of preference.
 */

const MAX_SPANS = 64;

export function jsonCandidates(answer: string): unknown[] {
  const found: unknown[] = [];
  const seen = new Set<string>();
  const attempt = (text: string): void => {
    const trimmed = text.trim();
    if (trimmed === '' || seen.has(trimmed)) return;
    seen.add(trimmed);
    try {
      found.push(JSON.parse(trimmed));
    } catch {
      // Not JSON; other candidates may be.
    }
  };
  attempt(answer);
  for (const fence of answer.matchAll(/```[\w-]*[ \t]*\r?\n?([\s\S]*?)```/g)) attempt(fence[1] ?? '');
  let spans = 0;
  for (let index = 0; index < answer.length && spans < MAX_SPANS; index++) {
    const character = answer[index];
    if (character !== '{' && character !== '[') continue;
    const end = balancedEnd(answer, index);
    if (end === undefined) continue;
    spans++;
    attempt(answer.slice(index, end + 1));
  }
  return found;
}

/** Index of the bracket closing the one at `start`, skipping brackets inside strings. */
function balancedEnd(text: string, start: number): number | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === '{') stack.push('}');
    else if (character === '[') stack.push(']');
    else if (character === '}' || character === ']') {
      if (stack.pop() !== character) return undefined;
      if (stack.length === 0) return index;
    }
  }
  return undefined;
}
