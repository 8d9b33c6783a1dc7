/**
 * Reading a judge's verdict. The judge is asked for JSON ({"verdict", "score"} or
 * {"winner"}) or, failing that, a last line "VERDICT: PASS, SCORE: 8"; the parser also
 * takes "Score: 8/10", "Rating: [[8]]", "[[A]]", a lone PASS / FAIL, and gives up —
 * rather than guess — on anything else. An unreadable verdict is the judge's failure,
 * never the judged model's.
 */
import { jsonCandidates } from '../scoring/extract-json.js';

export type GradeVerdict = { readable: true; pass: boolean; score: number | null } | { readable: false; reason: string };
export type PairwiseVerdict = { readable: true; winner: 'A' | 'B' | 'tie' } | { readable: false; reason: string };

function clampScore(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 1 || number > 10) return null;
  return number;
}

function verdictWord(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toUpperCase();
  if (/^(PASS|PASSED|YES|CORRECT|ACCEPTABLE)$/.test(word)) return true;
  if (/^(FAIL|FAILED|NO|INCORRECT|UNACCEPTABLE)$/.test(word)) return false;
  return undefined;
}

const SCORE_PATTERNS: RegExp[] = [
  /\bscore\s*[:=]?\s*\**\s*\[{0,2}\s*(\d+(?:\.\d+)?)\s*\]{0,2}\s*(?:\/\s*10|out of 10)?/gi,
  /\brating\s*[:=]?\s*\**\s*\[{0,2}\s*(\d+(?:\.\d+)?)\s*\]{0,2}/gi,
  /\[\[\s*(\d+(?:\.\d+)?)\s*\]\]/g,
  /\b(\d+(?:\.\d+)?)\s*(?:\/\s*10|out of 10)\b/gi,
];

export function parseGradeVerdict(text: string, passScore: number): GradeVerdict {
  for (const candidate of jsonCandidates(text)) {
    if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) continue;
    const fields = candidate as Record<string, unknown>;
    const pass = verdictWord(fields.verdict ?? fields.pass ?? fields.result);
    const score = clampScore(fields.score ?? fields.rating);
    if (pass !== undefined) return { readable: true, pass, score };
    if (score !== null) return { readable: true, pass: score >= passScore, score };
  }
  const plain = text.replace(/\*\*|__|`/g, '');
  const verdicts = [...plain.matchAll(/\bverdict\s*[:=]\s*\[{0,2}\s*(PASS|FAIL)\b/gi)];
  let score: number | null = null;
  for (const pattern of SCORE_PATTERNS) {
    const last = [...plain.matchAll(pattern)].pop();
    score = clampScore(last?.[1]);
    if (score !== null) break;
  }
  const lastVerdict = verdicts.pop()?.[1];
  if (lastVerdict) return { readable: true, pass: lastVerdict.toUpperCase() === 'PASS', score };
  if (score !== null) return { readable: true, pass: score >= passScore, score };
  const lastLine = plain.trim().split('\n').pop()?.trim() ?? '';
  const lone = /^\W*(PASS|FAIL)\W*$/i.exec(lastLine)?.[1];
  if (lone) return { readable: true, pass: lone.toUpperCase() === 'PASS', score: null };
  return { readable: false, reason: `no verdict in the judge's answer: "${plain.trim().replace(/\s+/g, ' ').slice(0, 80)}"` };
}

function winnerWord(value: unknown): 'A' | 'B' | 'tie' | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toUpperCase().replace(/^(?:ANSWER|ASSISTANT)\s+/, '');
  if (word === 'A' || word === 'B') return word;
  if (word === 'TIE' || word === 'C' || word === 'EQUAL' || word === 'BOTH') return 'tie';
  return undefined;
}

export function parsePairwiseVerdict(text: string): PairwiseVerdict {
  for (const candidate of jsonCandidates(text)) {
    if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) continue;
    const winner = winnerWord((candidate as Record<string, unknown>).winner ?? (candidate as Record<string, unknown>).better);
    if (winner) return { readable: true, winner };
  }
  const plain = text.replace(/\*\*|__|`/g, '');
  const patterns: RegExp[] = [/\bwinner\s*[:=]\s*\[{0,2}\s*(A|B|TIE)\b/gi, /\[\[\s*(A|B|C|TIE)\s*\]\]/gi, /\b(?:answer|assistant)\s+(A|B)\s+is\s+better\b/gi];
  for (const pattern of patterns) {
    const winner = winnerWord([...plain.matchAll(pattern)].pop()?.[1]);
    if (winner) return { readable: true, winner };
  }
  if (/\b(?:it's a tie|they are equally good|both answers are equally)\b/i.test(plain)) return { readable: true, winner: 'tie' };
  return { readable: false, reason: `no winner in the judge's answer: "${plain.trim().replace(/\s+/g, ' ').slice(0, 80)}"` };
}
