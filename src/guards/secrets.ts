/**
 * The secrets detector: provider API keys by their published prefixes and lengths, PEM
 * private key blocks, JWTs (the header must decode to JSON naming an "alg"), the password
 * of a connection string (scheme://user:password@host: the password span only), and
 * values assigned to password / secret / api_key / token names when they look random.
 *
 * Near misses stay quiet: "sk-" in prose, placeholders (sk-xxxx…, YOUR_API_KEY, <token>,
 * ${VAR}, the AWS documentation's …EXAMPLE keys), a JWT-shaped string whose header is not
 * JSON, and variable references such as password=os.environ["DB_PASSWORD"].
 */
import { resolveOverlaps } from './pii.js';
import type { Detector, Finding, SecretType } from './types.js';

interface KeyPattern {
  type: SecretType;
  rule: string;
  /** Sticky regex tried where the key's prefix was seen; the whole match is the secret. */
  pattern: RegExp;
  /** Extra check on the matched value. */
  accept: (value: string) => boolean;
  score: number;
}

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<number, number>();
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / value.length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}

const PLACEHOLDER = /x{4}|X{4}|\*{3}|\.{3}|your|example|sample|dummy|placeholder|changeme|change_me|redacted|insert|replace|secret_?here|key_?here|token_?here|fake|test_?key|<|>|\{|\}|\$|%s/i;

/** Whether a candidate key is a template or an obviously made-up value. */
export function looksLikePlaceholder(value: string): boolean {
  if (PLACEHOLDER.test(value)) return true;
  let distinct = 0;
  const seen = new Set<number>();
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (!seen.has(code)) {
      seen.add(code);
      distinct++;
    }
  }
  return distinct < Math.min(8, Math.ceil(value.length / 4));
}

/** Mixed letters and digits with enough entropy: what a generated key looks like. */
function randomLooking(value: string, minimumEntropy = 3.5): boolean {
  return /\d/.test(value) && /[A-Za-z]/.test(value) && !looksLikePlaceholder(value) && shannonEntropy(value) >= minimumEntropy;
}

const ANTHROPIC: KeyPattern = {
  type: 'anthropic_key',
  rule: 'anthropic_key',
  pattern: /sk-ant-(?:api|admin|oat|sid)\d{2}-(?=([A-Za-z0-9_-]{40,200}))\1(?![A-Za-z0-9_-])/y,
  accept: (value) => randomLooking(value.slice(14)),
  score: 0.99,
};
const OPENAI: KeyPattern = {
  type: 'openai_key',
  rule: 'openai_key',
  // sk-<48>, sk-proj-…, sk-svcacct-…, sk-admin-…
  pattern: /sk-(?:(?:proj|svcacct|admin|None)-)?(?=([A-Za-z0-9_-]{32,200}))\1(?![A-Za-z0-9_-])/y,
  accept: (value) => randomLooking(value.replace(/^sk-(?:(?:proj|svcacct|admin|None)-)?/, '')),
  score: 0.97,
};
const STRIPE: KeyPattern = { type: 'stripe_key', rule: 'stripe_key', pattern: /[sr]k_live_(?=([A-Za-z0-9]{20,247}))\1(?!\w)/y, accept: (value) => randomLooking(value.slice(8), 3.3), score: 0.98 };
const GOOGLE: KeyPattern = { type: 'google_api_key', rule: 'google_api_key', pattern: /AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/y, accept: (value) => randomLooking(value, 3.3), score: 0.95 };
const AWS: KeyPattern = {
  type: 'aws_access_key',
  rule: 'aws_access_key',
  pattern: /(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?!\w)/y,
  accept: (value) => !value.endsWith('EXAMPLE') && !looksLikePlaceholder(value),
  score: 0.95,
};
const GITHUB: KeyPattern = { type: 'github_token', rule: 'github_token', pattern: /gh[pousr]_(?=([A-Za-z0-9]{36,251}))\1(?!\w)/y, accept: (value) => randomLooking(value.slice(4), 3.3), score: 0.98 };
const GITHUB_PAT: KeyPattern = { type: 'github_token', rule: 'github_pat', pattern: /github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?!\w)/y, accept: (value) => randomLooking(value.slice(11)), score: 0.99 };
const SLACK: KeyPattern = { type: 'slack_token', rule: 'slack_token', pattern: /xox[abprs]-(?:\d{6,}-){1,3}[A-Za-z0-9]{10,64}(?!\w)/y, accept: (value) => !looksLikePlaceholder(value.slice(5)), score: 0.97 };
const SLACK_WEBHOOK: KeyPattern = {
  type: 'slack_token',
  rule: 'slack_webhook',
  pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{20,32}(?!\w)/y,
  accept: (value) => !looksLikePlaceholder(value.slice(-24)),
  score: 0.95,
};

/** The key pattern for a prefix the anchor regex found. */
function keyPatternFor(anchor: string): KeyPattern | undefined {
  switch (anchor.charCodeAt(0)) {
    case 115: /* s: sk-, sk-ant-, sk_live_ */
    case 114: /* r: rk_live_ */
      return anchor === 'sk-' ? OPENAI : anchor === 'sk-ant-' ? ANTHROPIC : anchor.endsWith('k_live_') ? STRIPE : undefined;
    case 65: /* A */
      return anchor === 'AIza' ? GOOGLE : AWS;
    case 103: /* g */
      return anchor === 'github_pat_' ? GITHUB_PAT : GITHUB;
    case 120: /* x */
      return SLACK;
    default:
      return undefined;
  }
}

function tryKey(text: string, at: number, key: KeyPattern, findings: Finding[]): number {
  key.pattern.lastIndex = at;
  const match = key.pattern.exec(text);
  if (!match || !key.accept(match[0])) return -1;
  findings.push({ guard: 'secrets', type: key.type, rule: key.rule, start: at, end: at + match[0].length, score: key.score });
  return at + match[0].length;
}

// ---------------------------------------------------------------- PEM private keys

const PEM_BEGIN = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g;

const BASE64_LINE = /^[A-Za-z0-9+/=]+$/;
const PEM_HEADER_LINE = /^[A-Za-z-]+: \S/;

/** Where a block without its END line stops: after the base64 (and header) lines that follow. */
function truncatedBlockEnd(text: string, from: number): number {
  let end = from;
  let sawBody = false;
  for (let cursor = from; cursor < text.length; ) {
    let lineEnd = text.indexOf('\n', cursor + 1);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(cursor, lineEnd).trim();
    if (line === '') {
      if (sawBody) break;
    } else if (BASE64_LINE.test(line) || PEM_HEADER_LINE.test(line)) {
      sawBody = true;
      end = cursor + text.slice(cursor, lineEnd).trimEnd().length;
    } else break;
    cursor = lineEnd;
  }
  return end;
}

function scanPrivateKeys(text: string, findings: Finding[]): void {
  if (text.indexOf('-----BEGIN') === -1) return;
  PEM_BEGIN.lastIndex = 0;
  // The first footer of each kind at or after the last header that looked for it (-1: none):
  // a text of headers without footers must not be searched to its end once per header.
  const footers = new Map<string, number>();
  for (let match = PEM_BEGIN.exec(text); match; match = PEM_BEGIN.exec(text)) {
    const footer = `-----END ${match[1]}-----`;
    let footerAt = footers.get(footer);
    if (footerAt === undefined || (footerAt !== -1 && footerAt < match.index)) {
      footerAt = text.indexOf(footer, match.index);
      footers.set(footer, footerAt);
    }
    const end = footerAt !== -1 ? footerAt + footer.length : truncatedBlockEnd(text, match.index + match[0].length);
    const body = text.slice(match.index + match[0].length, footerAt === -1 ? end : footerAt);
    if (/x{8}|\.{3}|<[^>]*>/i.test(body)) continue; // "-----BEGIN PRIVATE KEY-----\n...\n" in docs
    findings.push({ guard: 'secrets', type: 'private_key', rule: 'pem_private_key', start: match.index, end, score: 0.99 });
    PEM_BEGIN.lastIndex = end;
  }
}

// ---------------------------------------------------------------- JWT

const JWT = /eyJ(?=([A-Za-z0-9_-]{10,2000}))\1\.(?=([A-Za-z0-9_-]{2,8000}))\2\.(?=([A-Za-z0-9_-]{0,1000}))\3(?![A-Za-z0-9_.-])/y;

/** Whether the first segment of a JWT decodes to a JSON object with an "alg". */
export function jwtHeaderValid(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    return typeof decoded === 'object' && decoded !== null && typeof (decoded as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

function jwtAt(text: string, at: number, findings: Finding[]): number {
  JWT.lastIndex = at;
  const token = JWT.exec(text)?.[0];
  if (!token || !jwtHeaderValid(token)) return -1;
  // An unsigned token ("alg": "none") has an empty signature; a signed one needs a real one.
  const signature = token.slice(token.lastIndexOf('.') + 1);
  if (signature.length > 0 && signature.length < 16) return -1;
  findings.push({ guard: 'secrets', type: 'jwt', rule: 'jwt', start: at, end: at + token.length, score: 0.95 });
  return at + token.length;
}

// ---------------------------------------------------------------- connection strings

/** After "://": user, ":", password (no "@" or "/" in it), "@" and the host's first character. */
const CREDENTIALS = /([^\s:/@'"`<>]{1,64}):([^\s@/'"`<>]{1,128})@[A-Za-z0-9[\]._-]/y;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const PASSWORD_PLACEHOLDER = /^(?:pass|password|passwd|pwd|secret|changeme|mypassword|yourpassword|your_password|your-password|\*+|x+|\.+|_+|-+|<[^>]*>|\{[^}]*\}|\$\{?\w+\}?|%\(\w+\)s|:\w+|\[[^\]]*\])$/i;

function scanConnectionStrings(text: string, findings: Finding[]): void {
  for (let separator = text.indexOf('://'); separator !== -1; separator = text.indexOf('://', separator + 3)) {
    let schemeStart = separator;
    while (schemeStart > 0 && separator - schemeStart < 21 && SCHEME_CHAR.test(text[schemeStart - 1] as string)) schemeStart--;
    if (schemeStart === separator || !/[A-Za-z]/.test(text[schemeStart] as string)) continue;
    if (text.startsWith('hooks.slack.com/', separator + 3)) {
      tryKey(text, schemeStart, SLACK_WEBHOOK, findings);
      continue;
    }
    CREDENTIALS.lastIndex = separator + 3;
    const match = CREDENTIALS.exec(text);
    if (!match) continue;
    const user = match[1] as string;
    const password = match[2] as string;
    if (PASSWORD_PLACEHOLDER.test(password) || password === user || (password.length >= 8 && looksLikePlaceholder(password))) continue;
    const end = CREDENTIALS.lastIndex - 2; // before "@" and the host's first character
    findings.push({ guard: 'secrets', type: 'connection_string_password', rule: 'connection_string', start: end - password.length, end, score: 0.9 });
  }
}

// ---------------------------------------------------------------- assignments

const VALUE = /^[^\s"'`,;)}\]]{8,200}/;
const REFERENCE = /^(?:process\.env|os\.environ|os\.getenv|getenv|env\(|ENV\[|System\.getenv|config\.|settings\.|self\.|this\.|params\.|args\.|options\.|request\.|req\.|vault:|env::|secrets?\.|\w+\(|\$)/;
const AWS_SECRET_NAME = /aws_?secret(?:_?access)?_?key|secret_?access_?key/i;

function bearerAt(text: string, at: number, findings: Finding[]): number {
  const token = BEARER_VALUE.exec(text.slice(at, at + 2100))?.[0];
  if (!token || looksLikePlaceholder(token) || shannonEntropy(token) < 3.5 || !/\d/.test(token)) return -1;
  findings.push({ guard: 'secrets', type: 'generic_secret', rule: 'bearer_token', start: at, end: at + token.length, score: 0.85 });
  return at + token.length;
}

const BEARER_VALUE = /^[A-Za-z0-9._~+/-]{20,2000}=*/;


/** The value at `valueStart`, assigned to the secret-ish name at `nameStart`, if it looks generated. */
function assignmentAt(text: string, nameStart: number, valueStart: number, findings: Finding[]): number {
  const value = VALUE.exec(text.slice(valueStart, valueStart + 201))?.[0];
  if (!value) return valueStart;
  const valueEnd = valueStart + value.length;
  if (REFERENCE.test(value) || looksLikePlaceholder(value)) return valueEnd;
  const name = text.slice(Math.max(0, nameStart - 12), valueStart);
  const awsSecret = AWS_SECRET_NAME.test(name) && /^[A-Za-z0-9/+]{40}$/.test(value);
  // Random-looking: several kinds of characters and more entropy than words have.
  const classes = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/\d/.test(value)) + Number(/[^A-Za-z0-9]/.test(value));
  const entropy = shannonEntropy(value);
  const mixed = classes >= 3 && entropy >= (value.length >= 16 ? 3.3 : 2.9);
  const longAlphanumeric = value.length >= 20 && /\d/.test(value) && /[A-Za-z]/.test(value) && entropy >= 3.4;
  if (!awsSecret && !mixed && !longAlphanumeric) return valueEnd;
  findings.push({
    guard: 'secrets',
    type: awsSecret ? 'aws_secret_key' : 'generic_secret',
    rule: awsSecret ? 'aws_secret_key' : 'assignment',
    start: valueStart,
    end: valueStart + value.length,
    score: awsSecret ? 0.95 : Math.min(0.9, 0.5 + (entropy - 2.9) / 4),
  });
  return valueEnd;
}

// ---------------------------------------------------------------- the detector

/** Specific patterns win over the generic assignment rule when they overlap. */
const PRIORITY: Record<string, number> = {
  private_key: 0,
  jwt: 1,
  anthropic_key: 2,
  openai_key: 2,
  google_api_key: 2,
  aws_access_key: 2,
  github_token: 2,
  slack_token: 2,
  stripe_key: 2,
  aws_secret_key: 3,
  connection_string_password: 4,
  generic_secret: 5,
};

/** A name that says secret: the keyword, then at most 24 more word characters up to the "=" or ":". */
const SECRET_NAME = /(?:pass|pwd|secret|key|token|credential)\w{0,24}$/i;
const NAME_CHAR = /[\w.-]/;

/**
 * Assignments: for each "=" or ":" (":=" and "=>" too), the name before it (quotes and a few
 * spaces allowed between) and the value after it.
 */
function scanAssignments(text: string, findings: Finding[]): void {
  let valueEnd = 0;
  let equals = text.indexOf('=');
  let colon = text.indexOf(':');
  while (equals !== -1 || colon !== -1) {
    const at = equals === -1 ? colon : colon === -1 ? equals : Math.min(equals, colon);
    if (at === equals) equals = text.indexOf('=', at + 1);
    else colon = text.indexOf(':', at + 1);
    if (at < valueEnd) continue;
    let nameEnd = at;
    while (nameEnd > 0 && at - nameEnd < 3 && text.charCodeAt(nameEnd - 1) === 32) nameEnd--;
    if (nameEnd > 0 && /["']/.test(text[nameEnd - 1] as string)) nameEnd--;
    let nameStart = nameEnd;
    while (nameStart > 0 && nameEnd - nameStart < 40 && NAME_CHAR.test(text[nameStart - 1] as string)) nameStart--;
    if (nameStart === nameEnd || !SECRET_NAME.test(text.slice(nameStart, nameEnd))) continue;
    let valueStart = at + 1;
    if (text[valueStart] === '=' || text[valueStart] === '>') valueStart++;
    while (valueStart < text.length && valueStart - at < 5 && text.charCodeAt(valueStart) === 32) valueStart++;
    if (text[valueStart] === 'b' && /["']/.test(text[valueStart + 1] ?? '')) valueStart++;
    if (/["'`]/.test(text[valueStart] ?? '')) valueStart++;
    valueEnd = assignmentAt(text, nameStart, valueStart, findings);
  }
}

export class SecretsDetector implements Detector {
  readonly name = 'secrets' as const;

  scan(text: string): Finding[] {
    const findings: Finding[] = [];
    ANCHOR.lastIndex = mayHaveAnchor(text) ? 0 : text.length;
    for (let match = ANCHOR.exec(text); match; match = ANCHOR.exec(text)) {
      const at = match.index;
      const anchor = match[0];
      const before = at > 0 ? text.charCodeAt(at - 1) : 32;
      if (isWordCode(before) || before === 45 /* - */) continue;
      const key = keyPatternFor(anchor);
      const end = key ? tryKey(text, at, key, findings) : anchor === 'eyJ' ? jwtAt(text, at, findings) : bearerAt(text, at + anchor.length, findings);
      if (end !== -1) ANCHOR.lastIndex = end;
    }
    scanAssignments(text, findings);
    if (text.indexOf('-----BEGIN') !== -1) scanPrivateKeys(text, findings);
    if (text.indexOf('://') !== -1) scanConnectionStrings(text, findings);
    return resolveOverlaps(findings, PRIORITY);
  }
}

function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** One pass over the text finds every place a key can start: its prefix, "eyJ" (a JWT) or "Bearer ". */
const ANCHOR = /sk-(?:ant-)?|[sr]k_live_|AIza|A(?:KIA|SIA|BIA|CCA)|gh[pousr]_|github_pat_|xox[abprs]-|eyJ|Bearer\s+/g;

/** The key prefix starting with "A" and this second character (I, K, S, B or C). */
const A_PREFIXES: Readonly<Record<number, string>> = { 73: 'AIza', 75: 'AKIA', 83: 'ASIA', 66: 'ABIA', 67: 'ACCA' };

/**
 * Whether ANCHOR can match anywhere in `text`: every prefix has a character that is rare in
 * prose ("-", "_", "A", "B" or "J") at a fixed place, and indexOf finds those several times
 * faster than the regex reads the text. A text without any (most prompts) skips the regex;
 * this may say yes where the regex finds nothing, never the reverse. A text full of those
 * characters ("A1A1…", "----") is left to the regex after a few dozen of them.
 */
function mayHaveAnchor(text: string): boolean {
  let budget = 32 + (text.length >> 6);
  // sk-, xox?-
  for (let at = text.indexOf('-'); at !== -1; at = text.indexOf('-', at + 1)) {
    if (--budget < 0 || text.charCodeAt(at - 1) === 107 /* k */ || text.startsWith('xox', at - 4)) return true;
  }
  // sk_live_, rk_live_, gh?_, github_pat_
  for (let at = text.indexOf('_'); at !== -1; at = text.indexOf('_', at + 1)) {
    if (--budget < 0 || text.charCodeAt(at - 1) === 107 /* k */ || text.startsWith('gh', at - 3) || text.startsWith('github', at - 6)) return true;
  }
  // AIza, AKIA, ASIA, ABIA, ACCA
  for (let at = text.indexOf('A'); at !== -1; at = text.indexOf('A', at + 1)) {
    if (--budget < 0) return true;
    const prefix = A_PREFIXES[text.charCodeAt(at + 1)];
    if (prefix !== undefined && text.startsWith(prefix, at)) return true;
  }
  // eyJ
  for (let at = text.indexOf('J'); at !== -1; at = text.indexOf('J', at + 1)) {
    if (--budget < 0 || text.startsWith('ey', at - 2)) return true;
  }
  return text.indexOf('Bearer') !== -1;
}
