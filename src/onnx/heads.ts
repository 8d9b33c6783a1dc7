/**
 * What the two kinds of classifier exports give, read from a loaded ONNX folder:
 *   - sequence classification (a prompt-injection classifier): `logits` [batch, labels] →
 *     each text's label probabilities;
 *   - token classification (an NER model): `logits` [batch, sequence, labels] → entity spans
 *     of the text, from BIO / IOB2 labels ("B-PER", "I-PER") or plain ones ("PER").
 * The tokenizers library gives tokens, not character offsets, so each token is found in the
 * text again (case and accents folded, WordPiece "##", BPE "Ġ" and SentencePiece "▁" markers
 * dropped); a token that cannot be found (an [UNK]) takes the rest of its word.
 */
import { OnnxModelError, softmax, type EncodedBatch, type OnnxFolder, type OutputTensor } from './model-folder.js';

function logitsOf(outputs: Record<string, OutputTensor>, folder: OnnxFolder): OutputTensor {
  const output = outputs.logits ?? outputs[folder.outputNames[0] as string];
  if (!output) throw new OnnxModelError(`${folder.dir}: the model gave no logits output (outputs: ${folder.outputNames.join(', ')})`);
  return output;
}

function labelName(folder: OnnxFolder, index: number): string {
  return folder.labels[index] ?? `LABEL_${index}`;
}

/** Each text's probability per label (names from config.json, or LABEL_<i>). */
export async function classifySequences(folder: OnnxFolder, texts: readonly string[]): Promise<Array<Record<string, number>>> {
  const batch = folder.encode(texts);
  const logits = logitsOf(await folder.run(batch), folder);
  if (logits.dims.length !== 2 || logits.dims[0] !== texts.length) throw new OnnxModelError(`${folder.dir}: expected logits [batch, labels], got [${logits.dims.join(', ')}]`);
  const labels = logits.dims[1] as number;
  return texts.map((_, row) => {
    const probabilities = softmax(logits.data, row * labels, labels);
    return Object.fromEntries(Array.from(probabilities, (probability, index) => [labelName(folder, index), probability]));
  });
}

export interface EntitySpan {
  /** The entity type without its B-/I- prefix ("PER"). */
  label: string;
  start: number;
  end: number;
  /** The mean probability of the span's tokens. */
  score: number;
}

const SPECIAL = /^(?:\[(?:CLS|SEP|PAD|MASK)\]|<\/?s>|<pad>|<mask>|<\|endoftext\|>)$/;

/** A character folded as the tokenizers fold text: lower case, accents dropped. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** [start, end) of each token in `text` (-1 for special tokens and tokens that cannot be placed). */
export function alignTokens(text: string, tokens: readonly string[]): Array<[number, number]> {
  // Fold character by character so every folded position maps back to its original one.
  const folded: string[] = [];
  const origin: number[] = [];
  for (let index = 0; index < text.length; index++) {
    for (const character of fold(text[index] as string)) {
      folded.push(character);
      origin.push(index);
    }
  }
  const haystack = folded.join('');
  let cursor = 0;
  return tokens.map((token): [number, number] => {
    if (SPECIAL.test(token)) return [-1, -1];
    const piece = fold(token.replace(/^##|^Ġ|^▁/, '')).replace(/Ġ|▁/g, ' ').trim();
    if (piece === '' || piece === '[unk]' || piece === '<unk>') {
      // The rest of the current word.
      while (cursor < haystack.length && /\s/.test(haystack[cursor] as string)) cursor++;
      const start = cursor;
      while (cursor < haystack.length && !/\s/.test(haystack[cursor] as string)) cursor++;
      return start < cursor ? [origin[start] as number, (origin[cursor - 1] as number) + 1] : [-1, -1];
    }
    const at = haystack.indexOf(piece, cursor);
    if (at === -1 || at - cursor > 16) return [-1, -1];
    cursor = at + piece.length;
    return [origin[at] as number, (origin[cursor - 1] as number) + 1];
  });
}

/** Entity spans of each text (labels other than "O"), merged across a word's sub-tokens and B-/I- runs. */
export async function tokenEntities(folder: OnnxFolder, texts: readonly string[]): Promise<EntitySpan[][]> {
  const batch: EncodedBatch = folder.encode(texts);
  const logits = logitsOf(await folder.run(batch), folder);
  if (logits.dims.length !== 3 || logits.dims[0] !== texts.length) throw new OnnxModelError(`${folder.dir}: expected logits [batch, sequence, labels], got [${logits.dims.join(', ')}]`);
  const [, length, labels] = logits.dims as [number, number, number];
  return texts.map((text, row) => {
    const tokens = batch.tokens[row] as string[];
    const offsets = alignTokens(text, tokens);
    const spans: EntitySpan[] = [];
    let open: (EntitySpan & { scores: number[] }) | undefined;
    const close = (): void => {
      if (open) spans.push({ label: open.label, start: open.start, end: open.end, score: open.scores.reduce((sum, score) => sum + score, 0) / open.scores.length });
      open = undefined;
    };
    for (let token = 0; token < tokens.length && token < length; token++) {
      const [start, end] = offsets[token] as [number, number];
      if (start < 0) continue;
      const probabilities = softmax(logits.data, (row * length + token) * labels, labels);
      let best = 0;
      for (let index = 1; index < labels; index++) if ((probabilities[index] as number) > (probabilities[best] as number)) best = index;
      const name = labelName(folder, best);
      const subword = (tokens[token] as string).startsWith('##');
      if (name === 'O') {
        // A sub-token continues its word's entity whatever its own label.
        if (open && subword) open.end = end;
        else close();
        continue;
      }
      const entity = name.replace(/^[BIES]-/, '');
      const begins = name.startsWith('B-') && !subword;
      if (open && open.label === entity && !begins) {
        open.end = end;
        open.scores.push(probabilities[best] as number);
      } else {
        close();
        open = { label: entity, start, end, score: 0, scores: [probabilities[best] as number] };
      }
    }
    close();
    return spans;
  });
}
