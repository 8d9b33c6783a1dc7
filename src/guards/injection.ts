/**
 * The prompt-injection and jailbreak detector: heuristic rules (injection-rules.ts) and the
 * trained classifier (injection-model.ts) read the same tokens, made in one pass. The same
 * scan serves a user's prompt and content from tools or retrieval (indirect injection):
 * the classifier scores windows of the text, so an instruction planted in a long document
 * is scored on its own.
 *
 * Findings: one per rule match (strong rules at their score; weak rules raise the
 * classifier's logit) and one for the classifier's best window, each only when its score
 * reaches the threshold. A strong rule whose match is quoted counts as a weak one, and
 * adds nothing in a text that discusses attacks ("what does 'ignore previous instructions'
 * do?").
 */
import { BUCKETS, FeatureExtractor, bucketOf, pairHash, wordHash } from './injection-features.js';
import { InjectionModel, sigmoid } from './injection-model.js';
import { INJECTION_RULES, WEAK_RULE_BOOST, type InjectionRule } from './injection-rules.js';
import type { Detector, Finding } from './types.js';

export const DEFAULT_INJECTION_THRESHOLD = 0.6;
/** A text that repeats an attack phrase a thousand times is reported by its first matches. */
const MAX_FINDINGS_PER_RULE = 16;

export interface InjectionOptions {
  /** Score at or above which a finding is reported (0..1). */
  threshold?: number;
  /** The classifier; the shipped one by default, null for rules only. */
  model?: InjectionModel | null;
  /** Whether the heuristic rules run (default true). */
  rules?: boolean;
}

/**
 * Rule i has a trigger word hashing to bucket b: bit (i % 32) of WORD_TRIGGERS[b * MASKS + i / 32]
 * (PAIR_TRIGGERS for two-character CJK words, which are pairs of tokens).
 */
const MASKS = Math.ceil(INJECTION_RULES.length / 32);
const WORD_TRIGGERS = new Uint32Array(BUCKETS * MASKS);
const PAIR_TRIGGERS = new Uint32Array(BUCKETS * MASKS);
/**
 * One bit per bucket: whether any rule has a trigger there. The scan reads these 32 KB
 * filters only for the few tokens that pass a 1 KB one (one bit per bucket modulo 8192,
 * which stays in the CPU's first-level cache), and the large tables above only for the few
 * tokens that pass these.
 */
const HAS_WORD_TRIGGER = new Uint32Array(BUCKETS >> 5);
const HAS_PAIR_TRIGGER = new Uint32Array(BUCKETS >> 5);
const SMALL_FILTER_MASK = 255;
const MAY_HAVE_WORD_TRIGGER = new Uint32Array(SMALL_FILTER_MASK + 1);
const MAY_HAVE_PAIR_TRIGGER = new Uint32Array(SMALL_FILTER_MASK + 1);
let anyTrigger = 0;
INJECTION_RULES.forEach((rule, index) => {
  const bit = 1 << index % 32;
  const word = index >> 5;
  for (const trigger of rule.triggers) {
    const first = trigger.codePointAt(0) ?? 0;
    const table = first >= 0x3000 && trigger.length === 2 ? PAIR_TRIGGERS : WORD_TRIGGERS;
    const hash = table === PAIR_TRIGGERS ? pairHash(wordHash(trigger[0] as string), wordHash(trigger[1] as string)) : wordHash(trigger);
    const slot = bucketOf(hash) * MASKS + word;
    table[slot] = (table[slot] as number) | bit;
    const filter = table === PAIR_TRIGGERS ? HAS_PAIR_TRIGGER : HAS_WORD_TRIGGER;
    const bucket = bucketOf(hash);
    filter[bucket >> 5] = (filter[bucket >> 5] as number) | (1 << (bucket & 31));
    const small = table === PAIR_TRIGGERS ? MAY_HAVE_PAIR_TRIGGER : MAY_HAVE_WORD_TRIGGER;
    small[(bucket >> 5) & SMALL_FILTER_MASK] = (small[(bucket >> 5) & SMALL_FILTER_MASK] as number) | (1 << (bucket & 31));
    anyTrigger++;
  }
});
if (anyTrigger === 0) throw new Error('no injection rule has a trigger word');

function hasTrigger(bucket: number, small: Uint32Array, filter: Uint32Array): boolean {
  const bit = 1 << (bucket & 31);
  return ((small[(bucket >> 5) & SMALL_FILTER_MASK] as number) & bit) !== 0 && ((filter[bucket >> 5] as number) & bit) !== 0;
}

/** A rule's literals grouped by first character: a group is read only if that character occurs. */
interface LiteralGroup {
  first: string;
  literals: string[];
}

const LITERAL_GROUPS: ReadonlyArray<LiteralGroup[] | undefined> = INJECTION_RULES.map((rule) => {
  if (!rule.literals) return undefined;
  const groups: LiteralGroup[] = [];
  for (const literal of rule.literals) {
    const first = literal[0] as string;
    const group = groups.find((candidate) => candidate.first === first);
    if (group) group.literals.push(literal);
    else groups.push({ first, literals: [literal] });
  }
  return groups;
});

function containsAny(text: string, groups: readonly LiteralGroup[]): boolean {
  for (const { first, literals } of groups) {
    if (text.indexOf(first) === -1) continue;
    for (const literal of literals) if (text.indexOf(literal) !== -1) return true;
  }
  return false;
}

const QUOTE = /["'“”‘’«»`]/;
const LETTER = /\p{L}/u;
const DISCUSSION = /\b(?:prompt[\s-]?injections?|injections?|jailbreak(?:s|ing)?|attacks?|attackers?|adversarial|defen[dcs]\w*|protect\w*|detect\w*|classif\w*|filter\w*|examples?|what\s+(?:does|is|are)|explain\w*|why\s+(?:does|do|is)|how\s+(?:do|does|can|to|would)|phrases?|such\s+as|for\s+instance|mean(?:s|ing)?|security|red[\s-]team\w*|guardrails?|sanitiz\w*|test\s+cases?|payloads?|malicious|chatbots?|bots?|llms?|language\s+models?|typed|wrote|posted|sent)\b/i;

const CITED_BEFORE = /(?:\blike|\bsuch as|\be\.g\.|\bcalled|\bsaying|\bthe phrases?|\bthe words|\bthe string)\s*[:,]?\s*$/i;

/**
 * Whether a match sits inside quotes on its line (or is cited: "phrases like …") rather
 * than being said.
 */
function quoted(text: string, start: number, end: number): boolean {
  if (CITED_BEFORE.test(text.slice(Math.max(0, start - 24), start))) return true;
  let before = start - 1;
  while (before >= 0 && start - before <= 160 && text.charCodeAt(before) !== 10 && !isQuoteAt(text, before)) before--;
  if (before < 0 || start - before > 160 || !isQuoteAt(text, before)) return false;
  let after = Math.max(start, end - 1);
  while (after < text.length && after - end < 160 && text.charCodeAt(after) !== 10 && !isQuoteAt(text, after)) after++;
  return after < text.length && isQuoteAt(text, after);
}

/** A quotation mark at `index`; an apostrophe between two letters ("don't") is not one. */
function isQuoteAt(text: string, index: number): boolean {
  const character = text[index] as string;
  if (!QUOTE.test(character)) return false;
  if (character !== "'" && character !== '’') return true;
  return !(LETTER.test(text[index - 1] ?? '') && LETTER.test(text[index + 1] ?? ''));
}

/** Whether the text around a match talks about attacks (asks about, reports, defends against them). */
function discussing(text: string, start: number, end: number): boolean {
  return DISCUSSION.test(text.length > 4000 ? text.slice(Math.max(0, start - 2000), end + 2000) : text);
}

interface HiddenText {
  start: number;
  end: number;
  decoded: string;
  kind: 'base64' | 'hex' | 'spaced' | 'leet';
}

const BLOB_CHAR = /[A-Za-z0-9+/=_-]/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const READABLE = /^[\t\n\r\x20-\x7e\u00a0-\ufffc]+$/;

/** The text a base64 or hex blob decodes to, when that is readable text with words in it. */
function decodeBlob(blob: string): { decoded: string; kind: 'base64' | 'hex' } | undefined {
  const kind = HEX.test(blob) ? 'hex' : 'base64';
  const decoded = kind === 'hex' ? Buffer.from(blob, 'hex').toString('utf8') : Buffer.from(blob.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  if (decoded.length < 8 || !READABLE.test(decoded) || decoded.split(' ').length < 3) return undefined;
  return { decoded, kind };
}

/** Digits that stand for letters in leetspeak ("1gn0r3 4ll pr3v10u5"). */
const LEET = ['o', 'i', '', 'e', 'a', 's', '', 't', '', ''];
/** Leet words needed before a text is read again with the digits turned into letters. */
const LEET_WORDS = 3;

/** Whether token [start, end) mixes letters with only the digits leetspeak uses (0 1 3 4 5 7). */
function isLeetWord(text: string, start: number, end: number): boolean {
  if (end - start < 3) return false;
  let digits = 0;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) continue;
    if (LEET[code - 48] === '') return false;
    digits++;
  }
  return digits > 0 && digits < end - start;
}

/**
 * The text with leetspeak undone, when at least LEET_WORDS words mix letters with the
 * digits leetspeak uses ("1gn0r3"); a text with "mp3" or "IPv4" is seldom read twice.
 */
function leetText(text: string, extractor: FeatureExtractor): HiddenText | undefined {
  if (extractor.mixed < LEET_WORDS) return undefined;
  const starts = extractor.starts;
  const ends = extractor.ends;
  // A leet word has a digit: only the tokens with one are read.
  const withDigits = extractor.withDigits;
  const candidates = extractor.withDigitsCount;
  let words = 0;
  let first = -1;
  let last = -1;
  for (let index = 0; index < candidates; index++) {
    const token = withDigits[index] as number;
    const start = starts[token] as number;
    const end = ends[token] as number;
    if (!isLeetWord(text, start, end)) continue;
    words++;
    if (first < 0) first = start;
    last = end;
  }
  if (words < LEET_WORDS) return undefined;
  let decoded = '';
  let copied = 0;
  for (let index = 0; index < candidates; index++) {
    const token = withDigits[index] as number;
    const start = starts[token] as number;
    const end = ends[token] as number;
    if (!isLeetWord(text, start, end)) continue;
    decoded += text.slice(copied, start) + text.slice(start, end).replace(/[013457]/g, (digit) => LEET[Number(digit)] as string);
    copied = end;
  }
  return { start: first, end: last, decoded: decoded + text.slice(copied), kind: 'leet' };
}

/**
 * Stretches of the text that may hide words: base64 or hex blobs (a token of 16+ characters
 * inside a run of base64 characters), letters spaced out one by one ("I G N O R E") and
 * leetspeak ("1gn0r3 4ll pr3v10u5 1n5truc710n5").
 */
function hiddenTexts(text: string, extractor: FeatureExtractor): HiddenText[] {
  const found: HiddenText[] = [];
  const starts = extractor.starts;
  const ends = extractor.ends;
  let readTo = 0;
  let spacedFrom = -1;
  // Only tokens of one character or of 16 and more are read: a token of any other length
  // only ends a run of spaced-out letters, so one skipped before `token` does just that.
  const shortOrLong = extractor.shortOrLong;
  for (let index = 0, previous = -1; index < extractor.shortOrLongCount; index++) {
    const token = shortOrLong[index] as number;
    if (token !== previous + 1) spacedFrom = -1;
    previous = token;
    const start = starts[token] as number;
    const length = (ends[token] as number) - start;
    if (length === 1) {
      if (spacedFrom < 0 || start - (ends[token - 1] as number) > 3) spacedFrom = token;
      const next = token + 1;
      if (next < extractor.count && (ends[next] as number) - (starts[next] as number) === 1 && (starts[next] as number) - (ends[token] as number) <= 3) continue;
      if (token - spacedFrom >= 7) {
        const run = text.slice(starts[spacedFrom] as number, ends[token] as number);
        found.push({ start: starts[spacedFrom] as number, end: ends[token] as number, decoded: run.replace(/(?<=\S) (?=\S)/g, '').replace(/\s{2,}/g, ' '), kind: 'spaced' });
      }
      spacedFrom = -1;
      continue;
    }
    spacedFrom = -1;
    if (length < 16 || start < readTo) continue;
    let blobStart = start;
    while (blobStart > readTo && start - blobStart < 4096 && BLOB_CHAR.test(text[blobStart - 1] as string)) blobStart--;
    let blobEnd = ends[token] as number;
    while (blobEnd < text.length && blobEnd - blobStart < 8192 && BLOB_CHAR.test(text[blobEnd] as string)) blobEnd++;
    readTo = blobEnd;
    if (blobEnd - blobStart < 20) continue;
    const decoded = decodeBlob(text.slice(blobStart, blobEnd));
    if (decoded) found.push({ start: blobStart, end: blobEnd, ...decoded });
  }
  const leet = leetText(text, extractor);
  if (leet) found.push(leet);
  return found;
}

function logit(probability: number): number {
  const clamped = Math.min(1 - 1e-6, Math.max(1e-6, probability));
  return Math.log(clamped / (1 - clamped));
}

export class InjectionDetector implements Detector {
  readonly name = 'injection' as const;
  readonly threshold: number;
  private readonly model: InjectionModel | null;
  private readonly rules: boolean;
  private readonly extractor: FeatureExtractor;
  /** Per rule: trigger positions of the current scan (start offsets of trigger tokens). */
  private readonly positions: number[][] = INJECTION_RULES.map(() => []);

  constructor(options: InjectionOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_INJECTION_THRESHOLD;
    this.model = options.model === undefined ? InjectionModel.load() : options.model;
    this.rules = options.rules ?? true;
    this.extractor = new FeatureExtractor(this.model?.weights);
  }

  /** The classifier's probability (its best window) on the last text scanned, 0 without a model. */
  lastScore = 0;

  scan(text: string): Finding[] {
    const findings: Finding[] = [];
    const hidden = this.scanOnce(text, findings, true);
    // Encoded or spaced-out text: decoded and scanned like the rest (one level deep).
    for (const { start, end, decoded, kind } of hidden) {
      const inner: Finding[] = [];
      this.scanOnce(decoded, inner, false);
      if (inner.length === 0) continue;
      const strongest = inner.reduce((best, finding) => (finding.score > best.score ? finding : best));
      findings.push({ guard: 'injection', type: strongest.type, rule: `encoded.${kind}`, start, end, score: strongest.score });
    }
    return findings.sort((left, right) => left.start - right.start || right.end - left.end);
  }

  /** Rules and classifier on `text`; with `look`, the hidden texts worth decoding. */
  private scanOnce(text: string, findings: Finding[], look: boolean): HiddenText[] {
    const extractor = this.extractor;
    const tokens = extractor.extract(text);
    const window = this.model?.score(extractor);
    const probability = window?.probability ?? 0;
    if (look) this.lastScore = probability;
    if (this.rules) this.applyRules(text, tokens, probability, findings);
    if (window && probability >= this.threshold && window.endToken > window.firstToken) {
      const start = extractor.starts[window.firstToken] as number;
      const end = extractor.ends[window.endToken - 1] as number;
      findings.push({ guard: 'injection', type: 'injection', rule: 'classifier', start, end, score: probability });
    }
    return look ? hiddenTexts(text, extractor) : [];
  }

  private applyRules(text: string, tokens: number, probability: number, findings: Finding[]): void {
    const extractor = this.extractor;
    const words = extractor.wordBuckets;
    const pairs = extractor.pairBuckets;
    // Pair triggers are two-character Chinese, Japanese and Korean words, of the zh, ja and ko
    // rules, whose patterns cannot match without such characters (U+3000 and above): in a text
    // without any, a pair whose bucket collides with theirs would run them for nothing.
    const cjk = extractor.wide > 0;
    for (let token = 0; token < tokens; token++) {
      const wordBucket = words[token] as number;
      let pairBucket = cjk ? (pairs[token] as number) : -1;
      if (pairBucket >= 0 && !hasTrigger(pairBucket, MAY_HAVE_PAIR_TRIGGER, HAS_PAIR_TRIGGER)) pairBucket = -1;
      if (pairBucket < 0 && !hasTrigger(wordBucket, MAY_HAVE_WORD_TRIGGER, HAS_WORD_TRIGGER)) continue;
      for (let word = 0; word < MASKS; word++) {
        const mask = (WORD_TRIGGERS[wordBucket * MASKS + word] as number) | (pairBucket >= 0 ? (PAIR_TRIGGERS[pairBucket * MASKS + word] as number) : 0);
        if (mask === 0) continue;
        for (let bit = 0; bit < 32; bit++) {
          if ((mask & (1 << bit)) !== 0) (this.positions[word * 32 + bit] as number[]).push(extractor.starts[token] as number);
        }
      }
    }
    for (let index = 0; index < INJECTION_RULES.length; index++) {
      const rule = INJECTION_RULES[index] as InjectionRule;
      const positions = this.positions[index] as number[];
      const literals = LITERAL_GROUPS[index];
      if (positions.length > 0) {
        this.runAround(rule, text, positions, probability, findings);
        positions.length = 0;
      } else if (literals && containsAny(text, literals)) this.runOn(rule, text, 0, text.length, probability, findings);
    }
  }

  /** Runs a rule on merged windows around its trigger positions. */
  private runAround(rule: InjectionRule, text: string, positions: number[], probability: number, findings: Finding[]): void {
    let windowStart = -1;
    let windowEnd = -1;
    for (const position of positions) {
      const start = Math.max(0, position - rule.before);
      const end = Math.min(text.length, position + rule.after);
      if (start <= windowEnd) {
        windowEnd = Math.max(windowEnd, end);
        continue;
      }
      if (windowEnd > windowStart) this.runOn(rule, text, windowStart, windowEnd, probability, findings);
      windowStart = start;
      windowEnd = end;
    }
    if (windowEnd > windowStart) this.runOn(rule, text, windowStart, windowEnd, probability, findings);
  }

  private runOn(rule: InjectionRule, text: string, from: number, to: number, probability: number, findings: Finding[]): void {
    const slice = from === 0 && to === text.length ? text : text.slice(from, to);
    const pattern = rule.pattern;
    pattern.lastIndex = 0;
    let reported = 0;
    for (let match = pattern.exec(slice); match && reported < MAX_FINDINGS_PER_RULE; match = pattern.exec(slice)) {
      if (match[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      const start = from + match.index;
      const end = start + match[0].length;
      if (findings.some((finding) => finding.rule === rule.name && finding.start === start)) continue;
      // Said outright, a strong rule flags on its own. Quoted, it is evidence for the classifier
      // to weigh ("translate 'ignore previous instructions…'"), and none at all in a text that
      // discusses attacks ("why does 'ignore previous instructions' work?").
      const cited = quoted(text, start, end);
      const score = rule.strong && !cited ? Math.max(rule.score, probability) : cited && discussing(text, start, end) ? probability : sigmoid(logit(probability) + WEAK_RULE_BOOST);
      if (score >= this.threshold) {
        findings.push({ guard: 'injection', type: rule.type, rule: rule.name, start, end, score });
        reported++;
      }
    }
  }
}
