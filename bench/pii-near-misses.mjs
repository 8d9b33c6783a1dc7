// Each PII detector, alone and all together, on 1 MB of near-matches of each kind: text built to
// keep one detector's patterns, cues and candidate checks busy without anything to find (and a
// few inputs packed with real findings). Prints the CPU time of each scan in ms, best of
// --runs (default 3), CPU rather than wall time because the machine may be shared; the bar is
// 200 ms per MB for a near-miss input. `test/guards/pathological-inputs.test.ts` holds the same
// kinds of input under a generous ceiling.
// Uses the built code:   npm run build && node bench/pii-near-misses.mjs [--runs=N] [--only=REGEX]
import { PiiDetector } from '../dist/guards/pii.js';
import { SecretsDetector } from '../dist/guards/secrets.js';

const runsArgument = process.argv.find((arg) => arg.startsWith('--runs='));
const onlyArgument = process.argv.find((arg) => arg.startsWith('--only='));
const runs = runsArgument ? Number(runsArgument.split('=')[1]) : 3;
const only = onlyArgument ? new RegExp(onlyArgument.split('=')[1]) : undefined;

const MB = 1 << 20;
const fill = (unit) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

/** [detector it aims at, label, repeated unit]. */
const INPUTS = [
  ['email', 'at signs', 'a@'],
  ['email', 'addresses without a dot', 'jane.doe@example '],
  ['email', 'dots and at signs', 'a.b@c.'],
  ['phone', 'digits and spaces', '1 '],
  ['phone', 'digits in brackets', '(1) '],
  ['phone', 'plus and a digit', '+1 '],
  ['phone', 'zeros', '0 '],
  ['credit_card', '15-digit cards', '4111 1111 1111 111 '],
  ['iban', 'IBANs cut short', 'GB82 WEST 1234 5698 7654 '],
  ['iban', 'IBAN prefixes', 'GB82 '],
  ['us_ssn', 'SSNs a digit short', '123-45-678 '],
  ['ip_address', 'IPs missing an octet', '192.168.1. '],
  ['ip_address', 'hex and colons', '1:'],
  ['ip_address', 'IPv6 a hextet short', '1:2:3:4:5:6:7: '],
  ['person', 'capitalised words', 'John Smith Lives At '],
  ['person', 'short capitalised words', 'Aa '],
  ['person', 'names and commas', 'Maria, '],
  ['person', 'names and particles', 'John van '],
  ['street_address', 'numbers and a word', '12 Main '],
  ['street_address', 'numbers and initials', '1 A B C D E F '],
  ['street_address', 'numbers after a street prefix', '12 rue '],
  ['street_address', 'numbers after a phone word', 'call 1 '],
  ['street_address', 'street names first', 'Main Street 1'],
  ['identity', 'licence cues', 'DL '],
  ['identity', 'date-of-birth cues', 'DOB '],
  ['identity', 'born cues', 'born '],
  ['identity', 'passport cues', 'passport '],
  ['identity', 'date-of-birth cues before half a date', 'DOB: 1/1/ '],
  ['packed', 'post boxes (findings)', 'PO Box 1 '],
  ['packed', 'phone word and 8 digits (findings)', 'tel 12345678 '],
  ['packed', 'dates of birth (findings)', 'DOB: 1/2/1990 '],
];

const TYPES = {
  email: ['email'],
  phone: ['phone'],
  credit_card: ['credit_card'],
  iban: ['iban'],
  us_ssn: ['us_ssn'],
  ip_address: ['ip_address'],
  person: ['person'],
  street_address: ['street_address'],
  identity: ['date_of_birth', 'passport', 'driver_license'],
};
const all = new PiiDetector();
const secrets = new SecretsDetector();
const single = Object.fromEntries(Object.entries(TYPES).map(([name, types]) => [name, new PiiDetector({ types })]));

/** Best CPU time of `runs` scans, in ms, and the number of findings. */
function measure(detector, text) {
  let best = Infinity;
  let findings = 0;
  for (let run = 0; run < runs; run++) {
    const started = process.cpuUsage();
    findings = detector.scan(text).length;
    best = Math.min(best, process.cpuUsage(started).user / 1000);
  }
  return { ms: best, findings };
}

// Warm the code up on small copies of every input first.
for (const [, , unit] of INPUTS) {
  all.scan(unit.repeat(2000));
  secrets.scan(unit.repeat(2000));
}

const header = `${'input'.padEnd(42)} ${'all PII'.padStart(8)} ${'its own'.padStart(8)} ${'secrets'.padStart(8)}  findings`;
console.log(`CPU ms per 1 MB scan, best of ${runs}\n${header}`);
for (const [kind, label, unit] of INPUTS) {
  if (only && !only.test(label)) continue;
  const text = fill(unit);
  const whole = measure(all, text);
  const own = kind === 'packed' ? undefined : measure(single[kind], text);
  const secret = measure(secrets, text);
  const ownColumn = own ? own.ms.toFixed(0) : '-';
  console.log(`${`${kind}: ${label}`.padEnd(42)} ${whole.ms.toFixed(0).padStart(8)} ${ownColumn.padStart(8)} ${secret.ms.toFixed(0).padStart(8)}  ${whole.findings}`);
}
