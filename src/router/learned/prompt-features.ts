/**
 * Features of a prompt before any model sees it: hashed words, word pairs and word prefixes
 * (numbers by shape: digits, decimal, money, percent), the subject when the caller knows it,
 * and counts that describe how hard a question looks — length, how many quantities a word
 * problem juggles, rates and multipliers, fractions and percentages; for multiple-choice
 * questions the number, length and overlap of the options, negations ("which is NOT"),
 * statement pairs, and whether the stem is a question or a sentence to complete.
 *
 * One pass over the character codes, no regular expressions, no per-word strings: keywords
 * are found by their hash. Long prompts are read in part (the first HEAD_CHARS and the last
 * TAIL_CHARS), which bounds a decision's time; `characters` still counts the whole prompt.
 */
import { FNV_OFFSET, FNV_PRIME, hashWord, mix, SALT, SparseCollector } from './text-features.js';

export const HEAD_CHARS = 1200;
export const TAIL_CHARS = 500;

export const PROMPT_DENSE_FEATURES = [
  'characters',
  'words',
  'sentences',
  'quantities',
  'distinctNumbers',
  'decimals',
  'percents',
  'fractions',
  'money',
  'largestNumber',
  'multiplierWords',
  'rateWords',
  'comparisonWords',
  'timeUnits',
  'questionMarks',
  'options',
  'optionLength',
  'numericOptions',
  'negations',
  'statements',
  'mathSymbols',
  'longWordShare',
  'meanWordLength',
  'stemLength',
  'pipes',
  'firstPerson',
  'optionOverlap',
  'computeVerbs',
  'judgementWords',
  'capitalisedShare',
  'digitShare',
  'stemLines',
  'optionLengthSpread',
  'aboveOptions',
  'completionStem',
] as const;

export interface ExtractedFeatures {
  /** Hashed feature buckets, each once (binary features). */
  sparse: Int32Array;
  /** Raw dense values, in the order of the extractor's names. */
  dense: Float64Array;
}

export interface PromptFeatureOptions {
  /** Hashed words, word pairs and prefixes. */
  words: boolean;
  /** A feature for the subject (can help on subjects seen in training; cannot carry over to new ones). */
  subject: boolean;
}

const KIND = {
  numberWord: 1,
  multiplier: 2,
  rate: 4,
  comparison: 8,
  timeUnit: 16,
  negation: 32,
  compute: 64,
  judgement: 128,
  firstPerson: 256,
  fractionWord: 512,
  above: 1024,
  statement: 2048,
  how: 4096,
  manyOrMuch: 8192,
  percent: 16384,
  mathWord: 32768,
} as const;

const KEYWORDS: [number, string][] = [
  [KIND.numberWord, 'two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred thousand million dozen half third quarter'],
  [KIND.multiplier, 'twice double doubles triple thrice times half halves percent quarter third fourth fifth'],
  [KIND.rate, 'each every per rate average'],
  [KIND.comparison, 'more less fewer older younger longer shorter faster slower remaining left rest than'],
  [KIND.timeUnit, 'second seconds minute minutes hour hours day days week weeks month months year years'],
  [KIND.negation, 'not except false least incorrect never cannot untrue'],
  [KIND.compute, 'calculate compute find determine evaluate solve estimate'],
  [KIND.judgement, 'best most likely primarily main least strongest weakest mainly'],
  [KIND.firstPerson, "i me my i'm"],
  [KIND.fractionWord, 'half third quarter fourth fifth thirds quarters fourths fifths'],
  [KIND.above, 'above'],
  [KIND.statement, 'statement'],
  [KIND.how, 'how'],
  [KIND.manyOrMuch, 'many much'],
  [KIND.percent, 'percent percentage percentages'],
  [KIND.mathWord, 'sqrt log'],
];

/** Keyword kinds by the low 30 bits of the word's hash (small integers: no boxing in the lookup). */
const KEYWORD_KINDS = new Map<number, number>();
for (const [kind, words] of KEYWORDS) {
  for (const word of words.split(' ')) {
    const key = hashWord(word) & 0x3fffffff;
    KEYWORD_KINDS.set(key, (KEYWORD_KINDS.get(key) ?? 0) | kind);
  }
}

const START_HASH = hashWord('<s>');
const MAX_NUMBERS = 64;
const MAX_OPTIONS = 16;

function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 0xc0 && code !== 0xd7 && code !== 0xf7 && !(code >= 0x2000 && code <= 0x2bff) && !(code >= 0x3000 && code <= 0x303f));
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Where a multiple-choice option ("A. …", "(B) …") starting at `from` begins its text, or -1. */
function optionContentStart(text: string, from: number, end: number): number {
  let index = from;
  while (index < end && (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 9)) index++;
  if (text.charCodeAt(index) === 40) index++;
  const letter = text.charCodeAt(index);
  const mark = text.charCodeAt(index + 1);
  const after = text.charCodeAt(index + 2);
  return letter >= 65 && letter <= 74 && (mark === 46 || mark === 41) && (after === 32 || after === 9) ? index + 3 : -1;
}

/** Word and word-pair features of the token stream (state in fields: closures over locals are slow). */
class TokenSink {
  previous = START_HASH;
  words = false;

  constructor(readonly sparse: SparseCollector) {}

  start(words: boolean): void {
    this.sparse.start();
    this.previous = START_HASH;
    this.words = words;
  }

  push(hash: number): void {
    if (!this.words) return;
    this.sparse.add(mix(hash, SALT.word));
    this.sparse.add(mix(Math.imul(this.previous, 31) ^ hash, SALT.pair));
    this.previous = hash;
  }
}

/** The multiple-choice options seen so far. */
class OptionTally {
  readonly lengths = new Float64Array(MAX_OPTIONS);
  count = 0;
  numeric = 0;
  above = 0;
  /** Where the current option's text starts (-1: not in an option). */
  start = -1;
  hasDigits = false;
  hasAbove = false;

  reset(): void {
    this.count = 0;
    this.numeric = 0;
    this.above = 0;
    this.start = -1;
  }

  open(start: number): void {
    this.start = start;
    this.hasDigits = false;
    this.hasAbove = false;
  }

  close(end: number): void {
    if (this.start < 0) return;
    if (this.count < MAX_OPTIONS) this.lengths[this.count] = end - this.start;
    this.count++;
    if (this.hasDigits) this.numeric++;
    if (this.hasAbove) this.above++;
    this.start = -1;
  }
}

/** Reusable per router (scratch buffers); not safe to share between concurrent callers mid-call, which JS never does. */
export class PromptFeatureExtractor {
  private readonly sink: TokenSink;
  private readonly options = new OptionTally();
  private readonly numbers = new Float64Array(MAX_NUMBERS);

  constructor(buckets: number) {
    this.sink = new TokenSink(new SparseCollector(buckets));
  }

  extract(text: string, subject: string | undefined, options: PromptFeatureOptions): ExtractedFeatures {
    const sink = this.sink;
    const sparse = sink.sparse;
    const withWords = options.words;
    sink.start(withWords);
    const tally = this.options;
    tally.reset();
    const length = text.length;
    const cut = length > HEAD_CHARS + TAIL_CHARS;
    const headEnd = cut ? HEAD_CHARS : length;
    const tailStart = cut ? length - TAIL_CHARS : length;
    const read = cut ? HEAD_CHARS + TAIL_CHARS : length;

    let words = 0, letters = 0, longWords = 0, sentences = 0, quantities = 0, distinct = 0, decimals = 0, percents = 0;
    let fractions = 0, moneyCount = 0, largest = 0, multipliers = 0, rates = 0, comparisons = 0, timeUnits = 0, questions = 0;
    let negations = 0, statements = 0, mathSymbols = 0, pipes = 0, firstPerson = 0, computeVerbs = 0, judgement = 0;
    let capitalised = 0, digits = 0, stemLines = 0;
    let firstOption = -1;
    let optionWords: Set<number> | undefined;
    let optionWordTotal = 0;
    let previousKind = 0;
    let afterSentence = true;
    let lineStart = true;

    let index = 0;
    while (index < length) {
      // Skip the middle of a long prompt; tokens never run across the cut.
      if (index >= headEnd && index < tailStart) index = tailStart;
      const end = index < headEnd ? headEnd : length;
      const code = text.charCodeAt(index);
      if (lineStart) {
        lineStart = false;
        const content = optionContentStart(text, index, end);
        if (content !== -1) {
          tally.close(index);
          if (firstOption < 0) firstOption = index;
          tally.open(content);
          index = content;
          continue;
        }
      }
      const inStem = firstOption < 0;
      if (isLetter(code)) {
        const start = index;
        let hash = FNV_OFFSET;
        let prefix = 0;
        let upper = 0;
        while (index < end) {
          let letter = text.charCodeAt(index);
          if (!isLetter(letter)) {
            // "i'm", "don't": an apostrophe between letters stays in the word.
            if (letter === 39 && index + 1 < end && isLetter(text.charCodeAt(index + 1)) && index > start) {
              hash = Math.imul(hash ^ 39, FNV_PRIME);
              index++;
              continue;
            }
            break;
          }
          if (letter >= 65 && letter <= 90) {
            upper++;
            letter += 32;
          }
          hash = Math.imul(hash ^ letter, FNV_PRIME);
          if (index - start === 4) prefix = hash;
          index++;
        }
        const size = index - start;
        words++;
        letters += size;
        if (size >= 10) longWords++;
        const first = text.charCodeAt(start);
        if (inStem && !afterSentence && start > 0 && first >= 65 && first <= 90 && upper === 1 && size > 1) capitalised++;
        const kind = KEYWORD_KINDS.get(hash & 0x3fffffff) ?? 0;
        if (kind !== 0) {
          if (kind & KIND.numberWord) quantities++;
          if (kind & KIND.multiplier) multipliers++;
          if (kind & KIND.rate) rates++;
          if (kind & KIND.comparison) comparisons++;
          if (kind & KIND.timeUnit) timeUnits++;
          if (kind & KIND.judgement) judgement++;
          if (kind & KIND.compute) computeVerbs++;
          if (kind & KIND.manyOrMuch && previousKind & KIND.how) computeVerbs++;
          if (kind & KIND.fractionWord) fractions++;
          if (kind & KIND.percent) percents++;
          if (kind & KIND.mathWord) mathSymbols++;
          if (inStem && kind & KIND.negation) negations += upper === size && size > 1 ? 2 : 1;
          if (inStem && kind & KIND.firstPerson) firstPerson++;
          if (tally.start >= 0 && kind & KIND.above) tally.hasAbove = true;
        }
        if (tally.start >= 0) {
          optionWords ??= new Set<number>();
          optionWords.add(hash & 0x3fffffff);
          optionWordTotal++;
        }
        if (withWords && size > 6) sparse.add(mix(prefix, SALT.prefix));
        sink.push(hash);
        previousKind = kind;
        afterSentence = false;
        continue;
      }
      const money = code === 36 && isDigit(text.charCodeAt(index + 1));
      if (isDigit(code) || money) {
        if (money) index++;
        let value = 0;
        let whole = 0;
        let decimal = false;
        let scale = 0.1;
        while (index < end) {
          const digit = text.charCodeAt(index);
          if (isDigit(digit)) {
            digits++;
            if (decimal) {
              value += (digit - 48) * scale;
              scale /= 10;
            } else {
              value = value * 10 + (digit - 48);
              if (whole > 0 || digit !== 48) whole++;
            }
            index++;
          } else if ((digit === 44 && !decimal) || (digit === 46 && !decimal)) {
            if (!isDigit(text.charCodeAt(index + 1))) break;
            if (digit === 46) decimal = true;
            index++;
          } else break;
        }
        const percent = text.charCodeAt(index) === 37;
        if (percent) index++;
        quantities++;
        if (decimal) decimals++;
        if (percent) percents++;
        if (money) moneyCount++;
        if (value > largest) largest = value;
        let seen = false;
        for (let known = 0; known < Math.min(distinct, MAX_NUMBERS); known++) if (this.numbers[known] === value) seen = true;
        if (!seen) {
          if (distinct < MAX_NUMBERS) this.numbers[distinct] = value;
          distinct++;
        }
        if (tally.start >= 0) tally.hasDigits = true;
        if (previousKind & KIND.statement) statements++;
        let after = index;
        while (after < end && text.charCodeAt(after) === 32) after++;
        if (after < end && text.charCodeAt(after) === 47) {
          after++;
          while (after < end && text.charCodeAt(after) === 32) after++;
          if (isDigit(text.charCodeAt(after))) fractions++;
        }
        sink.push(mix(Math.min(whole === 0 ? 1 : whole, 7) | (decimal ? 8 : 0) | (percent ? 16 : 0) | (money ? 32 : 0), SALT.shape));
        previousKind = 0;
        afterSentence = false;
        continue;
      }
      index++;
      switch (code) {
        case 10:
          tally.close(index - 1);
          lineStart = true;
          if (inStem && index < end && !isSpace(text.charCodeAt(index)) && optionContentStart(text, index, end) === -1) stemLines++;
          continue;
        case 46: // . ! ?
        case 33:
        case 63:
          if (index >= length || isSpace(text.charCodeAt(index))) {
            sentences++;
            afterSentence = true;
          }
          if (code === 63) {
            questions++;
            sink.push(63);
          }
          continue;
        case 124:
          pipes++;
          sink.push(124);
          continue;
        case 61:
        case 43:
        case 42:
        case 94:
        case 60:
        case 62:
        case 92:
          mathSymbols++;
          if (code !== 92) sink.push(code);
          continue;
        case 37:
        case 36:
        case 47:
          sink.push(code);
          continue;
        default:
          continue;
      }
    }
    tally.close(length);
    const optionCount = tally.count;

    let stemEnd = firstOption >= 0 ? firstOption : length;
    while (stemEnd > 0 && isSpace(text.charCodeAt(stemEnd - 1))) stemEnd--;
    let optionTotal = 0;
    let optionLongest = 0;
    const storedOptions = Math.min(optionCount, MAX_OPTIONS);
    for (let option = 0; option < storedOptions; option++) {
      const size = tally.lengths[option] as number;
      optionTotal += size;
      if (size > optionLongest) optionLongest = size;
    }
    const optionMean = storedOptions > 0 ? optionTotal / storedOptions : 0;
    const dense = new Float64Array(PROMPT_DENSE_FEATURES.length);
    dense[0] = Math.log1p(length);
    dense[1] = Math.log1p(words);
    dense[2] = sentences;
    dense[3] = quantities;
    dense[4] = distinct;
    dense[5] = decimals;
    dense[6] = percents;
    dense[7] = fractions;
    dense[8] = moneyCount;
    dense[9] = Math.log10(1 + largest);
    dense[10] = multipliers;
    dense[11] = rates;
    dense[12] = comparisons;
    dense[13] = timeUnits;
    dense[14] = questions;
    dense[15] = optionCount;
    dense[16] = storedOptions > 0 ? Math.log1p(optionMean) : 0;
    dense[17] = optionCount > 0 ? tally.numeric / optionCount : 0;
    dense[18] = negations;
    dense[19] = statements;
    dense[20] = mathSymbols;
    dense[21] = words > 0 ? longWords / words : 0;
    dense[22] = words > 0 ? letters / words : 0;
    dense[23] = Math.log1p(firstOption >= 0 ? firstOption : length);
    dense[24] = pipes;
    dense[25] = firstPerson;
    dense[26] = optionCount > 1 && optionWordTotal > 0 && optionWords ? 1 - optionWords.size / optionWordTotal : 0;
    dense[27] = computeVerbs;
    dense[28] = judgement;
    dense[29] = words > 0 ? capitalised / words : 0;
    dense[30] = read > 0 ? digits / read : 0;
    dense[31] = stemLines;
    dense[32] = storedOptions > 1 && optionMean > 0 ? optionLongest / optionMean : 0;
    dense[33] = tally.above;
    dense[34] = optionCount > 0 && text.charCodeAt(stemEnd - 1) !== 63 ? 1 : 0;
    if (options.subject && subject) sparse.add(mix(hashWord(subject), SALT.subject));
    return { sparse: sparse.finish(), dense };
  }
}

const shared = new Map<number, PromptFeatureExtractor>();

/** Features of one prompt with a shared extractor for `buckets`. */
export function extractPromptFeatures(text: string, subject: string | undefined, options: PromptFeatureOptions & { buckets: number }): ExtractedFeatures {
  let extractor = shared.get(options.buckets);
  if (!extractor) {
    extractor = new PromptFeatureExtractor(options.buckets);
    shared.set(options.buckets, extractor);
  }
  return extractor.extract(text, subject, options);
}
