/**
 * Tokens and hashed features for the injection classifier, in one pass over the text's
 * char codes: a table lower-cases letters of the alphabetic scripts (and folds digits to
 * "0", so numbers of one length are one token), Chinese, Japanese and Korean characters
 * are tokens of their own, and no substring or array is made per token: hashes and offsets
 * go into reused typed arrays. The text's UTF-16 code units are first copied into a reused
 * typed array (one native copy, about 1 µs for 10k characters): the loop then reads them
 * several times faster than with `charCodeAt`, and a space after the last one ends the last
 * word without a bounds check.
 *
 * Features of token i (hashed into BUCKETS):
 *   - the word,
 *   - the pair (word i-1, word i),
 *   - the pair (word i-2, word i), which lets "ignore all previous" and "ignore the previous"
 *     share ("ignore", "previous"),
 *   - the first five characters of words longer than five ("instruction", "instructions"
 *     and "instructed" share "instr").
 * Words inside double quotes (" “” «») hash into a space of their own, so a phrase that is
 * quoted in a question about attacks ("why does 'ignore previous instructions' work?") is
 * not the same feature as the phrase said to the model. A quote closes at the end of the
 * line or after QUOTE_LIMIT characters, so one stray quote mark cannot hide a whole text.
 * Zero-width characters and soft hyphens inside a word are skipped, so they cannot split it.
 */
export const FEATURE_BITS = 18;
export const BUCKETS = 1 << FEATURE_BITS;
const MASK = BUCKETS - 1;
export const FEATURES_PER_TOKEN = 4;
const PREFIX = 5;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const PAIR_SALT = 0x9e3779b1 | 0;
const SKIP_SALT = 0x85ebca6b | 0;
const PREFIX_SALT = 0x6b43a9b5 | 0;
const QUOTE_SALT = 0x2545f491 | 0;
const QUOTE_LIMIT = 160;

/**
 * Character classes: 0 separator, otherwise the lower-cased code (digits fold to "0"). Codes
 * from 0x3000 on are all 0 here (ideographs are handled apart); the table covers every UTF-16
 * code so the tokenizer reads it without a range check (only the entries of the scripts a
 * text uses are ever read, so its size costs no cache).
 */
const LOWER = new Uint16Array(0x10000);
const LOWER_END = 0x3000;
/** Code points at or above 0x3000 that are tokens by themselves. */
function isIdeograph(code: number): boolean {
  return (code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x4e00 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff);
}
(function buildTable() {
  const letterOrDigit = /[\p{L}\p{N}\p{M}]/u;
  for (let code = 0; code < LOWER_END; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const character = String.fromCharCode(code);
    if (!letterOrDigit.test(character)) continue;
    if (code >= 48 && code <= 57) {
      LOWER[code] = 48;
      continue;
    }
    const lower = character.toLowerCase();
    LOWER[code] = lower.length === 1 ? lower.charCodeAt(0) : code;
  }
})();

/** murmur3's finaliser: spreads the bits of a combined hash before it is masked. */
export function mix(value: number): number {
  let hash = value | 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash;
}

export function bucketOf(hash: number): number {
  return mix(hash) & MASK;
}

/** The hash of one word as the tokenizer computes it (for trigger words). */
export function wordHash(word: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < word.length; index++) {
    const code = word.charCodeAt(index);
    const lower = code < LOWER_END ? (LOWER[code] as number) : code;
    hash = Math.imul(hash ^ (lower || code), FNV_PRIME);
  }
  return hash;
}

export function pairHash(previous: number, current: number): number {
  return Math.imul(previous ^ PAIR_SALT, FNV_PRIME) ^ current;
}

/** The weights of an extractor made without a model: every sum is 0. */
let noWeights: Int8Array | undefined;

export class FeatureExtractor {
  /** Number of tokens of the last text. */
  count = 0;
  /** Number of tokens of the last text of 3+ characters that mix letters and digits ("pr3v10u5", "mp3"). */
  mixed = 0;
  /** Number of characters of the last text at U+3000 or above (Chinese, Japanese, Korean…). */
  wide = 0;
  /** UTF-16 offsets of each token's first character and of the character after it. */
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  /** Bucket of each token's word and of the pair it ends, without the quote salt (for trigger words). */
  wordBuckets = new Int32Array(1024);
  pairBuckets = new Int32Array(1024);
  /**
   * FEATURES_PER_TOKEN bucket indices per token; -1 where a token has fewer. Kept only by an
   * extractor made without weights (for training): one made with a classifier's weights keeps
   * their sums instead, and writing 16 bytes per token nobody reads would cost it time.
   */
  features = new Int32Array(1024 * FEATURES_PER_TOKEN);
  /**
   * The tokens (indices, in order) of one character or of 16 and more (end - start), where
   * spaced-out letters and encoded blobs can be, and the tokens with an ASCII digit, where
   * leetspeak can be: so those looks read a few tokens, not all of them.
   */
  shortOrLong = new Int32Array(1024);
  shortOrLongCount = 0;
  withDigits = new Int32Array(1024);
  withDigitsCount = 0;
  /**
   * Prefix sums over tokens [0, i) of the weights (of `weights`) of their features and of the
   * number of their features: what the classifier's windows are scored from, summed in the
   * tokenizing pass (the integer sums are exact, so any order of addition gives the same).
   */
  weightSums = new Float64Array(1024);
  featureCounts = new Int32Array(1024);
  /** The last text's code units and a space after them; `unitBytes` is the same memory, for Buffer.write. */
  private units = new Uint16Array(1024);
  private unitBytes = Buffer.from(this.units.buffer);

  /** One int8 weight per bucket (a classifier's), summed into weightSums as tokens are read. */
  readonly weights: Int8Array;
  /** Whether `features` is filled: only without weights. */
  readonly keepsFeatures: boolean;

  constructor(weights?: Int8Array) {
    this.weights = weights ?? (noWeights ??= new Int8Array(BUCKETS));
    this.keepsFeatures = weights === undefined;
  }

  /** Makes room for `tokens` tokens. */
  private reserve(tokens: number): void {
    if (this.starts.length >= tokens) return;
    let size = this.starts.length;
    while (size < tokens) size *= 2;
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
    this.wordBuckets = new Int32Array(size);
    this.pairBuckets = new Int32Array(size);
    this.features = new Int32Array(size * FEATURES_PER_TOKEN);
    this.shortOrLong = new Int32Array(size);
    this.withDigits = new Int32Array(size);
    this.weightSums = new Float64Array(size + 1);
    this.featureCounts = new Int32Array(size + 1);
    this.units = new Uint16Array(size);
    this.unitBytes = Buffer.from(this.units.buffer);
  }

  /** Writes token `count`'s features; returns its pair hash. */
  private emit(count: number, start: number, end: number, hash: number, prefixHash: number, length: number, previous: number, beforePrevious: number, quoted: boolean): void {
    const features = this.features;
    const base = count << 2;
    const pair = Math.imul(previous ^ PAIR_SALT, FNV_PRIME) ^ hash;
    const salt = quoted ? QUOTE_SALT : 0;
    features[base] = mix(hash ^ salt) & MASK;
    features[base + 1] = count > 0 ? mix(pair ^ salt) & MASK : -1;
    features[base + 2] = count > 1 ? mix(Math.imul(beforePrevious ^ SKIP_SALT, FNV_PRIME) ^ hash ^ salt) & MASK : -1;
    features[base + 3] = length > PREFIX ? mix(prefixHash ^ PREFIX_SALT ^ salt) & MASK : -1;
    this.starts[count] = start;
    this.ends[count] = end;
    this.wordBuckets[count] = quoted ? mix(hash) & MASK : (features[base] as number);
    this.pairBuckets[count] = count === 0 ? -1 : quoted ? mix(pair) & MASK : (features[base + 1] as number);
  }

  /**
   * Tokenizes `text`, fills the arrays; returns the number of tokens. The common case (a
   * word outside quotes) is written out in the loop, with everything in locals: this is the
   * hot path of the injection detector.
   */
  extract(text: string): number {
    const textLength = text.length;
    // A token needs at least one character: never more tokens than characters.
    this.reserve(textLength + 1);
    const units = this.units;
    this.unitBytes.write(text, 0, 'utf16le');
    units[textLength] = 32;
    const features = this.features;
    const starts = this.starts;
    const ends = this.ends;
    const wordBuckets = this.wordBuckets;
    const pairBuckets = this.pairBuckets;
    const weights = this.weights;
    const keepsFeatures = this.keepsFeatures;
    const weightSums = this.weightSums;
    const featureCounts = this.featureCounts;
    const shortOrLong = this.shortOrLong;
    const withDigits = this.withDigits;
    let shortOrLongCount = 0;
    let withDigitsCount = 0;
    let weightSum = 0;
    let featureCount = 0;
    weightSums[0] = 0;
    featureCounts[0] = 0;
    let count = 0;
    let previous = 0;
    let beforePrevious = 0;
    let hash = FNV_OFFSET;
    let prefixHash = FNV_OFFSET;
    let length = 0;
    let start = 0;
    let quoteStart = -1;
    let digits = 0;
    let mixed = 0;
    let wide = 0;
    for (let index = 0; index <= textLength; index++) {
      let code = units[index] as number;
      let lower = LOWER[code] as number;
      if (lower !== 0) {
        // The rest of the word in a tight loop; `code` ends as the character after it (the
        // space at units[textLength] ends the last word).
        if (length === 0) start = index;
        for (;;) {
          hash = Math.imul(hash ^ lower, FNV_PRIME);
          if (++length === PREFIX) prefixHash = hash;
          if (lower === 48) digits++;
          code = units[++index] as number;
          lower = LOWER[code] as number;
          if (lower === 0) break;
        }
      }
      // Invisible characters (zero-width space, joiners, word joiner, soft hyphen, BOM) do
      // not split a word: "ig\u200bnore" is "ignore".
      if (code >= 0xad && (code === 0xad || code === 0x200b || code === 0x200c || code === 0x200d || code === 0x2060 || code === 0xfeff)) continue;
      if (length > 0) {
        if (quoteStart >= 0 && index - quoteStart > QUOTE_LIMIT) quoteStart = -1;
        if (quoteStart < 0) {
          const word = mix(hash) & MASK;
          weightSum += weights[word] as number;
          featureCount++;
          let pair = -1;
          let skip = -1;
          if (count > 0) {
            pair = mix(Math.imul(previous ^ PAIR_SALT, FNV_PRIME) ^ hash) & MASK;
            weightSum += weights[pair] as number;
            featureCount++;
            if (count > 1) {
              skip = mix(Math.imul(beforePrevious ^ SKIP_SALT, FNV_PRIME) ^ hash) & MASK;
              weightSum += weights[skip] as number;
              featureCount++;
            }
          }
          let prefix = -1;
          if (length > PREFIX) {
            prefix = mix(prefixHash ^ PREFIX_SALT) & MASK;
            weightSum += weights[prefix] as number;
            featureCount++;
          }
          if (keepsFeatures) {
            const base = count << 2;
            features[base] = word;
            features[base + 1] = pair;
            features[base + 2] = skip;
            features[base + 3] = prefix;
          }
          starts[count] = start;
          ends[count] = index;
          wordBuckets[count] = word;
          pairBuckets[count] = pair;
        } else {
          this.emit(count, start, index, hash, prefixHash, length, previous, beforePrevious, true);
          for (let slot = count << 2; slot < (count + 1) << 2; slot++) {
            const bucket = features[slot] as number;
            if (bucket < 0) continue;
            weightSum += weights[bucket] as number;
            featureCount++;
          }
        }
        weightSums[count + 1] = weightSum;
        featureCounts[count + 1] = featureCount;
        if (index - start === 1 || index - start >= 16) shortOrLong[shortOrLongCount++] = count;
        if (digits > 0) {
          withDigits[withDigitsCount++] = count;
          if (digits < length && length >= 3) mixed++;
          digits = 0;
        }
        count++;
        beforePrevious = previous;
        previous = hash;
        hash = FNV_OFFSET;
        length = 0;
      }
      if (code < 0x22) {
        if (code === 10) quoteStart = -1;
      } else if (code === 34 /* " */) quoteStart = quoteStart >= 0 ? -1 : index;
      else if (code === 0x201c || code === 0xab /* “ « */) quoteStart = index;
      else if (code === 0x201d || code === 0xbb /* ” » */) quoteStart = -1;
      else if (code >= 0x3000 && (wide++, isIdeograph(code))) {
        // A Chinese, Japanese or Korean character is a token by itself.
        if (quoteStart >= 0 && index - quoteStart > QUOTE_LIMIT) quoteStart = -1;
        const ideograph = Math.imul(FNV_OFFSET ^ code, FNV_PRIME);
        this.emit(count, index, index + 1, ideograph, 0, 1, previous, beforePrevious, quoteStart >= 0);
        for (let slot = count << 2; slot < (count + 1) << 2; slot++) {
          const bucket = features[slot] as number;
          if (bucket < 0) continue;
          weightSum += weights[bucket] as number;
          featureCount++;
        }
        weightSums[count + 1] = weightSum;
        featureCounts[count + 1] = featureCount;
        shortOrLong[shortOrLongCount++] = count;
        count++;
        beforePrevious = previous;
        previous = ideograph;
      }
    }
    this.count = count;
    this.mixed = mixed;
    this.wide = wide;
    this.shortOrLongCount = shortOrLongCount;
    this.withDigitsCount = withDigitsCount;
    return count;
  }
}
