/**
 * Feature extraction for the task classifier, built for the request path: one pass over
 * the text's char codes with a lookup table for ASCII, lower-casing on the fly, FNV-1a
 * hashes rolled per word, no substring and no array per token — the feature indices go
 * into a reused Int32Array.
 *
 * Sparse features (hashed into BUCKETS, scaled by 1/sqrt(count) in the model):
 *   - every word (letters and digits of any alphabet; digit runs fold into one token per length),
 *   - every pair of adjacent words,
 *   - the first five letters of words longer than five (summarise / summary / summarization
 *     share one), which also makes typos and inflections less costly,
 *   - the first word of the text, marked as such (imperatives: "translate", "write", "book"),
 *   - for scripts written without spaces (Chinese, Japanese; Korean too), every character
 *     and every pair of adjacent characters.
 * Shape features (fixed slots after the hashed ones, not scaled): the length of the whole
 * text on a log scale (a CJK character counting as three, as it carries about as much), newlines,
 * digits, code symbols, code fences, question marks, quotes, URLs and @-signs, arithmetic
 * between numbers, and two patterns of the request's head (WRITE_REQUEST: "write / compose /
 * draft … a poem / blog post / e-mail / speech"; EXTRACT_REQUEST: "extract / list all … from the
 * text"), which count whatever the prompt's length, where a word among hundreds counts little;
 * and three more of the same kind: a request for code (CODE_REQUEST or CODE_WORDS; it turns the
 * writing pattern off), a summary asked for in the head or the tail (SUMMARIZE_REQUEST,
 * SUMMARY_TAIL), and numbers without math evidence, which take the digits slots' place.
 *
 * Long texts are read in part: the first HEAD_CHARS and the last TAIL_CHARS characters,
 * where a request states what it wants; the middle of a pasted document says little about
 * the task and would cost time on every request (the length feature still sees all of it).
 * Reading 300 + 150 characters was chosen on the validation sets (docs/routing.md): against
 * 600 + 300 it raised the user-oriented instructions by 1.3 points and kept the hand-written
 * prompts at 90.0 % (600 + 300 had itself scored within noise of 1,500 + 600).
 */
import { FIRST_WORDS, type WordTable } from './dense.js';

export const FEATURE_BITS = 17;
export const BUCKETS = 1 << FEATURE_BITS;
const MASK = BUCKETS - 1;
export const HEAD_CHARS = 300;
export const TAIL_CHARS = 150;
const PREFIX = 5;

/** Shape feature slots, numbered from BUCKETS. */
const LENGTH_SLOTS = 16; // log2 of the length: 0..15
export const SHAPE = {
  length: 0,
  newlines: LENGTH_SLOTS, // 4 slots: 1-2, 3-9, 10-49, 50+
  digits: LENGTH_SLOTS + 4, // 3 slots: some, > 5 %, > 20 % of characters read
  codeSymbols: LENGTH_SLOTS + 7, // 3 slots: > 2 %, > 5 %, > 10 %
  fence: LENGTH_SLOTS + 10,
  question: LENGTH_SLOTS + 11,
  endsWithQuestion: LENGTH_SLOTS + 12,
  quote: LENGTH_SLOTS + 13,
  url: LENGTH_SLOTS + 14,
  at: LENGTH_SLOTS + 15,
  arithmetic: LENGTH_SLOTS + 16,
  empty: LENGTH_SLOTS + 17,
  writeRequest: LENGTH_SLOTS + 18,
  extractRequest: LENGTH_SLOTS + 19,
  codeRequest: LENGTH_SLOTS + 20,
  summarizeRequest: LENGTH_SLOTS + 21,
  numbersWithoutMath: LENGTH_SLOTS + 22,
} as const;
export const SHAPE_SLOTS = LENGTH_SLOTS + 23;
/** Rows of a model file made before the two head-pattern slots (writeRequest, extractRequest); such a file still loads. */
export const FEATURE_ROWS_BEFORE_HEAD_PATTERNS = (1 << FEATURE_BITS) + LENGTH_SLOTS + 18;
/** Rows of a model file made before the code-request, summary-request and plain-number slots; such a file still loads. */
export const FEATURE_ROWS_BEFORE_CODE_PATTERNS = (1 << FEATURE_BITS) + LENGTH_SLOTS + 20;

/**
 * The request's head asks for a piece of writing: a verb of making ("write", "compose", "draft")
 * and, within a few words, the kind of text ("poem", "blog post", "e-mail", "speech"). Anchored
 * at the start and bounded, so a text that does not match fails within its first sentence.
 */
export const WRITE_REQUEST =
  /^[^\n.?!]{0,80}?\b(?:write|compose|draft|craft|pen|create|generate|produce|come up with|prepare|make up|invent)\b(?:(?!summar|outline|title|answer|question|headline)[^\n.?!]){0,50}?\b(?:poems?|poetry|haikus?|limericks?|sonnets?|verses?|lyrics|songs?|raps?|ballads?|essays?|e-?mails?|letters?|speech(?:es)?|toasts?|stor(?:y|ies)|tales?|fables?|blogs?|articles?|posts?|tweets?|slogans?|taglines?|mottos?|jingles?|ads?|advertisements?|reviews?|dialogues?|scripts?|screenplays?|jokes?|riddles?|invitations?|announcements?|press releases?|bios?|resumes?|introductions?|proposals?|newsletters?|captions?|eulog(?:y|ies)|monologues?|scenes?|narratives?|plots?|names?|pitch(?:es)?|novels?|chapters?|paragraphs?|sentences?)\b/i;
/** The request's head asks to take something out of a given text: "extract … from the abstract", "list the names mentioned in the e-mail". */
export const EXTRACT_REQUEST =
  /^[^\n.?!]{0,80}?\b(?:extract|pull out|retrieve|collect|gather|(?:list|find|identify|get|name) (?:all|every|each))\b(?:(?!answer|question)[^\n.?!]){0,60}?\b(?:from|in|mentioned in)\b[^\n.?!]{0,30}?\b(?:text|passage|article|paragraph|document|e-?mail|conversation|chat|abstract|contract|listing|review|table|following|given|above|below|this|it)\b/i;
/**
 * The request asks for a piece of code by the kind of artifact: "a SQL query", "a regex", "a bash
 * script", "a function that …", or opens with a language and a colon ("sql: top 5 products …").
 * Beats WRITE_REQUEST ("write me a query that lists duplicate emails" is not an e-mail to write).
 * A bare "script" (a film's) or "function" (a mathematical one) needs a language or a verb of
 * coding before it.
 */
export const CODE_REQUEST =
  /^\s*(?:sql|regex|python|bash|shell|javascript|js|typescript|ts|java|golang|go|rust|c\+\+|c#|ruby|php|powershell)\s*:|^[^\n.?!]{0,80}?\b(?:sql|mysql|postgres(?:ql)?|sqlite|regexp?|regexes|regular expressions?|(?:database |db |search |graphql |mongo(?:db)? |elasticsearch |sql )?quer(?:y|ies) (?:that|to|which|for)|one-liner|code snippet|(?:bash|shell|python|powershell|perl|ruby|node|javascript|js|php|batch|cron) (?:script|one-liner|command|function|program)|(?:write|implement|code|create|generate|give me|need|want) (?:me )?(?:an? |the |some )?(?:\w+ ){0,2}?(?:function|method|class|program|snippet|algorithm|unit tests?)(?! (?:of|for the equation)\b))\b/i;
/** The request's head asks for a summary: "summarize / sum up / give me the gist of / tl;dr / a short summary of …". */
export const SUMMARIZE_REQUEST =
  /^[^\n.?!]{0,80}?(?:\b(?:summari[sz]e|summarizing|summarising|sum up|sum it up|recap|condense|boil down|tl;?dr)\b|\b(?:a|an|the|short|brief|quick|concise|one-sentence|one-paragraph)\s+(?:summary|summarization|synopsis|overview|gist|tl;?dr)\s+(?:of|for)\b)/i;
/**
 * Words that make numbers a sum to work out (an operation, a quantity asked for): without one of
 * these, an arithmetic sign between digits or a second number, the numbers of a question ("atomic
 * number 6", "in 2024") are facts, not math.
 */
const MATH_WORDS =
  /\b(?:calculat|comput|solve|equation|sum|product|percent|average|mean|median|probabilit|derivative|integral|factor|multipl|divid|subtract|add|plus|minus|times|ratio|fraction|area|perimeter|volume|radius|how much|total|remainder|prime|square|cube|root|digit|integer|modulo|log|sin|cos|tan|x|y|n)\b/i;
/** A summary asked for at the end of the text ("…\n\nSummarize the above.", "TL;DR?"), read in the last TAIL_CHARS characters. */
export const SUMMARY_TAIL = /\b(?:summar|sum up|sum it up|tl;?dr|recap|gist|in a nutshell|in brief)/i;
/** A word of code in the first line ("sql", "regex", "python", "code"; not a bare "script" or "function", which films and maths have too): requests for code name what they want early. */
export const CODE_WORDS = /^[^\n]{0,120}?\b(?:sql|mysql|postgres(?:ql)?|sqlite|regexp?|regular expressions?|python|javascript|typescript|golang|rust|c\+\+|c#|ruby|php|kotlin|bash|powershell|code)\b/i;
/** Rows of the weight table: hashed buckets, then shape slots. */
export const FEATURE_ROWS = BUCKETS + SHAPE_SLOTS;
/**
 * Most features one text can produce: a character read adds at most two (a word of one
 * letter and its separator: the word and its pair; a CJK character and its pair), plus the
 * last word's three and the shape slots.
 */
export const MAX_FEATURES = 2 * (HEAD_CHARS + TAIL_CHARS) + 3 + SHAPE_SLOTS;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const PAIR_SALT = 0x9e3779b1;
const PREFIX_SALT = 0x6b43a9b5;
const FIRST_SALT = 0x2545f491;
const CJK_SALT = 0x51ed27;

/** Character kinds (ASCII letters are recognised before the table is read). */
const SEPARATOR = 0;
const WORD = 1; // digits and _
const SENTENCE_END = 2; // . ! ? and line breaks: they end word pairs
const CODE_SYMBOL = 3; // { } ( ) ; = < > [ ] | & $ \ ~
const BACKTICK = 4;
const QUOTE = 5;
const AT = 6;
const OPERATOR = 7; // + * / ^ % (arithmetic when between digits)
const COLON = 8;
const CJK = 9;
const ASCII_KIND = new Uint8Array(128);
for (let code = 48; code <= 57; code++) ASCII_KIND[code] = WORD;
ASCII_KIND[95] = WORD;
for (const symbol of '.!?\n') ASCII_KIND[symbol.charCodeAt(0)] = SENTENCE_END;
for (const symbol of '{}();=<>[]|&$\\~') ASCII_KIND[symbol.charCodeAt(0)] = CODE_SYMBOL;
ASCII_KIND[96] = BACKTICK;
ASCII_KIND[34] = QUOTE;
ASCII_KIND[39] = QUOTE;
ASCII_KIND[64] = AT;
for (const symbol of '+*/^%') ASCII_KIND[symbol.charCodeAt(0)] = OPERATOR;
ASCII_KIND[58] = COLON;

/** Scripts without spaces between words: CJK ideographs, kana, Hangul. */
function isCjk(code: number): boolean {
  return (code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff);
}

/** Non-ASCII characters that separate words: punctuation, symbols, spaces, emoji halves. */
function isSeparator(code: number): boolean {
  return (
    code < 0xc0 || // Latin-1 punctuation and symbols (« » ¿ ¡ ° …), no-break space
    code === 0xd7 ||
    code === 0xf7 ||
    (code >= 0x2000 && code <= 0x2bff) || // general punctuation, arrows, math symbols, dingbats
    (code >= 0x3000 && code <= 0x303f) || // CJK punctuation
    (code >= 0xd800 && code <= 0xdfff) || // surrogate halves (emoji)
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff0f) || // full-width punctuation
    (code >= 0xff1a && code <= 0xff20) ||
    (code >= 0xff3b && code <= 0xff40) ||
    (code >= 0xff5b && code <= 0xff65)
  );
}

/** Lower case for the scripts that have it: Latin-1, Greek, Cyrillic. */
function lowerCase(code: number): number {
  if (code >= 0xc0 && code <= 0xde) return code + 32;
  if (code >= 0x391 && code <= 0x3ab) return code + 32;
  if (code >= 0x410 && code <= 0x42f) return code + 32;
  return code;
}

function mix(hash: number, salt: number): number {
  let value = Math.imul(hash ^ salt, 0x9e3779b1);
  value ^= value >>> 15;
  return Math.imul(value, 0x85ebca6b);
}

/** Per-text counts for the shape features, kept out of the scan loop's registers. */
const COUNT_DIGITS = 0;
const COUNT_NEWLINES = 1;
const COUNT_QUESTIONS = 2;
const COUNT_CODE = 3;
const COUNT_BACKTICKS = 4;
const COUNT_QUOTES = 5;
const COUNT_AT = 6;
const COUNT_ARITHMETIC = 7;
const COUNT_URL = 8;
const COUNT_CJK = 9;
const COUNT_NUMBERS = 10; // runs of digits
/** previousWord before the text's first word: the first word gets its own feature instead of a pair. */
const START = 1;

function isDigit(code: number): boolean {
  return code - 48 >>> 0 <= 9;
}

export class FeatureExtractor {
  /** Feature indices of the last text: sparse ones in [0, sparseCount), shape slots after them up to count. */
  readonly indices = new Int32Array(MAX_FEATURES);
  sparseCount = 0;
  count = 0;
  private readonly counts = new Int32Array(11);
  /** Vector rows of the words read that the word table knows (dense features), when it has one. */
  readonly denseRows = new Int32Array(HEAD_CHARS + TAIL_CHARS);
  denseCount = 0;
  /** How many of denseRows come from the prompt's first FIRST_WORDS words. */
  denseFirst = 0;
  private wordsRead = 0;

  constructor(readonly table?: WordTable) {}

  /** Fills `indices` with the features of `text`; returns the total count. */
  extract(text: string): number {
    // Few locals and no closures in the loop, so V8 keeps them in registers. The feature
    // count needs no bound check: a character adds at most two features (see MAX_FEATURES).
    const indices = this.indices;
    const counts = this.counts;
    counts.fill(0);
    this.denseCount = 0;
    this.denseFirst = 0;
    this.wordsRead = 0;
    const table = this.table;
    const length = text.length;
    const long = length > HEAD_CHARS + TAIL_CHARS;
    let stop = long ? HEAD_CHARS : length;
    let count = 0;
    let word = FNV_OFFSET;
    let wordLength = 0;
    let prefix = 0;
    let previousWord = START;
    let previousCjk = -1;

    for (let index = 0; ; index++) {
      // code -1 marks the end of a part read (the head of a long text, or the whole text).
      let code = -1;
      let kind = SEPARATOR;
      if (index !== stop) {
        code = text.charCodeAt(index);
        const folded = code | 32;
        if (folded - 97 >>> 0 <= 25) {
          // The common case: an ASCII letter (lower-cased by the | 32) extends the current word.
          word = Math.imul(word ^ folded, FNV_PRIME);
          if (++wordLength === PREFIX) prefix = word;
          continue;
        }
        if (code < 128) {
          kind = ASCII_KIND[code] as number;
          if (kind === WORD) {
            // Digits (all alike, so a run of digits is one token per length) and _ (snake_case).
            if (code === 95) word = Math.imul(word ^ 95, FNV_PRIME);
            else {
              word = Math.imul(word ^ 48, FNV_PRIME);
              counts[COUNT_DIGITS] = (counts[COUNT_DIGITS] as number) + 1;
              if (!isDigit(text.charCodeAt(index - 1))) counts[COUNT_NUMBERS] = (counts[COUNT_NUMBERS] as number) + 1;
            }
            if (++wordLength === PREFIX) prefix = word;
            continue;
          }
          if (kind !== SEPARATOR) this.countSymbol(kind, text, index);
        } else if (isCjk(code)) kind = CJK;
        else if (!isSeparator(code)) {
          code = lowerCase(code);
          word = Math.imul(word ^ (code & 0xff) ^ (code >>> 8), FNV_PRIME);
          if (++wordLength === PREFIX) prefix = word;
          continue;
        } else if (code === 0xff1f) counts[COUNT_QUESTIONS] = (counts[COUNT_QUESTIONS] as number) + 1;
        else if (code === 0xab || code === 0xbb || code === 0x201c || code === 0x201e || code === 0x300c) counts[COUNT_QUOTES] = (counts[COUNT_QUOTES] as number) + 1;
      }

      // A word, if any, ends here.
      if (wordLength > 0) {
        indices[count++] = word & MASK;
        if (wordLength > PREFIX) indices[count++] = mix(prefix, PREFIX_SALT) & MASK;
        if (previousWord === START) indices[count++] = mix(word, FIRST_SALT) & MASK;
        else if (previousWord !== 0) indices[count++] = mix(previousWord, word ^ PAIR_SALT) & MASK;
        previousWord = word;
        if (table) this.noteWord(table, word);
        word = FNV_OFFSET;
        wordLength = 0;
      }
      if (kind === CJK) {
        counts[COUNT_CJK] = (counts[COUNT_CJK] as number) + 1;
        indices[count++] = mix(code, CJK_SALT) & MASK;
        if (previousCjk >= 0) indices[count++] = mix(previousCjk * 65_537 + code, CJK_SALT) & MASK;
        previousCjk = code;
        if (previousWord === START) previousWord = 0;
        continue;
      }
      previousCjk = -1;
      if (kind === SENTENCE_END) previousWord = previousWord === START ? START : 0;
      else if (code === -1) {
        if (stop === length) break;
        // Skip the middle of a long text.
        index = length - TAIL_CHARS - 1;
        stop = length;
        previousWord = 0;
      }
    }
    this.sparseCount = count;
    this.count = this.addShape(text, count, long ? HEAD_CHARS + TAIL_CHARS : length);
    return this.count;
  }

  private noteWord(table: WordTable, word: number): void {
    const row = table.lookup(word);
    if (row >= 0) {
      this.denseRows[this.denseCount++] = row;
      if (this.wordsRead < FIRST_WORDS) this.denseFirst = this.denseCount;
    }
    this.wordsRead++;
  }

  private countSymbol(kind: number, text: string, index: number): void {
    const counts = this.counts;
    if (kind === SENTENCE_END) {
      if (text.charCodeAt(index) === 63) counts[COUNT_QUESTIONS] = (counts[COUNT_QUESTIONS] as number) + 1;
      else if (text.charCodeAt(index) === 10) counts[COUNT_NEWLINES] = (counts[COUNT_NEWLINES] as number) + 1;
    } else if (kind === CODE_SYMBOL) counts[COUNT_CODE] = (counts[COUNT_CODE] as number) + 1;
    else if (kind === BACKTICK) counts[COUNT_BACKTICKS] = (counts[COUNT_BACKTICKS] as number) + 1;
    else if (kind === QUOTE) {
      // " always; ' only where a quotation opens (after a space or a colon), not as an apostrophe.
      const before = index > 0 ? text.charCodeAt(index - 1) : 32;
      if (text.charCodeAt(index) === 34 || before === 32 || before === 58 || before === 10) counts[COUNT_QUOTES] = (counts[COUNT_QUOTES] as number) + 1;
    }
    else if (kind === AT) counts[COUNT_AT] = (counts[COUNT_AT] as number) + 1;
    else if (kind === OPERATOR) {
      // Arithmetic: an operator between digits, spaces allowed ("12*7", "3 + 4").
      const before = text.charCodeAt(index - 1) === 32 ? text.charCodeAt(index - 2) : text.charCodeAt(index - 1);
      const after = text.charCodeAt(index + 1) === 32 ? text.charCodeAt(index + 2) : text.charCodeAt(index + 1);
      if (isDigit(before) && isDigit(after)) counts[COUNT_ARITHMETIC] = (counts[COUNT_ARITHMETIC] as number) + 1;
    } else if (kind === COLON && text.charCodeAt(index + 1) === 47 && text.charCodeAt(index + 2) === 47) counts[COUNT_URL] = (counts[COUNT_URL] as number) + 1;
  }

  /** Appends the shape slots after the sparse features; returns the new count. */
  private addShape(text: string, start: number, read: number): number {
    const indices = this.indices;
    const counts = this.counts;
    const length = text.length;
    let count = start;
    const digits = counts[COUNT_DIGITS] as number;
    const newlines = counts[COUNT_NEWLINES] as number;
    const codeSymbols = counts[COUNT_CODE] as number;
    // Length in Latin-script terms: a CJK character carries about as much as three Latin ones.
    const effectiveLength = read > 0 ? Math.round(length * (1 + (2 * (counts[COUNT_CJK] as number)) / read)) : 0;
    indices[count++] = BUCKETS + SHAPE.length + Math.min(LENGTH_SLOTS - 1, 31 - Math.clz32(effectiveLength + 1));
    if (length === 0) indices[count++] = BUCKETS + SHAPE.empty;
    if (newlines > 0) indices[count++] = BUCKETS + SHAPE.newlines + (newlines < 3 ? 0 : newlines < 10 ? 1 : newlines < 50 ? 2 : 3);
    // Numbers are math evidence only with an arithmetic sign between digits, a second number or a
    // word of math; otherwise ("atomic number 6", "in 2024") they get a slot of their own.
    const plainNumbers = digits > 0 && (counts[COUNT_ARITHMETIC] as number) === 0 && (counts[COUNT_NUMBERS] as number) < 2 && !MATH_WORDS.test(length > HEAD_CHARS ? text.slice(0, HEAD_CHARS) : text);
    if (digits > 0 && !plainNumbers) indices[count++] = BUCKETS + SHAPE.digits + (digits * 20 < read ? 0 : digits * 5 < read ? 1 : 2);
    if (codeSymbols * 50 > read) indices[count++] = BUCKETS + SHAPE.codeSymbols + (codeSymbols * 20 < read ? 0 : codeSymbols * 10 < read ? 1 : 2);
    if ((counts[COUNT_BACKTICKS] as number) >= 3) indices[count++] = BUCKETS + SHAPE.fence;
    if ((counts[COUNT_QUESTIONS] as number) > 0) indices[count++] = BUCKETS + SHAPE.question;
    let last = length - 1;
    while (last >= 0 && text.charCodeAt(last) <= 32) last--;
    const lastCode = last >= 0 ? text.charCodeAt(last) : 0;
    if (lastCode === 63 || lastCode === 0xff1f) indices[count++] = BUCKETS + SHAPE.endsWithQuestion;
    if ((counts[COUNT_QUOTES] as number) > 0) indices[count++] = BUCKETS + SHAPE.quote;
    if ((counts[COUNT_AT] as number) > 0) indices[count++] = BUCKETS + SHAPE.at;
    if ((counts[COUNT_ARITHMETIC] as number) > 0) indices[count++] = BUCKETS + SHAPE.arithmetic;
    if ((counts[COUNT_URL] as number) > 0) indices[count++] = BUCKETS + SHAPE.url;
    // A request for code is not a piece of writing, though "write me a query that lists duplicate emails" has both.
    const code = CODE_REQUEST.test(text) || CODE_WORDS.test(text);
    if (code) indices[count++] = BUCKETS + SHAPE.codeRequest;
    else if (WRITE_REQUEST.test(text)) indices[count++] = BUCKETS + SHAPE.writeRequest;
    if (EXTRACT_REQUEST.test(text)) indices[count++] = BUCKETS + SHAPE.extractRequest;
    if (SUMMARIZE_REQUEST.test(text) || SUMMARY_TAIL.test(length > TAIL_CHARS ? text.slice(length - TAIL_CHARS) : text)) indices[count++] = BUCKETS + SHAPE.summarizeRequest;
    if (plainNumbers) indices[count++] = BUCKETS + SHAPE.numbersWithoutMath;
    return count;
  }
}
