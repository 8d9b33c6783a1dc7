/**
 * The final number of a free-text answer: "The answer is 1,234 apples." → 1234,
 * "$12.50" → 12.5, "x = -7" → -7. A GSM8K-style "#### 42", a \boxed{42}, or an
 * "answer is / answer: / final answer" marker wins over the last number in the text,
 * so "The answer is 42, which is 2 more than 40" gives 42.
 */

/** A number: sign, optional currency, thousands groups, decimals, exponent, percent. */
const NUMBER = /(?<![\p{L}\p{N}_])(?:(?<sign>[-−])\s?)?[$€£¥]?\s?(?<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:[eE](?<exponent>[-+]?\d+))?(?!\p{N})/gu;

const ANSWER_MARKER = /\b(?:final answer|answer|result|total)\s*(?:is|was|would be|will be|equals|[:=])\s*(?:approximately|about|roughly|exactly)?\s*/giu;

export interface NumberMatch {
  value: number;
  /** Where the number starts in the text. */
  index: number;
  text: string;
}

/** Every number in the text, in order. */
export function numbersIn(text: string): NumberMatch[] {
  const found: NumberMatch[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const groups = match.groups ?? {};
    const digits = (groups.digits ?? '').replace(/,/g, '');
    let value = Number(digits);
    if (groups.exponent) value *= 10 ** Number(groups.exponent);
    if (groups.sign) value = -value;
    if (Number.isFinite(value)) found.push({ value, index: match.index, text: match[0].trim() });
  }
  return found;
}

/** Markdown emphasis and LaTeX thin spaces get in the way of the patterns. */
function tidy(text: string): string {
  return text.replace(/\*\*|__|`/g, '').replace(/\\[,!;]/g, '').replace(/\\\$/g, '$');
}

/** The number a reasoning answer ends on, or undefined when there is none. */
export function extractFinalNumber(answer: string): number | undefined {
  const text = tidy(answer);
  const hashes = text.lastIndexOf('####');
  if (hashes >= 0) {
    const after = numbersIn(text.slice(hashes + 4))[0];
    if (after) return after.value;
  }
  const boxed = [...text.matchAll(/\\boxed\{([^{}]*)\}/g)].pop();
  if (boxed?.[1]) {
    const inside = numbersIn(boxed[1]).pop();
    if (inside) return inside.value;
  }
  const markers = [...text.matchAll(ANSWER_MARKER)].reverse();
  for (const marker of markers) {
    const value = markedNumber(text.slice(marker.index + marker[0].length));
    if (value !== undefined) return value;
  }
  return numbersIn(text).pop()?.value;
}

/**
 * The number right after an answer marker, up to the end of its clause; with a worked
 * step ("is 5 + 7 = 12") the number after the last "=" of the clause.
 */
function markedNumber(rest: string): number | undefined {
  const end = rest.search(/\.(?!\d)|[\n;!?]|,\s/);
  const clause = end >= 0 ? rest.slice(0, end) : rest;
  const equals = clause.lastIndexOf('=');
  const numbers = numbersIn(equals >= 0 ? clause.slice(equals + 1) : clause);
  const first = numbers[0];
  if (!first || first.index > 4) return undefined;
  return first.value;
}

export function numbersMatch(actual: number, expected: number, tolerance = 0, relative = false): boolean {
  const allowed = relative ? tolerance * Math.abs(expected) : tolerance;
  // Binary floating point: 0.1 + 0.2 should still equal 0.3.
  return Math.abs(actual - expected) <= allowed + 1e-9 * Math.max(1, Math.abs(expected));
}
