/**
 * Dates of birth, passport numbers and driver's licence numbers: values whose shape alone
 * says nothing (a date, nine digits, a letter and seven digits), so each is reported only
 * right after words that say what it is — "DOB", "date of birth", "born on", "geboren am";
 * "passport no."; "driver's license", "driving licence", "DL#" — with at most a few
 * characters (a colon, "number", "is") between the words and the value.
 */
import type { Finding } from './types.js';

/** Any of the cue words: a text without one costs this one search. */
const CUES = /\b(?:dob|d\.o\.b|birth|born|geboren|geburtsdatum|née?|naissance|nacimiento|nacid[oa]|nascita|nat[oa]|passport|reisepass|passeport|pasaporte|passaporto|paspoort|licen[cs]e|dl|führerschein|permis)\b/i;

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const YEAR = '(?:19|20)\\d{2}';
const DATE = new RegExp(
  `^(?:\\d{1,2}[/.-]\\d{1,2}[/.-](?:${YEAR}|\\d{2})|${YEAR}[/.-]\\d{1,2}[/.-]\\d{1,2}|(?:${MONTHS})\\.?[ ]\\d{1,2}(?:st|nd|rd|th)?,?[ ]${YEAR}|\\d{1,2}(?:st|nd|rd|th)?[ ](?:of[ ])?(?:${MONTHS})\\.?,?[ ]${YEAR})(?![\\p{L}\\p{N}])`,
  'iu',
);
const DOB_CUE = /(?:\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born(?: on)?|birthday(?: is)?|geboren(?: am)?|geburtsdatum|née? le|date de naissance|fecha de nacimiento|nacid[oa] el|data di nascita|nat[oa] il)|\(dob)\s*(?:is|was|:|-)?\s*(?:on\s*)?$/i;

const PASSPORT = /^(?=[A-Z0-9]{6,10}(?![\p{L}\p{N}]))(?=(?:[A-Z]*\d){6})[A-Z]{0,2}\d{6,9}[A-Z]?(?![\p{L}\p{N}])/u;
const PASSPORT_CUE = /\b(?:passport|reisepass|passeport|pasaporte|passaporto|paspoort)(?:[ ](?:no\.?|number|num\.?|nr\.?|#|id|n°|nº|numéro|número|numero|nummer))?(?:[ ](?:is|was))?\s*[:#]?\s*$/i;

const LICENCE = /^(?=[A-Z0-9-]{5,20}(?![\p{L}\p{N}-]))(?=(?:[A-Z-]*\d){5})[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){4,19}(?![\p{L}\p{N}-])/u;
const LICENCE_CUE = /(?:\b(?:driver'?s?|driving)[ ]licen[cs]e|\bdl|führerschein|permis de conduire|licencia de conducir|patente)(?:[ ](?:no\.?|number|num\.?|nr\.?|#|id|n°|numéro|número|nummer))?(?:[ ](?:is|was))?\s*[:#]?\s*$/i;

const CUES_ALL = new RegExp(CUES.source, 'gi');
const WORD_START = /(?<![\p{L}\p{N}_])[\p{L}\p{N}]/gu;

export function scanIdentityNumbers(text: string, findings: Finding[], dates: boolean, passports: boolean, licences: boolean): void {
  if (!CUES.test(text)) return;
  CUES_ALL.lastIndex = 0;
  let done = 0;
  // Whether a value starts at a word depends on the text alone, not on the cue that led there:
  // a word read after one cue is not read again after the next ("DL DL DL…" reads each once).
  let read = 0;
  for (let cue = CUES_ALL.exec(text); cue; cue = CUES_ALL.exec(text)) {
    // The value starts at one of the next few words after the cue.
    const from = Math.max(done, cue.index + cue[0].length);
    const window = text.slice(from, from + 40);
    WORD_START.lastIndex = Math.max(0, read - from);
    for (let word = WORD_START.exec(window); word; word = WORD_START.exec(window)) {
      const start = from + word.index;
      read = start + 1;
      // The value's shape first (anchored, so it fails at once on prose), then the words before it.
      const rest = text.slice(start, start + 32);
      const found = (dates && value(DATE, rest, 'date_of_birth', DOB_CUE, text, start)) || (passports && value(PASSPORT, rest, 'passport', PASSPORT_CUE, text, start)) || (licences && value(LICENCE, rest, 'driver_license', LICENCE_CUE, text, start));
      if (!found) continue;
      findings.push({ guard: 'pii', type: found.type, rule: found.type, start, end: start + found.length, score: 0.85 });
      done = start + found.length;
      CUES_ALL.lastIndex = Math.max(CUES_ALL.lastIndex, done);
      break;
    }
  }
}

/** The value of `pattern` at the start of `rest` when the words before `start` are its cue. */
function value(pattern: RegExp, rest: string, type: string, cue: RegExp, text: string, start: number): { type: string; length: number } | undefined {
  const found = pattern.exec(rest);
  if (!found || !cue.test(text.slice(Math.max(0, start - 48), start))) return undefined;
  return { type, length: found[0].length };
}
