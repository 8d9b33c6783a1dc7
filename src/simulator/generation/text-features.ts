/** Small text helpers answers are built from: key words, entities, casing. */

const STOPWORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with from into onto about above below over under ' +
    'is are was were be been being am do does did done have has had having can could should would will shall may might must ' +
    'i me my we our you your he she it its they them their this that these those there here what which who whom whose ' +
    'when where why how all any both each few more most other some such no nor not only own same so than too very just ' +
    'please tell give write make explain describe show help want need like also using use used following text below ' +
    'answer question short brief sentence sentences word words one two three return output only provide list ' +
    // Instruction words: what the prompt asks for, not what it is about.
    'summarize summarise summary article passage paragraph document translate translation extract write function code ' +
    'compute calculate haiku poem story create generate implement script program something thing things get let ' +
    'python javascript typescript java rust golang sql'
  ).split(' '),
);

/**
 * Distinct content words of the text, in order of appearance; lowercased unless written
 * capitalised mid-sentence (a name).
 */
export function keywordsOf(text: string, limit = 6): string[] {
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const match of text.matchAll(/[\p{L}][\p{L}\p{N}'-]*/gu)) {
    const word = match[0].replace(/'s$/, '').replace(/-+$/, '');
    const lower = word.toLowerCase();
    if (lower.length < 3 || STOPWORDS.has(lower) || seen.has(lower)) continue;
    seen.add(lower);
    const before = text.slice(0, match.index).trimEnd();
    const startsSentence = before.length === 0 || /[.!?:\n]$/.test(before);
    keywords.push(startsSentence ? lower : word);
    if (keywords.length >= limit) break;
  }
  return keywords;
}

/** "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function camelCaseOf(words: readonly string[], fallback: string): string {
  const clean = words.map((word) => word.replace(/[^a-z0-9]/gi, '')).filter((word) => word.length > 0);
  if (clean.length === 0) return fallback;
  return clean.map((word, index) => (index === 0 ? word.toLowerCase() : capitalise(word.toLowerCase()))).join('');
}

export function snakeCaseOf(words: readonly string[], fallback: string): string {
  const clean = words.map((word) => word.replace(/[^a-z0-9]/gi, '').toLowerCase()).filter((word) => word.length > 0);
  return clean.length === 0 ? fallback : clean.join('_');
}

export function numbersIn(text: string): string[] {
  return [...text.matchAll(/(?<![\w.\-/:])\d+(?:[.,]\d+)*(?![\w\-/:]|[.,]\d)/g)].map((match) => match[0]);
}

export function emailsIn(text: string): string[] {
  return [...text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)].map((match) => match[0]);
}

export function urlsIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((match) => match[0].replace(/[.,;:]$/, ''));
}

export function datesIn(text: string): string[] {
  return [...text.matchAll(/\b\d{4}-\d{2}-\d{2}\b/g)].map((match) => match[0]);
}

/** Capitalised phrases that do not start a sentence: names, places, organisations. */
export function properNounsIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?<=[^.!?:\n]\s)(\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)*)/gu)) {
    const phrase = match[1] ?? '';
    if (!found.includes(phrase) && !STOPWORDS.has(phrase.toLowerCase())) found.push(phrase);
  }
  return found;
}

/** The place named after "in"/"for"/"at" (e.g. "weather in Paris" → "Paris"). */
export function placeIn(text: string): string | undefined {
  const match = /\b(?:in|for|at|near|to)\s+(\p{Lu}[\p{L}'-]+(?:[\s,]+\p{Lu}[\p{L}'-]+)*)/u.exec(text);
  return match?.[1]?.replace(/[\s,]+$/, '');
}

/** Text quoted in the prompt, or what follows the first colon. */
export function quotedOrAfterColon(text: string): string | undefined {
  const quoted = /["“«]([^"”»]{2,})["”»]/.exec(text);
  if (quoted?.[1]) return quoted[1].trim();
  const colon = text.indexOf(':');
  if (colon >= 0 && colon < text.length - 2) return text.slice(colon + 1).trim();
  return undefined;
}
