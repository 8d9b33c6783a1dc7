/**
 * The PII detector: e-mail addresses, phone numbers, payment cards, IBANs, US Social
 * Security numbers and IP addresses, each validated beyond its shape (Luhn and issuer
 * prefixes, IBAN mod-97 and the country's length, SSN number rules, octet ranges); person
 * names (census name lists and cues, person-name.ts), street addresses (a grammar anchored on
 * house numbers, street-address.ts), and dates of birth, passport and driver's licence
 * numbers where words before them say what they are (identity-numbers.ts).
 *
 * Every pattern is either a literal search (indexOf '@') or a regex whose repetitions are
 * bounded or over one character class, so scanning is linear in the text's length.
 */
import { ibanChecksumValid, IBAN_LENGTHS, luhnValid, plausibleCardPrefix, ssnValid } from './checksums.js';
import { scanIpv4, scanIpv6 } from './ip-address.js';
import { scanIdentityNumbers } from './identity-numbers.js';
import { scanPersonNames } from './person-name.js';
import { scanPhoneRun } from './phone.js';
import { scanStreetAddresses } from './street-address.js';
import type { Detector, Finding, PiiType } from './types.js';

export const PII_TYPES: readonly PiiType[] = ['email', 'phone', 'credit_card', 'iban', 'us_ssn', 'ip_address', 'person', 'street_address', 'date_of_birth', 'passport', 'driver_license'];

// ---------------------------------------------------------------- e-mail

/** 1: allowed in the local part; 2: allowed in the domain; 3: both. */
const EMAIL_CHARS = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const character = String.fromCharCode(code);
  const alphanumeric = /[A-Za-z0-9]/.test(character);
  if (alphanumeric || '._%+-'.includes(character)) EMAIL_CHARS[code] = (EMAIL_CHARS[code] ?? 0) | 1;
  if (alphanumeric || '.-'.includes(character)) EMAIL_CHARS[code] = (EMAIL_CHARS[code] ?? 0) | 2;
}
const IMAGE_SUFFIX = /^(?:png|jpe?g|gif|svg|webp|avif|ico)$/i;

function emailChar(code: number, kind: 1 | 2): boolean {
  return code < 128 && ((EMAIL_CHARS[code] as number) & kind) !== 0;
}

/** The domain's end if `text[start, end)` is a domain name with a TLD of letters, else -1. */
function domainEnd(text: string, start: number, end: number): number {
  while (end > start && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
  let labelStart = start;
  let labels = 0;
  for (let index = start; index <= end; index++) {
    if (index < end && text.charCodeAt(index) !== 46) continue;
    const length = index - labelStart;
    if (length === 0 || length > 63 || text.charCodeAt(labelStart) === 45 || text.charCodeAt(index - 1) === 45) return -1;
    labels++;
    labelStart = index + 1;
  }
  let lastDot = end - 1;
  while (lastDot >= start && text.charCodeAt(lastDot) !== 46) lastDot--;
  if (labels < 2 || lastDot < start) return -1;
  const tld = text.slice(lastDot + 1, end);
  if (tld.length < 2 || !/^[A-Za-z]+$/.test(tld) || IMAGE_SUFFIX.test(tld)) return -1;
  return end;
}

function scanEmails(text: string, findings: Finding[]): void {
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && at - start < 64 && emailChar(text.charCodeAt(start - 1), 1)) start--;
    while (start < at && text.charCodeAt(start) === 46) start++;
    let end = at + 1;
    while (end < text.length && end - at <= 253 && emailChar(text.charCodeAt(end), 2)) end++;
    const tooLong = start > 0 && emailChar(text.charCodeAt(start - 1), 1);
    let domain = start < at && !tooLong && text.charCodeAt(at - 1) !== 46 ? domainEnd(text, at + 1, end) : -1;
    // "git@github.com:org/repo" is an SSH remote; "a..b@x.com" is not an address.
    if (domain !== -1 && ((text.charCodeAt(domain) === 58 && domain + 1 < text.length && text.charCodeAt(domain + 1) > 32) || text.slice(start, at).includes('..'))) domain = -1;
    if (domain !== -1) {
      findings.push({ guard: 'pii', type: 'email', rule: 'email', start, end: domain, score: 0.99 });
      at = text.indexOf('@', domain);
    } else at = text.indexOf('@', at + 1);
  }
}

// ---------------------------------------------------------------- payment cards

/** 12 to 19 digits (12 only for Maestro), single spaces or dashes between them; the grouping is checked below. */
const CARD = /(?<![\w.,+-])\d(?:[ -]?\d){11,18}(?![\w-]|[.,]\d)/g;

/** Whether digit groups look like a printed card: 4-4-4-4(-3), 4-6-5 (Amex) or 4-6-4 (Diners). */
function cardGrouping(lengths: number[]): boolean {
  if (lengths.length === 1) return true;
  if (lengths.length === 3 && lengths[0] === 4 && lengths[1] === 6 && (lengths[2] === 5 || lengths[2] === 4)) return true;
  for (let index = 0; index < lengths.length - 1; index++) if (lengths[index] !== 4) return false;
  const last = lengths[lengths.length - 1] as number;
  return last >= 1 && last <= 4;
}

/** Cards in `window` (a slice of the text starting at `offset`). */
function scanCards(window: string, offset: number, findings: Finding[]): void {
  CARD.lastIndex = 0;
  for (let match = CARD.exec(window); match; match = CARD.exec(window)) {
    const value = match[0];
    const separator = value.match(/[ -]/)?.[0];
    const parts = separator ? value.split(separator) : [value];
    if (parts.some((part) => part === '' || /[ -]/.test(part))) continue;
    // The longest run of leading groups that is a valid card: "4111 1111 1111 1111 12/26".
    for (let count = parts.length; count >= 1; count--) {
      const groups = parts.slice(0, count);
      const digits = groups.join('');
      if (digits.length < 12 || digits.length > 19) continue;
      if (!cardGrouping(groups.map((group) => group.length)) || !plausibleCardPrefix(digits) || !luhnValid(digits)) continue;
      const start = offset + match.index;
      findings.push({ guard: 'pii', type: 'credit_card', rule: 'credit_card', start, end: start + digits.length + (count - 1), score: 0.95 });
      break;
    }
  }
}

// ---------------------------------------------------------------- IBAN

function isIbanChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
 * The IBAN starting at `start` (two capitals and two digits), written compact or in groups
 * of four: its end, or -1. An IBAN-shaped value with a wrong checksum is a mistyped IBAN,
 * not a card or a phone number: its end is returned as a negative number, -(end + 2).
 */
function ibanAt(text: string, start: number, findings: Finding[]): number {
  if (start > 0 && isWordChar(text.charCodeAt(start - 1))) return -1;
  const length = IBAN_LENGTHS[text.slice(start, start + 2)];
  if (length === undefined) return -1;
  let index = start + 4;
  const grouped = text.charCodeAt(index) === 32;
  let collected = 4;
  while (collected < length) {
    if (grouped && collected % 4 === 0) {
      if (text.charCodeAt(index) !== 32) return -1;
      index++;
    }
    if (!isIbanChar(text.charCodeAt(index))) return -1;
    collected++;
    index++;
  }
  if (index < text.length && isWordChar(text.charCodeAt(index))) return -1;
  const compact = grouped ? text.slice(start, index).replaceAll(' ', '') : text.slice(start, index);
  if (!ibanChecksumValid(compact)) return -(index + 2);
  findings.push({ guard: 'pii', type: 'iban', rule: 'iban', start, end: index, score: 0.97 });
  return index;
}

// ---------------------------------------------------------------- US SSN

const SSN = /(?<![\w.+-])(\d{3})-(\d{2})-(\d{4})(?![\w-]|[.,]\d)/g;
/** Without dashes an SSN is only a nine-digit number: it counts right after the words. */
const SSN_UNDASHED = /^(\d{3})( ?)(\d{2})\2(\d{4})(?!\w|[.,-]\d)/;
const SSN_LABEL = /\b(?:ssn|social security(?: number| no\.?| #)?)(?:\s+(?:is|was|reads))?\W{0,12}$/i;

/**
 * A label right before a 3-2-4 number that names another kind of number ("order 512-15-4849",
 * "tracking no. …", "score was …", "call …"): then it is not an SSN, unless the SSN words
 * are there too.
 */
const OTHER_NUMBER_BEFORE = /(?:\b(?:order|invoice|inv|ref|reference|ticket|tracking|case|po|sku|serial|isbn|part|model|batch|lot|policy|claim|receipt|transaction|confirmation|booking|item|score|scored|result|results|phone|tel|fax|call|mobile|cell|routing|account|acct|member|patient|record|file|docket|license|licence|permit|flight|room|seat|code|pin)\b[^\n\d]{0,16}|#|№)\s*$/i;
const SSN_WORDS = /\b(?:ssn|social security|taxpayer|tin|itin)\b/i;

function scanSsns(window: string, offset: number, text: string, runStart: number, findings: Finding[]): void {
  if (window.indexOf('-') !== -1) {
    SSN.lastIndex = 0;
    for (let match = SSN.exec(window); match; match = SSN.exec(window)) {
      if (!ssnValid(match[1] as string, match[2] as string, match[3] as string)) continue;
      const start = offset + match.index;
      const before = text.slice(Math.max(0, start - 40), start);
      if (OTHER_NUMBER_BEFORE.test(before) && !SSN_WORDS.test(before)) continue;
      findings.push({ guard: 'pii', type: 'us_ssn', rule: 'us_ssn', start, end: start + match[0].length, score: 0.9 });
    }
  }
  const undashed = SSN_UNDASHED.exec(text.slice(runStart, runStart + 14));
  if (undashed && ssnValid(undashed[1] as string, undashed[3] as string, undashed[4] as string) && SSN_LABEL.test(text.slice(Math.max(0, runStart - 40), runStart))) {
    findings.push({ guard: 'pii', type: 'us_ssn', rule: 'us_ssn.labelled', start: runStart, end: runStart + undashed[0].length, score: 0.95 });
  }
}

// ---------------------------------------------------------------- number runs

/**
 * One pass finds where every number-shaped value can be: two capitals and two digits (an
 * IBAN's start) or a digit followed by at least six digits, spaces, dots, dashes or
 * parentheses (CANDIDATE). Cards, SSNs, IPv4 addresses and phones are then looked for in that
 * run only.
 *
 * Both shapes have a digit at their start or two characters in, so in prose only the places
 * around digits are read, and digits are found with indexOf (one search per digit, each
 * resumed where it stopped), which skips prose several times faster than the regex reads it.
 * Where digits are dense (codes, hex, base64) the regex is faster, and reads on instead.
 */
const CANDIDATE = /[A-Z]{2}\d\d|\d[\d ().-]{6,}/g;
const RUN_REST = /[\d ().-]*/y;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** Digits looked at, beyond one per 32 characters read, after which the regex reads on. */
const DENSE_DIGITS = 16;

class NumberCandidates {
  /** Start and end of the last candidate found, and whether it is an IBAN's start. */
  start = 0;
  end = 0;
  iban = false;
  private text = '';
  /** Per digit, where it next occurs at or after the last search (-1: nowhere; -2: not searched yet). */
  private readonly nextDigit = new Int32Array(10);
  private digitsRead = 0;

  reset(text: string): void {
    this.text = text;
    this.nextDigit.fill(-2);
    this.digitsRead = 0;
  }

  /** The first candidate starting at or after `from` (what CANDIDATE finds from there); false when there is none. */
  find(from: number): boolean {
    const text = this.text;
    for (;;) {
      if (this.digitsRead > DENSE_DIGITS + (from >> 5)) return this.findByRegex(from);
      const digit = this.firstDigit(from);
      if (digit === -1) return false;
      this.digitsRead++;
      // Two capitals and two digits. A match further left would need a digit before this one.
      if (digit - 2 >= from && isCapitalCode(text.charCodeAt(digit - 2)) && isCapitalCode(text.charCodeAt(digit - 1)) && isDigitCode(text.charCodeAt(digit + 1))) {
        this.start = digit - 2;
        this.end = digit + 2;
        this.iban = true;
        return true;
      }
      // A digit and the longest run of digits, spaces, ( ) . - after it, if 6 or more (a run
      // longer than a phone number is read to its end by a regex).
      let end = digit + 1;
      while (end < text.length && end - digit < 16 && isRunCode(text.charCodeAt(end))) end++;
      if (end - digit === 16) {
        RUN_REST.lastIndex = end;
        RUN_REST.test(text);
        end = RUN_REST.lastIndex;
      }
      if (end - digit >= 7) {
        this.start = digit;
        this.end = end;
        this.iban = false;
        return true;
      }
      // A later match has a digit at its start or two characters in, after this digit: not
      // inside this run, where a digit's run is as short and there are no capitals.
      from = end;
    }
  }

  private findByRegex(from: number): boolean {
    CANDIDATE.lastIndex = from;
    const match = CANDIDATE.exec(this.text);
    if (!match) return false;
    this.start = match.index;
    this.end = match.index + match[0].length;
    this.iban = !isDigitCode(match[0].charCodeAt(0));
    return true;
  }

  /** The first digit at or after `from`, or -1. */
  private firstDigit(from: number): number {
    const nextDigit = this.nextDigit;
    let first = -1;
    for (let digit = 0; digit < 10; digit++) {
      let at = nextDigit[digit] as number;
      if (at !== -1 && at < from) {
        at = this.text.indexOf(DIGITS[digit] as string, from);
        nextDigit[digit] = at;
      }
      if (at !== -1 && (first === -1 || at < first)) first = at;
    }
    return first;
  }
}

function isCapitalCode(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** A digit, space, "(", ")", "-" or ".". */
function isRunCode(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 32 || code === 40 || code === 41 || code === 45 || code === 46;
}

const FOUR_DIGITS = /\d{4}/;

function scanRun(text: string, start: number, end: number, types: ReadonlySet<PiiType>, findings: Finding[]): void {
  while (end > start && !isDigitCode(text.charCodeAt(end - 1))) end--;
  // One character of context on the left and two on the right, for the patterns' boundaries.
  const offset = Math.max(0, start - 1);
  const window = text.slice(offset, end + 2);
  // A card is one run of 12-19 digits or groups of four (4-6-5 for Amex): some four digits in a row.
  if (types.has('credit_card') && end - start >= 12 && FOUR_DIGITS.test(window)) scanCards(window, offset, findings);
  if (types.has('us_ssn') && end - start >= 9) scanSsns(window, offset, text, start, findings);
  if (types.has('ip_address') && window.indexOf('.') !== -1) scanIpv4(window, offset, text, findings);
  if (types.has('phone')) scanPhoneRun(text, start, end, findings);
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

// ---------------------------------------------------------------- the detector

/** When two findings overlap, the one of the earlier type in this list stays. */
const PRIORITY: Record<string, number> = { email: 0, credit_card: 1, iban: 2, us_ssn: 3, ip_address: 4, passport: 5, driver_license: 6, date_of_birth: 7, phone: 8, street_address: 9, person: 10 };

/** `finding` cut to end before `end`, without the separators there; undefined when little is left. */
function trimmedBefore(text: string, finding: Finding, end: number): Finding | undefined {
  let cut = end;
  while (cut > finding.start && /[\s,;:(\-–|/]/.test(text[cut - 1] ?? '')) cut--;
  return cut - finding.start >= 8 ? { ...finding, end: cut } : undefined;
}

/** Up to this many findings, each is compared with every kept one; past it, kept spans are marked on a map of the text. */
const FEW_FINDINGS = 64;

/**
 * Drops findings that overlap a finding of a stronger type (or an equal one found first).
 * Comparing every finding with every kept one is quadratic: 1 MB of connection strings or
 * PEM headers (a hundred thousand findings) took a minute that way. Past FEW_FINDINGS the
 * kept spans are marked on maps of the text instead (a byte per character), so a finding is
 * checked against its own span only.
 */
export function resolveOverlaps(findings: Finding[], priority: Record<string, number>, text = ''): Finding[] {
  if (findings.length < 2) return findings;
  const ranked = [...findings].sort((left, right) => (priority[left.type] ?? 99) - (priority[right.type] ?? 99) || right.end - right.start - (left.end - left.start) || left.start - right.start);
  const kept: Finding[] = [];
  if (ranked.length <= FEW_FINDINGS) {
    for (const finding of ranked) {
      const clash = kept.find((other) => finding.start < other.end && other.start < finding.end);
      if (!clash) kept.push(finding);
      else if (finding.type === 'street_address' && clash.start > finding.start) {
        // An address that ran on into the phone after it keeps the part before the phone.
        const trimmed = trimmedBefore(text, finding, clash.start);
        if (trimmed && !kept.some((other) => trimmed.start < other.end && other.start < trimmed.end)) kept.push(trimmed);
      }
    }
    return kept.sort((left, right) => left.start - right.start);
  }
  let extent = 0;
  for (const finding of ranked) extent = Math.max(extent, finding.end);
  /** Characters inside a kept span; where a kept span starts; where a kept empty span sits. */
  const covered = new Uint8Array(extent + 1);
  const starts = new Uint8Array(extent + 1);
  const points = new Uint8Array(extent + 1);
  for (const finding of ranked) {
    const { start, end } = finding;
    const overlaps =
      start === end
        ? // Inside a kept span: this character and the one before it are covered, and no span starts here.
          start > 0 && covered[start] === 1 && covered[start - 1] === 1 && starts[start] === 0
        : covered.subarray(start, end).includes(1) || points.subarray(start + 1, end).includes(1);
    if (overlaps) {
      // As above: an address that ran on into a kept span after it keeps the part before it.
      if (finding.type === 'street_address' && start < end && covered[start] === 0) {
        const trimmed = trimmedBefore(text, finding, covered.indexOf(1, start));
        if (trimmed && !covered.subarray(trimmed.start, trimmed.end).includes(1) && !points.subarray(trimmed.start + 1, trimmed.end).includes(1)) {
          kept.push(trimmed);
          covered.fill(1, trimmed.start, trimmed.end);
          starts[trimmed.start] = 1;
        }
      }
      continue;
    }
    kept.push(finding);
    if (start === end) points[start] = 1;
    else {
      covered.fill(1, start, end);
      starts[start] = 1;
    }
  }
  return kept.sort((left, right) => left.start - right.start);
}

export interface PiiOptions {
  /** Types to look for; all by default. */
  types?: readonly PiiType[];
}

export class PiiDetector implements Detector {
  readonly name = 'pii' as const;
  private readonly types: ReadonlySet<PiiType>;
  private readonly candidates = new NumberCandidates();

  constructor(options: PiiOptions = {}) {
    this.types = new Set(options.types ?? PII_TYPES);
  }

  scan(text: string): Finding[] {
    const findings: Finding[] = [];
    const types = this.types;
    if (types.has('email') && text.indexOf('@') !== -1) scanEmails(text, findings);
    const candidates = this.candidates;
    candidates.reset(text);
    for (let from = 0; candidates.find(from); ) {
      const start = candidates.start;
      if (candidates.iban) {
        const end = types.has('iban') ? ibanAt(text, start, findings) : -1;
        // Not an IBAN: read the digits after the letters as a run of their own.
        from = end === -1 ? start + 2 : end < 0 ? -end - 2 : end;
      } else {
        from = candidates.end;
        scanRun(text, start, from, types, findings);
      }
    }
    candidates.reset('');
    if (types.has('ip_address')) scanIpv6(text, findings);
    if (types.has('street_address')) scanStreetAddresses(text, findings);
    if (types.has('person')) scanPersonNames(text, findings);
    if (types.has('date_of_birth') || types.has('passport') || types.has('driver_license')) scanIdentityNumbers(text, findings, types.has('date_of_birth'), types.has('passport'), types.has('driver_license'));
    return resolveOverlaps(findings, PRIORITY, text);
  }
}
