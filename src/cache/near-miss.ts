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
import { CONCEPT, stem, tokens } from './local-embedder.js';
import { STOP_WORDS } from './lexicon.js';

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18', nineteen: '19',
  twenty: '20', thirty: '30', forty: '40', fifty: '50', sixty: '60', seventy: '70', eighty: '80', ninety: '90', hundred: '100', thousand: '1000',
  million: '1000000', billion: '1000000000', dozen: '12', third: '3', fourth: '4', fifth: '5', twice: '2',
};

/** "several thousand", "thousands": a magnitude only after a number ("5 million"). */
const MAGNITUDES = new Set(['hundred', 'thousand', 'million', 'billion']);

const OPERATOR_WORDS: Record<string, string> = { plus: '+', minus: '-', times: '×', multiplied: '×', divided: '÷', squared: '^2', cubed: '^3' };

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

/** Explicit negation, and words that negate without "not" ("in the absence of", "avoid creating"). */
const NEGATIONS = new Set([
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', 'cannot', 'nowhere', 'isnt', 'arent', 'wasnt', 'werent', 'dont', 'doesnt',
  'didnt', 'wont', 'cant', 'couldnt', 'shouldnt', 'wouldnt', 'hasnt', 'havent', 'hadnt', 'aint', 'unable', 'absence', 'absent', 'lack', 'lacks', 'lacking',
  'avoid', 'avoids', 'avoiding', 'avoided', 'prevent', 'prevents', 'preventing', 'prevented',
]);

/** Sentence openers and discourse words: capitalised at the start of a sentence, never a name. */
const OPENERS = new Set(
  `yes no sure absolutely certainly indeed okay ok alternatively additionally also furthermore moreover however otherwise then next first firstly second secondly
   finally lastly once after afterwards before while whereas although though because since thus therefore hence so instead meanwhile besides likewise similarly
   here heres there theres among some many most several various one another each every either neither both use using include including note overall generally
   basically essentially typically usually simply just now currently today below above following`
    .split(/\s+/)
    .filter(Boolean),
);

/** Natural and programming languages, by one name each (aliases map onto it). */
const LANGUAGES: Record<string, string> = {};
for (const name of `english french spanish german italian portuguese dutch russian chinese mandarin cantonese japanese korean arabic hindi bengali urdu
  turkish polish swedish norwegian danish finnish greek hebrew thai vietnamese indonesian malay czech hungarian romanian ukrainian persian farsi swahili
  latin tamil telugu catalan filipino tagalog python javascript typescript golang kotlin haskell sql bash c++ c# perl php`.split(/\s+/).filter(Boolean)) {
  LANGUAGES[name] = name;
}
Object.assign(LANGUAGES, { js: 'javascript', ts: 'typescript', py: 'python', español: 'spanish', français: 'french', deutsch: 'german' });
/** Also words: languages only when capitalised ("in Go", "Swift code", not "go through", "swift training"). */
const CAPITALISED_LANGUAGES: Record<string, string> = { go: 'golang', rust: 'rust', swift: 'swift', java: 'java', ruby: 'ruby', scala: 'scala', r: 'r', c: 'c', lua: 'lua', dart: 'dart', julia: 'julia' };

interface Reading {
  numbers: string[];
  operators: string[];
  dates: Set<string>;
  /** In order of mention, repeats dropped: "5 kg to lb" is not "5 lb to kg". */
  units: string[];
  names: string[];
  negated: boolean;
  languages: Set<string>;
  scripts: Set<string>;
  code: Set<string>;
  /** Stems and the compact lower-case text, where the other side's names are looked for. */
  stems: Set<string>;
  compact: string;
  /** Initials of runs of capitalised words ("Natural Language Processing" → nlp), and the words of each run. */
  acronyms: Map<string, string[]>;
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

function read(input: string): Reading {
  const text = input.replace(/[\u2018\u2019\u02bc]/g, "'");
  const numbers: string[] = [];
  const operators: string[] = [];
  const dates = new Set<string>();
  const units: string[] = [];
  const addUnit = (unit: string): void => {
    if (!units.includes(unit)) units.push(unit);
  };
  const languages = new Set<string>();
  const code = new Set<string>();
  const names: string[] = [];
  let negated = false;

  // Inline code spans (`drop`, `schema`), and identifiers: snake_case, calls (name(…)), dotted paths of three parts or called ones.
  for (const match of text.matchAll(/(?<!`)`([^`\n]{1,80})`(?!`)/g)) code.add(normaliseCode(match[1] as string));
  for (const match of text.matchAll(/\b[A-Za-z]\w*_\w+\b|\b[A-Za-z_][\w.]*\w(?=\()|\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*){2,}\b/g)) code.add(normaliseCode(match[0]));
  // Arithmetic between numbers ("17 × 23", "3/4", "2^10"), and the operator words of a sentence with digits.
  for (const match of text.matchAll(/\d\s*([+×*/÷^%x=<>-])\s*(?=\d)/g)) {
    const operator = match[1] as string;
    operators.push(operator === '*' || operator === 'x' ? '×' : operator === '/' ? '÷' : operator);
  }
  // Numbers, but not the markers of a numbered list ("1. Create …").
  for (const match of text.replace(/^\s*\d+[.)]\s/gm, ' ').matchAll(/\d+(?:[.,]\d+)*/g)) numbers.push((match[0] as string).replace(/,(?=\d{3}\b)/g, '').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));
  for (const symbol of text.match(/[$€£¥%]/g) ?? []) addUnit(UNIT_GROUPS[symbol] as string);

  const sentences = text.replace(/\bwhether or not\b|\bor not\b/gi, ' ').split(/(?<=[.!?:])\s+|\n+/);
  for (const sentence of sentences) {
    const words = sentence.match(/[\p{L}\p{N}_][\p{L}\p{N}_.'#+-]*/gu) ?? [];
    const hasDigits = /\d/.test(sentence) || words.some((word) => NUMBER_WORDS[word.toLowerCase()] !== undefined);
    words.forEach((raw, position) => {
      const word = raw.replace(/'s$/i, '').replace(/[.'-]+$/, '');
      const lower = word.toLowerCase().replace(/'/g, '');
      if (NEGATIONS.has(lower) || /n't$/.test(word.toLowerCase())) negated = true;
      const number = NUMBER_WORDS[lower];
      if (number !== undefined && !(MAGNITUDES.has(lower) && !/\d/.test(words[position - 1] ?? ''))) numbers.push(number);
      if (OPERATOR_WORDS[lower] !== undefined && hasDigits) operators.push(OPERATOR_WORDS[lower] as string);
      if (DATE_WORDS.has(lower) && (!AMBIGUOUS_DATES.has(lower) || /^[A-Z]/.test(word))) dates.add(lower.slice(0, 3));
      if (UNIT_GROUPS[lower] !== undefined && (lower.length > 2 || hasDigits)) addUnit(UNIT_GROUPS[lower] as string);
      const language = LANGUAGES[lower] ?? (/^[A-Z]/.test(word) ? CAPITALISED_LANGUAGES[lower] : undefined);
      if (language !== undefined && (lower.length > 2 || /^[A-Z]+$/.test(word))) languages.add(language);
      const capitalised = /^\p{Lu}/u.test(word) || /\p{Ll}\p{Lu}/u.test(word) || (/\p{L}/u.test(word) && /\d/.test(word));
      if (!capitalised || STOP_WORDS.has(lower) || NEGATIONS.has(lower) || number !== undefined) return;
      // The first word of a sentence is capitalised anyway: a name only when it looks like one beyond that.
      if (position === 0 && (OPENERS.has(lower) || CONCEPT.has(stem(lower)) || !/\p{Lu}.*\p{Lu}|\d/u.test(word.slice(1)) && isCommonOpener(lower))) return;
      if (OPENERS.has(lower) || language !== undefined) return;
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
    acronyms: acronymsOf(text),
  };
}

function acronymsOf(text: string): Map<string, string[]> {
  const acronyms = new Map<string, string[]>();
  for (const match of text.matchAll(/\b\p{Lu}\p{Ll}+(?:\s+(?:of\s+|and\s+)?\p{Lu}\p{Ll}+)+/gu)) {
    const words = match[0].split(/\s+/).filter((word) => /^\p{Lu}/u.test(word));
    acronyms.set(words.map((word) => word[0]).join('').toLowerCase(), words.map((word) => word.toLowerCase()));
  }
  return acronyms;
}

/** Sentence-initial verbs and -ly / -ing words ("Iterating", "Consequently"): not names. */
function isCommonOpener(lower: string): boolean {
  return /(?:ing|ly|ed)$/.test(lower);
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

function missingName(side: Reading, other: Reading): string | undefined {
  // Words of a run the other side abbreviates ("Machine Learning" / "ML") are there.
  const abbreviated = new Set<string>();
  for (const [acronym, words] of side.acronyms) if (other.stems.has(acronym)) for (const word of words) abbreviated.add(word);
  return side.names.find((name) => {
    if (abbreviated.has(name) || other.acronyms.has(name)) return false;
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
  if (!sameList(left.units, right.units)) return 'units differ';
  if (left.negated !== right.negated) return 'negation differs';
  if (!sameSet(left.languages, right.languages)) return 'languages differ';
  if (!sameSet(left.scripts, right.scripts)) return 'scripts differ';
  // A name or identifier only one side mentions may be elaboration; one replaced by another is a different question.
  const leftCode = [...left.code].find((item) => !right.code.has(item) && !right.compact.includes(item.replace(/[\s\-_]+/g, '')));
  const rightCode = [...right.code].find((item) => !left.code.has(item) && !left.compact.includes(item.replace(/[\s\-_]+/g, '')));
  if (leftCode !== undefined && rightCode !== undefined) return `code differs ("${leftCode}" vs "${rightCode}")`;
  const leftName = missingName(left, right);
  const rightName = missingName(right, left);
  if (leftName !== undefined && rightName !== undefined) return `names differ ("${leftName}" vs "${rightName}")`;
  return undefined;
}
