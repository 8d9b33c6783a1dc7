/**
 * The check a semantic hit must pass besides similarity: two questions a similarity score
 * finds close but that ask different things. Rejected when they differ in
 *   numbers      17 × 23 vs 17 × 24, "seven" vs "7" agree; also the arithmetic operators;
 *   dates        month and weekday names (years are numbers);
 *   units        kg vs lb, km vs miles, dollars vs euros;
 *   names        capitalised words, acronyms and CamelCase ("France" vs "Germany"): each side's
 *                must appear in the other (by stem, so "Simulate" / "Simulation" agree);
 *   negation     one side negates and the other does not;
 *   language     a target language named ("in French" vs "in Spanish"), or a different script;
 *   code         code spans and identifiers (`load_dataset`, foo.bar(), snake_case) must agree.
 * Returns the reason for a rejection, or undefined when the pair may be a hit.
 */
import { stem, tokens } from './local-embedder.js';
import { STOP_WORDS } from './lexicon.js';

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18', nineteen: '19',
  twenty: '20', thirty: '30', forty: '40', fifty: '50', sixty: '60', seventy: '70', eighty: '80', ninety: '90', hundred: '100', thousand: '1000',
  million: '1000000', billion: '1000000000', half: '0.5', dozen: '12', first: '1', second: '2', third: '3', fourth: '4', fifth: '5', once: '1', twice: '2', double: '2', triple: '3',
};

const OPERATOR_WORDS: Record<string, string> = { plus: '+', minus: '-', times: '×', multiplied: '×', divided: '÷', over: '÷', squared: '^2', cubed: '^3', percent: '%', sum: '+', product: '×', difference: '-', quotient: '÷' };

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DATE_WORDS = new Set([...MONTHS, ...MONTHS.map((month) => month.slice(0, 3)), 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'today', 'tomorrow', 'yesterday', 'tonight', 'weekend', 'morning', 'evening', 'afternoon', 'night', 'spring', 'summer', 'autumn', 'fall', 'winter']);
// "may" and "march" are also verbs: they count only when capitalised.
const AMBIGUOUS_DATES = new Set(['may', 'march', 'fall', 'sat', 'sun', 'jan', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']);

const UNIT_GROUPS: Record<string, string> = {};
for (const [unit, words] of Object.entries({
  kg: 'kg kilogram kilograms kilo kilos', g: 'g gram grams', lb: 'lb lbs pound pounds', oz: 'oz ounce ounces', km: 'km kilometer kilometers kilometre kilometres',
  mi: 'mi mile miles', m: 'm meter meters metre metres', cm: 'cm centimeter centimeters', mm: 'mm millimeter millimeters', ft: 'ft foot feet', in: 'inch inches',
  l: 'l liter liters litre litres', ml: 'ml milliliter milliliters', gal: 'gallon gallons', c: 'celsius centigrade', f: 'fahrenheit', k: 'kelvin',
  usd: 'usd dollar dollars $', eur: 'eur euro euros €', gbp: 'gbp sterling £', jpy: 'yen jpy ¥', s: 'second seconds sec secs', min: 'minute minutes min mins',
  h: 'hour hours hr hrs', day: 'day days', week: 'week weeks', month: 'month months', year: 'year years', byte: 'byte bytes', kb: 'kb kilobyte kilobytes',
  mb: 'mb megabyte megabytes', gb: 'gb gigabyte gigabytes', tb: 'tb terabyte terabytes', percent: '% percent percentage',
})) {
  for (const word of words.split(' ')) UNIT_GROUPS[word] = unit;
}

const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', 'cannot', 'nowhere', 'isnt', 'arent', 'wasnt', 'werent', 'dont', 'doesnt', 'didnt', 'wont', 'cant', 'couldnt', 'shouldnt', 'wouldnt', 'hasnt', 'havent', 'hadnt', 'aint', 'unable', 'fail', 'fails', 'failed']);

const LANGUAGES = new Set([
  'english', 'french', 'spanish', 'german', 'italian', 'portuguese', 'dutch', 'russian', 'chinese', 'mandarin', 'cantonese', 'japanese', 'korean', 'arabic',
  'hindi', 'bengali', 'urdu', 'turkish', 'polish', 'swedish', 'norwegian', 'danish', 'finnish', 'greek', 'hebrew', 'thai', 'vietnamese', 'indonesian',
  'malay', 'czech', 'hungarian', 'romanian', 'ukrainian', 'persian', 'farsi', 'swahili', 'latin', 'tamil', 'telugu', 'catalan', 'filipino', 'tagalog',
  'python', 'javascript', 'typescript', 'java', 'rust', 'go', 'golang', 'ruby', 'php', 'kotlin', 'swift', 'scala', 'haskell', 'sql', 'bash', 'c++', 'c#', 'perl', 'lua', 'r',
]);

interface Reading {
  numbers: string[];
  operators: string[];
  dates: Set<string>;
  units: Set<string>;
  names: string[];
  negated: boolean;
  languages: Set<string>;
  scripts: Set<string>;
  code: Set<string>;
  /** Stems and the compact lower-case text, where the other side's names are looked for. */
  stems: Set<string>;
  compact: string;
}

const SCRIPTS: [string, RegExp][] = [
  ['latin', /\p{Script=Latin}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['han', /\p{Script=Han}/u],
  ['kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['devanagari', /\p{Script=Devanagari}/u],
  ['thai', /\p{Script=Thai}/u],
];

function scriptsOf(text: string): Set<string> {
  const found = new Set<string>();
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) return found;
  for (const [name, pattern] of SCRIPTS) {
    const count = letters.filter((letter) => pattern.test(letter)).length;
    // A script counts when it is a real part of the text, not one quoted word.
    if (count / letters.length >= 0.2) found.add(name);
  }
  return found;
}

function read(text: string): Reading {
  const numbers: string[] = [];
  const operators: string[] = [];
  const dates = new Set<string>();
  const units = new Set<string>();
  const languages = new Set<string>();
  const code = new Set<string>();
  const names: string[] = [];
  let negated = false;

  for (const match of text.matchAll(/`+([^`]+)`+/g)) code.add(normaliseCode(match[1] as string));
  for (const match of text.matchAll(/[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+(?:\(\))?|[A-Za-z]+_[\w]+|\w+\(\)?/g)) code.add(normaliseCode(match[0]));
  for (const match of text.matchAll(/[+×*/÷^%=<>]|(?<=\d\s*)x(?=\s*\d)|(?<=\d\s*)-(?=\s*\d)/g)) operators.push(match[0] === '*' || match[0] === 'x' ? '×' : match[0] === '/' ? '÷' : match[0]);
  for (const match of text.matchAll(/\d+(?:[.,]\d+)*/g)) numbers.push((match[0] as string).replace(/,(?=\d{3}\b)/g, '').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));
  for (const symbol of text.match(/[$€£¥%]/g) ?? []) units.add(UNIT_GROUPS[symbol] as string);

  const sentences = text.split(/(?<=[.!?])\s+|\n+/);
  for (const sentence of sentences) {
    const words = sentence.match(/[\p{L}\p{N}_][\p{L}\p{N}_.'#+-]*/gu) ?? [];
    words.forEach((raw, position) => {
      const word = raw.replace(/[.'-]+$/, '');
      const lower = word.toLowerCase().replace(/'/g, '');
      if (NEGATIONS.has(lower) || lower.endsWith("n't") || /n't$/.test(word.toLowerCase())) negated = true;
      if (NUMBER_WORDS[lower] !== undefined && !(lower === 'one' && position > 0 && /^(the|which|any|no|every|each|this|that)$/i.test(words[position - 1] ?? '')) && !(lower === 'second' && /^(a|per|the)$/i.test(words[position - 1] ?? ''))) {
        numbers.push(NUMBER_WORDS[lower] as string);
      }
      if (OPERATOR_WORDS[lower] !== undefined && (lower !== 'over' || /\d/.test(sentence))) operators.push(OPERATOR_WORDS[lower] as string);
      if (DATE_WORDS.has(lower) && (!AMBIGUOUS_DATES.has(lower) || /^[A-Z]/.test(word))) dates.add(lower.slice(0, 3));
      if (UNIT_GROUPS[lower] !== undefined && (lower.length > 2 || /\d/.test(sentence))) units.add(UNIT_GROUPS[lower] as string);
      if (LANGUAGES.has(lower) && (lower.length > 2 || /^[A-Z]/.test(word))) languages.add(lower);
      const capitalised = /^\p{Lu}/u.test(word) || /\p{Ll}\p{Lu}/u.test(word) || (/\p{L}/u.test(word) && /\d/.test(word));
      if (!capitalised || STOP_WORDS.has(lower) || NEGATIONS.has(lower) || NUMBER_WORDS[lower] !== undefined) return;
      names.push(lower);
    });
  }
  const stems = new Set<string>();
  for (const token of tokens(text)) {
    stems.add(stem(token));
    stems.add(token);
  }
  return {
    numbers: numbers.sort(),
    operators: operators.sort(),
    dates,
    units,
    names,
    negated,
    languages,
    scripts: scriptsOf(text),
    code,
    stems,
    compact: text.toLowerCase().replace(/[\s\-_]+/g, ''),
  };
}

function normaliseCode(text: string): string {
  return text.trim().replace(/\(\s*\)$/, '').replace(/\s+/g, ' ').toLowerCase();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const value of a) if (!b.has(value)) return false;
  return true;
}

function missingName(names: readonly string[], other: Reading): string | undefined {
  return names.find((name) => {
    const stemmed = stem(name.replace(/[.'#+-]/g, ''));
    return !other.stems.has(name) && !other.stems.has(stemmed) && !other.compact.includes(name.replace(/[\s\-_]+/g, ''));
  });
}

/** Why `a` and `b` must not answer each other, or undefined. */
export function nearMissReason(a: string, b: string): string | undefined {
  const left = read(a);
  const right = read(b);
  if (!sameList(left.numbers, right.numbers)) return 'numbers differ';
  if (!sameList(left.operators, right.operators)) return 'operators differ';
  if (!sameSet(left.dates, right.dates)) return 'dates differ';
  if (!sameSet(left.units, right.units)) return 'units differ';
  if (left.negated !== right.negated) return 'negation differs';
  if (!sameSet(left.languages, right.languages)) return 'languages differ';
  if (!sameSet(left.scripts, right.scripts)) return 'scripts differ';
  if (!sameSet(left.code, right.code)) return 'code differs';
  const name = missingName(left.names, right) ?? missingName(right.names, left);
  if (name !== undefined) return `name "${name}" is not in both`;
  return undefined;
}
