/**
 * Phone numbers. A regex with one character class finds runs of digits, spaces, dots,
 * dashes and parentheses (linear, no nested quantifiers); the run is cut into digit groups
 * and the longest slice of groups with a phone's shape is kept:
 *   - international: "+" and a country code, 8-15 digits in all ("+44 20 7946 0958",
 *     "+1 (415) 555-2671", "+49 30 901820", "+14155552671", "+44 (0)20 7946 0958");
 *   - North American: (415) 555-2671, 415-555-2671, 415.555.2671, 1-415-555-2671, with the
 *     area code and the exchange starting 2-9;
 *   - international with the "00" exit code: "0049 30 901820";
 *   - national with a trunk 0: "020 7946 0958", "06 12 34 56 78", "030 901820", 9-12 digits
 *     in at least two groups, or 10-11 digits in one group right after a phone word
 *     ("call me on 0612345678").
 * A run these shapes do not take is handed to libphonenumber-js (Google's numbering plans):
 *   - "+" and a country code: a phone when the plan says the number is possible ("+447700 921
 *     916", "+33 371037359");
 *   - without "+": only after a phone word ("call back on 357 032 079", "mobile: 016977 6621",
 *     "not answering at 78 651 450", "stop the messages to 71-33-52-22"), when it is a possible
 *     number of one of the common countries (NATIONAL_COUNTRIES).
 * A seven-digit local number ("Phone: 467 3395") is taken only right after a phone word too.
 * An extension after a phone ("x4587", "ext. 22", "extension 12") belongs to it.
 * Not phones: a plain run of digits without separators (order and account numbers), dates
 * (2023-10-12, 12.10.2023), ZIP+4 codes, IP addresses, version numbers, and numbers right
 * after "order", "invoice", "ticket", "#"… unless the text says phone, call, tel, fax….
 */
import { isPossiblePhoneNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Finding } from './types.js';

const PHONE_WORDS = /\b(?:phone|phoned|phones|tel|telephone|call|calling|called|callback|mobile|cell|cellphone|fax|whatsapp|signal|viber|telegram|wechat|imessage|sms|text me|texts?|texted|texting|messages?|messaging|voicemail|answer|answering|answered|reach|reached|contact|dial|dialled|dialed|ring|hotline|helpline|landline|pager|switchboard|ping me|get in touch|hit me up|(?:my|your|his|her|our|their) (?:new |home |work |office |direct )?(?:number|line)|(?:desk|office|home|work|direct|mob|ph|cel)\.? ?:)|\b(?:téléphone|teléfono|telefono|telefon|handy|portable|móvil|cellulare)|☎|📞/i;
/** A phone word right after a number: "780 6326 (home)", "99 668472 is my cell". */
const PHONE_WORDS_AFTER = /^[ ,]*(?:\(\s*(?:home|work|office|mobile|cell|fax|tel|landline|direct|desk|whatsapp)\s*\)|(?:is|was) (?:my|his|her|their|our|the) (?:\w+ )?(?:phone|mobile|cell|number|landline|fax|line)\b)/i;
/** Countries whose national numbers are looked for after a phone word when no shape above fits. */
const NATIONAL_COUNTRIES: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'CH', 'AT', 'IE', 'PT', 'PL', 'SE', 'AU', 'IN', 'BR', 'MX', 'CA'];
/** A run that starts with a date: year-month-day or day-month-year, dashes, dots or slashes. */
const DATE_START = /^(?:(?:19|20)\d\d([-./])[01]?\d\1[0-3]?\d|[0-3]?\d([-./])[01]?\d\2(?:19|20)\d\d)(?!\d)/;
const EXTENSION = /^[ ,]*(?:x|ext\.?|extension|#)[ ]?\d{1,6}(?!\w)/i;
const REFERENCE_BEFORE = /(?:\b(?:order|invoice|inv|ref|reference|ticket|tracking|account|acct|case|po|sku|serial|isbn|issn|id|part|model|batch|lot|policy|claim|receipt|transaction|confirmation|booking|item)\b|#|№)\s*(?:no\.?|number|nr\.?|num\.?)?\s*[:#.]?\s*$/i;

interface Group {
  start: number;
  end: number;
  /** Digits of the group (no separators). */
  length: number;
  parenthesised: boolean;
  /** The separator before this group: ' ', '-', '.', '' (none) or '(' after a separator. */
  separator: string;
}

const groups: Group[] = [];

/** Cuts a run into digit groups; returns how many there are. */
function splitGroups(text: string, start: number, end: number): number {
  let count = 0;
  let index = start;
  let separator = '';
  while (index < end) {
    const code = text.charCodeAt(index);
    const parenthesised = code === 40; /* ( */
    const digitsStart = parenthesised ? index + 1 : index;
    let cursor = digitsStart;
    while (cursor < end && isDigit(text.charCodeAt(cursor))) cursor++;
    if (cursor === digitsStart) break;
    if (parenthesised) {
      if (text.charCodeAt(cursor) !== 41 /* ) */) break;
    }
    const group = groups[count] ?? { start: 0, end: 0, length: 0, parenthesised: false, separator: '' };
    group.start = index;
    group.end = parenthesised ? cursor + 1 : cursor;
    group.length = cursor - digitsStart;
    group.parenthesised = parenthesised;
    group.separator = separator;
    groups[count++] = group;
    index = group.end;
    // One separator (a space may follow a dot or a dash, "+44 (0) 20"), then the next group.
    separator = '';
    while (index < end && separator.length < 2) {
      const next = text.charCodeAt(index);
      if (next === 32 || next === 45 || next === 46) separator += text[index];
      else break;
      index++;
    }
    if (separator.length === 2 && separator !== '- ' && separator !== '. ' && separator !== ' -') break;
  }
  return count;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function digitAt(text: string, group: Group, offset: number): number {
  return text.charCodeAt(group.start + (group.parenthesised ? 1 : 0) + offset) - 48;
}

/** The score of groups [first, last] as a phone number, 0 when they are not one. */
function phoneScore(text: string, first: number, last: number, plus: boolean): number {
  let digits = 0;
  let trunkInBrackets = 0;
  for (let index = first; index <= last; index++) {
    const group = groups[index] as Group;
    digits += group.length;
    if (group.parenthesised && group.length === 1 && digitAt(text, group, 0) === 0) trunkInBrackets++;
  }
  const count = last - first + 1;
  const head = groups[first] as Group;
  if (plus) {
    const national = digits - trunkInBrackets;
    if (national < 8 || national > 15 || count > 7) return 0;
    if (count === 1) return national >= 10 ? 0.85 : 0;
    if (head.parenthesised || head.length > 3 || digitAt(text, head, 0) === 0) return 0;
    for (let index = first + 1; index <= last; index++) if ((groups[index] as Group).length > 8) return 0;
    return 0.9;
  }
  // North American: [1] (NXX) NXX XXXX or [1-]NXX-NXX-XXXX with one kind of separator.
  let nanp = first;
  if (count === 4 && head.length === 1 && digitAt(text, head, 0) === 1 && !head.parenthesised) nanp = first + 1;
  if (last - nanp === 2) {
    const area = groups[nanp] as Group;
    const exchange = groups[nanp + 1] as Group;
    const line = groups[nanp + 2] as Group;
    // The exchange must start 2-9 in the real plan; test data and fictional numbers often break
    // that rule (930.167.3943), and such a number is still someone's phone in a text.
    if (area.length === 3 && exchange.length === 3 && line.length === 4 && digitAt(text, area, 0) >= 2) {
      const sameSeparator = exchange.separator === line.separator || (area.parenthesised && line.separator === '-');
      if (area.parenthesised || (sameSeparator && exchange.separator !== '')) return 0.85;
    }
  }
  // International with the "00" exit code instead of "+": "0049 30 901820", "0044 20 7946 0958".
  if (count >= 2 && head.length >= 3 && head.length <= 5 && !head.parenthesised && digitAt(text, head, 0) === 0 && digitAt(text, head, 1) === 0 && digitAt(text, head, 2) !== 0) {
    const national = digits - 2 - trunkInBrackets;
    if (national < 8 || national > 15) return 0;
    for (let index = first + 1; index <= last; index++) if ((groups[index] as Group).length > 8) return 0;
    return 0.8;
  }
  if (head.length !== digits && digitAt(text, head, 0) !== 0) {
    const grouped = groupedNational(text, first, last, digits);
    if (grouped > 0) return grouped;
  }
  // A national number written without separators ("0612345678") is a phone only where the
  // text says so (phoneWordBefore); elsewhere it is as likely an account or order number.
  if (count === 1 && !head.parenthesised && digits >= 10 && digits <= 11 && digitAt(text, head, 0) === 0 && digitAt(text, head, 1) !== 0) return phoneWordBefore(text, head.start) ? 0.6 : 0;
  // National with a trunk prefix 0.
  if (count < 2 || digits < 9 || digits > 12) return 0;
  if (head.length < 2 || head.length > 5 || digitAt(text, head, 0) !== 0 || digitAt(text, head, 1) === 0) return 0;
  for (let index = first + 1; index <= last; index++) {
    const group = groups[index] as Group;
    if (group.length < 2 || group.length > 8 || group.parenthesised) return 0;
  }
  // ZIP+4 (02134-1234) and dates written with a leading zero (01.02.2023) are not phones.
  if (count === 2 && head.length === 5 && (groups[last] as Group).length === 4) return 0;
  const separator = (groups[first + 1] as Group).separator;
  for (let index = first + 2; index <= last; index++) if ((groups[index] as Group).separator !== separator) return 0;
  return 0.7;
}

/**
 * National numbers without a trunk 0 in the groupings other countries write them in, taken
 * without a phone word because their shape is not that of an amount, a date or a list:
 *   - an area code in brackets, "(99) 645-791", "(71) 4233-6306";
 *   - four or more groups of 2-4 digits joined by dashes, "60-56-85-91" (not a sum: "= 10-20-30-40");
 *   - three or more groups of 2-4 digits of mixed lengths joined by spaces, "21 284 698 2548",
 *     "51 516 33 75" — not thousands ("78 651 450": every group after the first of three) nor
 *     a list of equal groups ("10 20 30 40").
 * 8-12 digits; dates ("2023-10-12", "12-10-2023") are not. The caller rejects a slice that
 * continues a longer evenly separated sequence (a row of a table of numbers).
 */
function groupedNational(text: string, first: number, last: number, digits: number): number {
  const head = groups[first] as Group;
  const count = last - first + 1;
  if (digits < 8 || digits > 12 || count > 5) return 0;
  if (DATE_START.test(text.slice(head.start + (head.parenthesised ? 1 : 0), (groups[last] as Group).end))) return 0;
  for (let index = first + 1; index <= last; index++) {
    const group = groups[index] as Group;
    if (group.parenthesised || group.length < 2 || group.length > 5 || group.separator === '.' || group.separator.length !== 1) return 0;
  }
  if (head.parenthesised) {
    // "(2019) 123-456" cites a year.
    if (head.length < 2 || head.length > 4 || (head.length === 4 && (digitAt(text, head, 0) === 1 || digitAt(text, head, 0) === 2))) return 0;
    return count >= 2 ? 0.65 : 0;
  }
  if (count < 3 || head.length < 2 || head.length > 4) return 0;
  const separator = (groups[first + 1] as Group).separator;
  let sameLength = true;
  let thousands = true;
  for (let index = first + 1; index <= last; index++) {
    const group = groups[index] as Group;
    if (group.separator !== separator || group.length > 4) return 0;
    if (group.length !== head.length) sameLength = false;
    if (group.length !== 3) thousands = false;
  }
  // Dashes: four groups or more; three are an SSN's shape (512-15-4849) or a subtraction.
  if (separator === '-') return count >= 4 && !arithmetic(text, head.start, (groups[last] as Group).end) ? 0.6 : 0;
  return separator === ' ' && !sameLength && !thousands ? 0.55 : 0;
}

/** Whether text[start, end) is a term of a calculation: "=" or an operator next to it. */
function arithmetic(text: string, start: number, end: number): boolean {
  let before = start - 1;
  while (before >= 0 && text.charCodeAt(before) === 32) before--;
  let after = end;
  while (after < text.length && text.charCodeAt(after) === 32) after++;
  return /[=<>*/+×÷]/.test(text[before] ?? '') || /[=<>*/+×÷]/.test(text[after] ?? '');
}

/**
 * Whether groups [first, last] continue a longer evenly separated sequence of the run, like
 * "0532 0130 01" inside "3704 0044 0532 0130 01" (an IBAN with a wrong checksum).
 */
function partOfLongerSequence(first: number, last: number, count: number): boolean {
  if (last === first) return false;
  const inner = (groups[last] as Group).separator;
  if (last + 1 < count && (groups[last + 1] as Group).separator === inner) return true;
  const head = groups[first] as Group;
  return first > 0 && !head.parenthesised && head.separator === (groups[first + 1] as Group).separator;
}

/** Whether a phone word ("call", "mobile", "tel"…) comes at most 48 characters before `start`. */
function phoneWordBefore(text: string, start: number): boolean {
  return PHONE_WORDS.test(text.slice(Math.max(0, start - 48), start));
}

/** A phone word before `start` or right after `end` ("780 6326 (home)", "… is my cell"). */
function phoneWordNear(text: string, start: number, end: number): boolean {
  return phoneWordBefore(text, start) || PHONE_WORDS_AFTER.test(text.slice(end, end + 40));
}

function contextAllows(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 32), start);
  if (!REFERENCE_BEFORE.test(before)) return true;
  return PHONE_WORDS.test(before);
}

/** The longest slice of groups, from `first` on, that is a phone: its last group and score. */
function longestPhone(text: string, first: number, count: number, plus: boolean): { last: number; score: number } | undefined {
  const head = groups[first] as Group;
  const trunk = head.length >= 2 && digitAt(text, head, 0) === 0;
  // Cheap shapes first: North American numbers are [1] NXX NXX XXXX, national ones start with 0.
  let longest = first;
  if (plus || trunk) {
    let digits = head.length;
    while (longest + 1 < count && longest - first < 7 && digits + (groups[longest + 1] as Group).length <= 16) {
      digits += (groups[longest + 1] as Group).length;
      longest++;
    }
  } else if (head.length === 3 && !head.parenthesised) longest = Math.min(count - 1, first + 4);
  else if (head.length === 1 && digitAt(text, head, 0) === 1) longest = Math.min(count - 1, first + 3);
  else if (head.length >= 2 && head.length <= 4) longest = Math.min(count - 1, first + 4);
  else return undefined;
  for (let last = longest; last >= first; last--) {
    const score = phoneScore(text, first, last, plus);
    if (score > 0) return { last, score };
  }
  return undefined;
}

/** Phones in the run of digits and separators text[runStart, runEnd), which ends with a digit. */
export function scanPhoneRun(text: string, runStart: number, runEnd: number, findings: Finding[]): void {
  const previous = runStart > 0 ? text.charCodeAt(runStart - 1) : 32;
  if (previous === 43 /* + */) runStart--;
  // "(" opens an area code only when ")" closes it right after its digits: "(905-674-3793)" is a
  // phone in brackets, not one whose first group is bracketed.
  else if (previous === 40 /* ( */ && closedGroup(text, runStart, runEnd)) runStart--;
  const plus = text.charCodeAt(runStart) === 43;
  const count = splitGroups(text, plus ? runStart + 1 : runStart, runEnd);
  // Glued to a word, a decimal point, a path or a reference sign, the first group starts no phone.
  const gluedStart = runStart > 0 && /[\w./#@+-]/.test(text[runStart - 1] as string);
  let first = 0;
  if (gluedStart) first = nextSpaced(1, count);
  const before = findings.length;
  while (first < count) {
    const startsWithPlus = plus && first === 0;
    const phone = longestPhone(text, first, count, startsWithPlus);
    if (!phone) {
      first = nextSpaced(first + 1, count);
      continue;
    }
    const { last, score } = phone;
    const start = startsWithPlus ? runStart : (groups[first] as Group).start;
    const end = (groups[last] as Group).end;
    // Continued by "-12" or ".5", or glued to a letter: part of something else.
    const continued = last + 1 < count ? (groups[last + 1] as Group).separator !== ' ' : /[\w@]/.test(text[end] ?? ' ') && withExtension(text, end) === end;
    if (!continued && !partOfLongerSequence(first, last, count) && contextAllows(text, start)) {
      findings.push({ guard: 'pii', type: 'phone', rule: startsWithPlus ? 'phone.international' : score >= 0.85 ? 'phone.nanp' : 'phone.national', start, end: withExtension(text, end), score });
    }
    first = nextSpaced(last + 1, count);
  }
  if (findings.length === before && count > 0 && !gluedStart) numberingPlanPhone(text, runStart, plus, count, findings);
}

/** Whether the digits at `start` are followed by ")" (the run's characters include brackets). */
function closedGroup(text: string, start: number, end: number): boolean {
  let index = start;
  while (index < end && isDigit(text.charCodeAt(index))) index++;
  return text.charCodeAt(index) === 41 /* ) */;
}

/** The end of a phone number, moved past an extension that follows it ("x4587", "ext. 22"). */
function withExtension(text: string, end: number): number {
  const code = text.charCodeAt(end);
  if (code !== 32 && code !== 44 && code !== 120 && code !== 88 && code !== 101 && code !== 69 && code !== 35) return end;
  const match = EXTENSION.exec(text.slice(end, end + 24));
  return match ? end + match[0].length : end;
}

/**
 * A run the shapes above did not take, checked against the numbering plans: with "+", any
 * possible number of its country; without, a possible national number of a common country
 * right after a phone word. The run's groups are read up to the first one that cannot belong
 * to a phone (a group glued to a letter, or a 2-character separator).
 */
function numberingPlanPhone(text: string, runStart: number, plus: boolean, count: number, findings: Finding[]): void {
  const last = groups[count - 1] as Group;
  const end = last.end;
  if (/[\w@]/.test(text[end] ?? ' ')) return;
  let digits = 0;
  for (let index = 0; index < count; index++) digits += (groups[index] as Group).length;
  if (digits === 7 && !plus) {
    localPhone(text, runStart, count, findings);
    return;
  }
  if (digits < 8 || digits > 15) return;
  const value = text.slice(runStart, end);
  if (plus) {
    const parsed = parsePhoneNumberFromString(value);
    if (parsed && parsed.isPossible()) findings.push({ guard: 'pii', type: 'phone', rule: 'phone.plan', start: runStart, end: withExtension(text, end), score: 0.75 });
    return;
  }
  if (!phoneWordNear(text, runStart, end) || REFERENCE_BEFORE.test(text.slice(Math.max(0, runStart - 32), runStart))) return;
  // A date and the hour after it ("2024-03-02 14:01", "02.03.2024 14") is no phone.
  if (DATE_START.test(value)) return;
  // Not a date, a decimal or a version: separators are spaces, dashes, dots or brackets only between groups of 2+.
  for (let index = 1; index < count; index++) if ((groups[index] as Group).length < 2) return;
  if (NATIONAL_COUNTRIES.some((country) => isPossiblePhoneNumber(value, country))) {
    findings.push({ guard: 'pii', type: 'phone', rule: 'phone.plan', start: runStart, end: withExtension(text, end), score: 0.6 });
  }
}

/**
 * A seven-digit local number ("467 3395", "555-0134", "451 22 86"): no numbering plan tells it
 * from any other seven digits, so it counts only right after a phone word, grouped 3-4 or 3-2-2
 * with one kind of separator and not starting with 0 or 1 (a trunk or a country code would make
 * it longer).
 */
function localPhone(text: string, runStart: number, count: number, findings: Finding[]): void {
  const head = groups[0] as Group;
  if (head.parenthesised || head.length !== 3 || digitAt(text, head, 0) < 2) return;
  const second = groups[1] as Group;
  const shape = count === 2 ? second.length === 4 : count === 3 && second.length === 2 && (groups[2] as Group).length === 2 && (groups[2] as Group).separator === second.separator;
  if (!shape || second.parenthesised || (count === 3 && (groups[2] as Group).parenthesised)) return;
  // "12.345.678"-like decimals and times have been ruled out by the shape; a dot needs the same dot throughout.
  const end = (groups[count - 1] as Group).end;
  if (!phoneWordNear(text, runStart, end) || REFERENCE_BEFORE.test(text.slice(Math.max(0, runStart - 32), runStart))) return;
  findings.push({ guard: 'pii', type: 'phone', rule: 'phone.local', start: runStart, end: withExtension(text, end), score: 0.55 });
}

/** The first group from `from` on that follows a space: "2023-415-555-2671" has no phone in it. */
function nextSpaced(from: number, count: number): number {
  let index = from;
  while (index < count && (groups[index] as Group).separator !== ' ') index++;
  return index;
}
