/** Finds and evaluates arithmetic in a prompt ("What is 17 * 23?", "Compute 12+30"). */
import type { SeededRandom } from '../random.js';

export interface ArithmeticProblem {
  /** The expression as it will be echoed, e.g. "17 * 23". */
  expression: string;
  value: number;
}

const WORD_OPERATORS: Array<[RegExp, string]> = [
  [/\bmultiplied by\b/g, '*'],
  [/\btimes\b/g, '*'],
  [/\bdivided by\b/g, '/'],
  [/\bplus\b/g, '+'],
  [/\bminus\b/g, '-'],
  [/\bto the power of\b/g, '^'],
  [/\bsquared\b/g, '^2'],
  [/\bcubed\b/g, '^3'],
  [/[×✕]/g, '*'],
  [/÷/g, '/'],
  [/\*\*/g, '^'],
];

export function findArithmetic(text: string): ArithmeticProblem | undefined {
  let normalised = text.toLowerCase().replace(/(\d),(\d{3})\b/g, '$1$2');
  for (const [pattern, operator] of WORD_OPERATORS) normalised = normalised.replace(pattern, ` ${operator} `);
  normalised = normalised.replace(/(\d)\s*x\s*(?=[\d(])/g, '$1 * ');
  let best: ArithmeticProblem | undefined;
  for (const match of normalised.matchAll(/[(-]*\d[\d\s.+\-*/^()]*/g)) {
    const candidate = match[0].trim().replace(/[\s.+\-*/^(]+$/, '');
    if (!/\d\s*\)*\s*[+\-*/^]\s*\(*\s*-?\s*\d/.test(candidate)) continue;
    const value = evaluate(candidate);
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!best || candidate.length > best.expression.length) best = { expression: tidy(candidate), value };
  }
  return best;
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number.parseFloat(value.toFixed(6)));
}

/** A plausible mistake: off by one or ten, a slip of 10 %, never the right answer. */
export function wrongValue(value: number, random: SeededRandom): number {
  const integer = Number.isInteger(value);
  const mistakes = integer
    ? [value + 1, value - 1, value + 10, value - 10, Math.round(value * 1.1) || value + 2, value + 2]
    : [value + 0.5, value - 0.25, value * 1.1, Math.round(value)];
  const options = mistakes.filter((candidate) => formatNumber(candidate) !== formatNumber(value));
  return options.length > 0 ? random.pick(options) : value + 1;
}

function tidy(expression: string): string {
  return expression
    .replace(/\s+/g, '')
    .replace(/([+*/^]|(?<=[\d)])-)/g, ' $1 ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .trim();
}

/** Recursive descent over + - * / ^ and parentheses; undefined when it does not parse. */
function evaluate(expression: string): number | undefined {
  const tokens = expression.match(/\d+(?:\.\d+)?|[+\-*/^()]/g) ?? [];
  if (tokens.join('') !== expression.replace(/\s+/g, '')) return undefined;
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (): string | undefined => tokens[position++];

  function sum(): number | undefined {
    let left = product();
    while (left !== undefined && (peek() === '+' || peek() === '-')) {
      const operator = take();
      const right = product();
      if (right === undefined) return undefined;
      left = operator === '+' ? left + right : left - right;
    }
    return left;
  }
  function product(): number | undefined {
    let left = power();
    while (left !== undefined && (peek() === '*' || peek() === '/')) {
      const operator = take();
      const right = power();
      if (right === undefined || (operator === '/' && right === 0)) return undefined;
      left = operator === '*' ? left * right : left / right;
    }
    return left;
  }
  function power(): number | undefined {
    const base = unary();
    if (base === undefined || peek() !== '^') return base;
    take();
    const exponent = power();
    return exponent === undefined ? undefined : base ** exponent;
  }
  function unary(): number | undefined {
    if (peek() === '-') {
      take();
      const operand = unary();
      return operand === undefined ? undefined : -operand;
    }
    return primary();
  }
  function primary(): number | undefined {
    const token = take();
    if (token === '(') {
      const inner = sum();
      return take() === ')' ? inner : undefined;
    }
    if (token !== undefined && /^\d/.test(token)) return Number(token);
    return undefined;
  }

  const value = sum();
  return position === tokens.length ? value : undefined;
}
