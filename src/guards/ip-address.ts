/**
 * IPv4 and IPv6 addresses. A dotted quad counts when every octet is 0-255 without leading
 * zeros and it is not a version or section number: not glued to a letter ("v1.2.3.4"), not
 * followed by another ".digit" ("1.2.3.4.5"), not after a word like "version", "release",
 * "build", "section" or "step". IPv6 is checked by parsing (eight hextets, or fewer with
 * one "::", optionally ending in an IPv4 address), which rules out times and MAC addresses.
 */
import type { Finding } from './types.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.\\-])${OCTET}(?:\\.${OCTET}){3}(?![\\w\\-]|\\.\\d)`, 'g');
/** Words after which a dotted quad is a version, a section or a step, not an address. */
const VERSION_BEFORE = /(?:\b(?:v|ver|version|versions|release|build|rev|revision|firmware|patch|update|section|chapter|clause|step|figure|fig|table|rule|item|paragraph|article|page|appendix)\.?|§)\s*:?\s*$/i;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;
const DOTTED_QUAD = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

function precededByVersionWord(text: string, start: number): boolean {
  if (start === 0) return false;
  return VERSION_BEFORE.test(text.slice(Math.max(0, start - 20), start));
}

function countHextets(part: string, allowTrailingIpv4: boolean): number {
  if (part === '') return 0;
  const pieces = part.split(':');
  let count = 0;
  for (let index = 0; index < pieces.length; index++) {
    const piece = pieces[index] as string;
    if (allowTrailingIpv4 && index === pieces.length - 1 && piece.includes('.')) {
      if (!DOTTED_QUAD.test(piece)) return -1;
      count += 2;
    } else if (HEXTET.test(piece)) count += 1;
    else return -1;
  }
  return count;
}

/** Whether `candidate` is an IPv6 address (without a zone). */
export function isIpv6(candidate: string): boolean {
  const halves = candidate.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 1) return countHextets(candidate, true) === 8;
  const [head, tail] = halves as [string, string];
  const headCount = countHextets(head, false);
  const tailCount = countHextets(tail, true);
  if (headCount < 0 || tailCount < 0) return false;
  const total = headCount + tailCount;
  return total >= 1 && total <= 7;
}

/** IPv4 addresses in `window`, a slice of `text` starting at `offset`. */
export function scanIpv4(window: string, offset: number, text: string, findings: Finding[]): void {
  IPV4.lastIndex = 0;
  for (let match = IPV4.exec(window); match; match = IPV4.exec(window)) {
    const start = offset + match.index;
    if (precededByVersionWord(text, start)) continue;
    findings.push({ guard: 'pii', type: 'ip_address', rule: 'ipv4', start, end: start + match[0].length, score: 0.9 });
  }
}

function isHexOrColon(code: number): boolean {
  return (code >= 48 && code <= 58) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** IPv6 addresses: around each ":" the longest stretch of hex digits, colons and dots is parsed. */
export function scanIpv6(text: string, findings: Finding[]): void {
  let readTo = 0;
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', colon + 1)) {
    let start = colon;
    while (start > readTo && colon - start < 39 && isHexOrColon(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && end - start < 45 && (isHexOrColon(text.charCodeAt(end)) || text.charCodeAt(end) === 46)) end++;
    while (end > colon && text.charCodeAt(end - 1) === 46) end--;
    const before = start > 0 ? text.charCodeAt(start - 1) : 32;
    const after = end < text.length ? text.charCodeAt(end) : 32;
    // Whatever the outcome, the colons inside this stretch have been read with it.
    const next = Math.max(colon, end - 1);
    readTo = end;
    const candidate = text.slice(start, end);
    if (!isWordCode(before) && before !== 46 && !isWordCode(after) && candidate.indexOf(':', candidate.indexOf(':') + 1) !== -1 && isIpv6(candidate)) {
      findings.push({ guard: 'pii', type: 'ip_address', rule: 'ipv6', start, end, score: 0.9 });
    }
    colon = next;
  }
}
