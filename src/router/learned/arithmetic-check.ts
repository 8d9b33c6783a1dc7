/**
 * Re-does the arithmetic a model shows in its answer: calculator annotations
 * (`<<48/2=24>>`, the GSM8K convention) and inline steps (`(12 / 20) x 100 = 55%`). Each
 * step whose left side is a plain expression (numbers, + − × ÷ ^, parentheses) is evaluated
 * and compared with the number written after `=`, allowing for the rounding the writer
 * shows (and for percentages written either way).
 */

export interface StepCheck {
  /** Steps that could be evaluated. */
  checked: number;
  /** Of those, steps whose written result is wrong. */
  wrong: number;
  /** Calculator annotations seen, and how many were cut off (no closing `>>`). */
  annotations: number;
  unclosedAnnotations: number;
  /** Results written after `=`, in order (for consistency with the final answer). */
  results: number[];
}

/** 1,234.5 (commas only as thousands separators), 12, 0.5, .5 — sticky, read in place. */
const NUMBER_TEXT = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+/y;

/** Recursive descent over the characters, skipping spaces and `$`; × x X are times, ÷ divides, − subtracts. */
class ExpressionParser {
  private position = 0;

  constructor(private readonly text: string) {}

  /** The next significant character code (0 at the end). */
  private peek(): number {
    const text = this.text;
    while (this.position < text.length) {
      const code = text.charCodeAt(this.position);
      if (code !== 32 && code !== 36 && code !== 9) break;
      this.position++;
    }
    if (this.position >= text.length) return 0;
    const code = text.charCodeAt(this.position);
    if (code === 0xd7 || code === 120 || code === 88) return 42; // × x X
    if (code === 0xf7) return 47; // ÷
    if (code === 0x2212) return 45; // −
    return code;
  }

  evaluate(): number | undefined {
    const value = this.sum();
    return value !== undefined && this.peek() === 0 && Number.isFinite(value) ? value : undefined;
  }

  private primary(): number | undefined {
    const code = this.peek();
    if (code === 40) {
      this.position++;
      const value = this.sum();
      if (this.peek() !== 41) return undefined;
      this.position++;
      return value;
    }
    if (code === 45) {
      this.position++;
      const value = this.primary();
      return value === undefined ? undefined : -value;
    }
    NUMBER_TEXT.lastIndex = this.position;
    const match = NUMBER_TEXT.exec(this.text);
    if (!match) return undefined;
    this.position += match[0].length;
    let value = Number(match[0].replace(/,/g, ''));
    if (this.peek() === 37) {
      this.position++;
      value /= 100;
    }
    return value;
  }

  private power(): number | undefined {
    const base = this.primary();
    if (base === undefined || this.peek() !== 94) return base;
    this.position++;
    const exponent = this.power();
    return exponent === undefined ? undefined : base ** exponent;
  }

  private product(): number | undefined {
    let value = this.power();
    for (let operator = this.peek(); value !== undefined && (operator === 42 || operator === 47); operator = this.peek()) {
      this.position++;
      const right = this.power();
      if (right === undefined) return undefined;
      value = operator === 42 ? value * right : value / right;
    }
    return value;
  }

  private sum(): number | undefined {
    let value = this.product();
    for (let operator = this.peek(); value !== undefined && (operator === 43 || operator === 45); operator = this.peek()) {
      this.position++;
      const right = this.product();
      if (right === undefined) return undefined;
      value = operator === 43 ? value + right : value - right;
    }
    return value;
  }
}

/** Parses and evaluates + − × ÷ ^ and parentheses; undefined if it is not a plain expression. */
export function evaluateExpression(expression: string): number | undefined {
  return new ExpressionParser(expression).evaluate();
}

/** Whether `computed` matches the written `result`, given the decimals the writer kept. */
export function resultMatches(computed: number, written: string): boolean {
  const percent = written.endsWith('%');
  const body = written.replace(/[$%,\s]/g, '');
  const value = Number(body);
  if (!Number.isFinite(value)) return true;
  const decimals = body.includes('.') ? (body.split('.')[1] ?? '').length : 0;
  const close = (target: number): boolean => Math.abs(computed - target) <= Math.max(0.5 * 10 ** -decimals, 0.01 * Math.abs(target)) + 1e-9;
  return close(value) || (percent && close(value / 100));
}

const ANNOTATION = /<<([^<>=]*)=([^<>]*)>>/g;
const WRITTEN_RESULT = /^\s*\$?\s*(-?\d[\d,]*(?:\.\d+)?%?)/;
/** Characters an arithmetic expression is made of: digits . , $ % + - * / × ÷ ^ ( ) − and spaces (not newlines). */
function isExpressionChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 36 && code <= 47 && code !== 38 && code !== 39) || code === 32 || code === 9 || code === 94 || code === 0xd7 || code === 0xf7 || code === 0x2212;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

/** "x" as a times sign: a lone x, not part of a word. */
function isTimesX(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return (code === 120 || code === 88) && !isAsciiLetter(text.charCodeAt(index - 1)) && !isAsciiLetter(text.charCodeAt(index + 1));
}

/** The arithmetic expression just before `=` at `index`, or undefined. */
function expressionBefore(text: string, index: number): string | undefined {
  let start = index;
  while (start > 0 && (isExpressionChar(text.charCodeAt(start - 1)) || isTimesX(text, start - 1))) start--;
  // A comma or full stop followed by a space ends a clause, not a number.
  const clause = text.slice(start, index).split(/[,.]\s/).pop() ?? '';
  const expression = clause.replace(/^[\s,.+*/×÷^)]+/, '').replace(/^-\s+/, '').trim();
  const numbers = expression.match(/\d[\d,]*(?:\.\d+)?/g) ?? [];
  return numbers.length >= 2 && /[+\-*/×÷^xX−]/.test(expression.replace(/^-/, '')) ? expression : undefined;
}

/** The written result just after `=` at `index`: a number, or an expression up to the next `=`. */
function resultAfter(text: string, index: number): { value: number; written: string; continued?: number } | undefined {
  let end = index + 1;
  while (end < text.length && end < index + 80 && (isExpressionChar(text.charCodeAt(end)) || isTimesX(text, end))) end++;
  const clause = (text.slice(index + 1, end).split(/[,.](?:\s|$)/)[0] ?? '').trim();
  const written = WRITTEN_RESULT.exec(clause)?.[1];
  if (written === undefined) return undefined;
  if (clause.replace(/^\$?\s*/, '') === written) {
    const value = Number(written.replace(/[%,]/g, ''));
    return Number.isFinite(value) ? { value, written } : undefined;
  }
  // "= 22 + 48 = 70": the right side is itself an expression; "= $10800 - $5200" goes on
  // from the result just written (the writer means "10800, minus 5200").
  const value = evaluateExpression(clause);
  return value === undefined ? undefined : { value, written: String(value), continued: Number(written.replace(/[%,]/g, '')) };
}

export function checkArithmetic(answer: string): StepCheck {
  const check: StepCheck = { checked: 0, wrong: 0, annotations: 0, unclosedAnnotations: 0, results: [] };
  // Markdown escapes ("12 \\* 3") are still multiplication.
  const text = answer.replace(/\\([*_])/g, '$1');
  const record = (expression: string, written: string, value: number): void => {
    const computed = evaluateExpression(expression);
    if (computed === undefined) return;
    check.checked++;
    if (!resultMatches(computed, written)) check.wrong++;
    check.results.push(value);
  };
  ANNOTATION.lastIndex = 0;
  for (let match = ANNOTATION.exec(text); match !== null; match = ANNOTATION.exec(text)) {
    check.annotations++;
    const written = WRITTEN_RESULT.exec(match[2] ?? '')?.[1];
    const value = Number(written?.replace(/[%,]/g, ''));
    if (written !== undefined && Number.isFinite(value)) record(match[1] ?? '', written, value);
  }
  const opened = text.split('<<').length - 1;
  check.unclosedAnnotations = Math.max(0, opened - check.annotations);
  const plain = text.replace(/<<[^<>]*>>/g, '');
  for (let index = plain.indexOf('='); index !== -1; index = plain.indexOf('=', index + 1)) {
    const expression = expressionBefore(plain, index);
    if (expression === undefined) continue;
    const result = resultAfter(plain, index);
    if (!result) continue;
    const computed = evaluateExpression(expression);
    if (result.continued !== undefined && computed !== undefined && resultMatches(computed, String(result.continued))) continue;
    record(expression, result.written, result.value);
  }
  return check;
}
