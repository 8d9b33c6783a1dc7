// The PII evaluation set: sentences with embedded values and their labelled spans, plus
// hard negatives (Luhn-invalid card numbers, IBANs with a wrong checksum, SSNs from areas
// never issued, version strings, dates, invoice and order numbers, ZIP codes, ISBNs, MAC
// addresses, plain digit runs). Values are generated (valid check digits computed here).

const FIRST = ['anna', 'ben', 'carlos', 'dana', 'elif', 'farah', 'george', 'hana', 'ivan', 'julia', 'kofi', 'lena', 'mohammed', 'nora', 'oscar', 'priya', 'quinn', 'rosa', 'sven', 'tariq', 'uma', 'victor', 'wei', 'yara', 'zoe'];
const LAST = ['smith', 'garcia', 'nguyen', 'muller', 'rossi', 'kowalski', 'dubois', 'tanaka', 'okafor', 'johansson', 'silva', 'cohen', 'patel', 'novak', 'brown'];
const DOMAINS = ['example.com', 'mail.example.org', 'company.io', 'uni-berlin.de', 'gmail.com', 'outlook.fr', 'corp.example.co.uk', 'startup.ai', 'post.example.net', 'shop-online.es'];

function digits(kit, count, first = 0) {
  let text = String(kit.int(first, 9));
  while (text.length < count) text += String(kit.int(0, 9));
  return text;
}

function luhnCheckDigit(partial) {
  let sum = 0;
  let double = true;
  for (let index = partial.length - 1; index >= 0; index--) {
    let value = Number(partial[index]);
    if (double) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}

function group(value, sizes, separator) {
  const parts = [];
  let offset = 0;
  for (const size of sizes) {
    parts.push(value.slice(offset, offset + size));
    offset += size;
  }
  return parts.join(separator);
}

export function card(kit, valid = true) {
  const scheme = kit.pick(['visa', 'visa', 'mastercard', 'mastercard2', 'amex', 'discover', 'jcb']);
  const prefix = { visa: '4', mastercard: String(kit.int(51, 55)), mastercard2: String(kit.int(2221, 2720)), amex: kit.pick(['34', '37']), discover: '6011', jcb: String(kit.int(3528, 3589)) }[scheme];
  const length = scheme === 'amex' ? 15 : 16;
  let number = prefix + digits(kit, length - prefix.length - 1);
  number += luhnCheckDigit(number);
  if (!valid) number = number.slice(0, -1) + String((Number(number.slice(-1)) + kit.int(1, 9)) % 10);
  const separator = kit.pick([' ', ' ', '-', '']);
  return separator === '' ? number : group(number, scheme === 'amex' ? [4, 6, 5] : [4, 4, 4, 4], separator);
}

const IBAN_FORMATS = { DE: 22, GB: 22, FR: 27, ES: 24, IT: 27, NL: 18, BE: 16, CH: 21, AT: 20, PL: 28, SE: 24, IE: 22, PT: 25 };

function ibanCheck(country, bban) {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of rearranged) remainder = (remainder * 10 + Number(digit)) % 97;
  return String(98 - remainder).padStart(2, '0');
}

export function iban(kit, valid = true) {
  const country = kit.pick(Object.keys(IBAN_FORMATS));
  const length = IBAN_FORMATS[country];
  let bban = '';
  if (country === 'GB' || country === 'NL' || country === 'IE') bban = kit.pick(['NWBK', 'ABNA', 'RABO', 'BOFI', 'WEST', 'INGB']);
  if (country === 'IT') bban = kit.pick(['X', 'K', 'A']);
  while (bban.length < length - 4) bban += String(kit.int(0, 9));
  let check = ibanCheck(country, bban);
  if (!valid) check = String((Number(check) + kit.int(1, 50)) % 97 + 2).padStart(2, '0');
  const compact = `${country}${check}${bban}`;
  return kit.chance(0.6) ? compact.replace(/(.{4})/g, '$1 ').trim() : compact;
}

export function ssn(kit, valid = true) {
  if (!valid) return kit.pick([`000-${digits(kit, 2, 1)}-${digits(kit, 4, 1)}`, `666-${digits(kit, 2, 1)}-${digits(kit, 4, 1)}`, `9${digits(kit, 2)}-${digits(kit, 2, 1)}-${digits(kit, 4, 1)}`, `${digits(kit, 3, 1)}-00-${digits(kit, 4, 1)}`, `${digits(kit, 3, 1)}-${digits(kit, 2, 1)}-0000`]);
  let area = String(kit.int(1, 899)).padStart(3, '0');
  if (area === '666') area = '667';
  return `${area}-${String(kit.int(1, 99)).padStart(2, '0')}-${String(kit.int(1, 9999)).padStart(4, '0')}`;
}

export function phone(kit) {
  const d = (count, first = 0) => digits(kit, count, first);
  return kit.pick([
    () => `+44 20 ${d(4, 7)} ${d(4)}`,
    () => `+1 (${d(3, 2)}) ${d(3, 2)}-${d(4)}`,
    () => `+1 ${d(3, 2)}-${d(3, 2)}-${d(4)}`,
    () => `+49 30 ${d(6, 2)}`,
    () => `+49 171 ${d(7, 1)}`,
    () => `+33 6 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
    () => `+33 1 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
    () => `+34 91${d(1)} ${d(3)} ${d(3)}`,
    () => `+39 06 ${d(4)} ${d(4)}`,
    () => `+31 20 ${d(3)} ${d(4)}`,
    () => `+81 3-${d(4)}-${d(4)}`,
    () => `+61 2 ${d(4)} ${d(4)}`,
    () => `+91 ${d(5, 7)} ${d(5)}`,
    () => `+1${d(3, 2)}${d(3, 2)}${d(4)}`,
    () => `+44${d(10, 1)}`,
    () => `+44 (0)20 ${d(4, 7)} ${d(4)}`,
    () => `+7 495 ${d(3)}-${d(2)}-${d(2)}`,
    () => `+55 11 9${d(4)}-${d(4)}`,
    () => `(${d(3, 2)}) ${d(3, 2)}-${d(4)}`,
    () => `${d(3, 2)}-${d(3, 2)}-${d(4)}`,
    () => `${d(3, 2)}.${d(3, 2)}.${d(4)}`,
    () => `1-800-${d(3, 2)}-${d(4)}`,
    () => `020 ${d(4, 7)} ${d(4)}`,
    () => `0${d(1, 6)} ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
    () => `030 ${d(6, 2)}`,
    () => `0171 ${d(7, 1)}`,
    () => `02 ${d(4, 2)} ${d(4)}`,
    () => `${d(3, 2)} ${d(3, 2)} ${d(4)}`,
    () => `0049 30 ${d(6, 2)}`,
    () => `06${d(8)}`,
  ])();
}

function ipv4(kit) {
  return kit.pick([() => `192.168.${kit.int(0, 255)}.${kit.int(1, 254)}`, () => `10.${kit.int(0, 255)}.${kit.int(0, 255)}.${kit.int(1, 254)}`, () => `${kit.int(1, 223)}.${kit.int(0, 255)}.${kit.int(0, 255)}.${kit.int(1, 254)}`, () => `172.${kit.int(16, 31)}.${kit.int(0, 255)}.${kit.int(1, 254)}`])();
}

function ipv6(kit) {
  const hextet = () => kit.int(0, 65535).toString(16);
  return kit.pick([() => `2001:db8:${hextet()}:${hextet()}::${hextet()}`, () => `fe80::${hextet()}:${hextet()}:${hextet()}:${hextet()}`, () => Array.from({ length: 8 }, hextet).join(':'), () => '::1', () => `2a00:1450:4001:${hextet()}::200e`, () => `::ffff:192.0.2.${kit.int(1, 254)}`])();
}

function email(kit) {
  const first = kit.pick(FIRST);
  const last = kit.pick(LAST);
  const local = kit.pick([`${first}.${last}`, `${first}${kit.int(1, 99)}`, `${first[0]}${last}`, `${first}_${last}`, `${first}+news`, `${last}.${first}`]);
  return `${local}@${kit.pick(DOMAINS)}`;
}

const GENERATORS = { email, phone, credit_card: (kit) => card(kit), iban: (kit) => iban(kit), us_ssn: (kit) => ssn(kit), ip_address: (kit) => (kit.chance(0.7) ? ipv4(kit) : ipv6(kit)) };

const TEMPLATES = {
  email: ['You can reach me at {v}.', 'Please send the signed contract to {v} by Friday.', 'Contact: {v}', 'My new email is {v}, the old one no longer works.', 'CC {v} on the thread, please.', 'Reply to <{v}> if you have questions.', 'Login: {v} (forgot the password)', 'The invite went to {v} instead of my work address.'],
  phone: ['Call me at {v} after 6 pm.', 'Our office number is {v}.', 'Tel: {v}', 'If the delivery fails, the driver will phone {v}.', 'You can text me on {v}.', 'Customer hotline: {v} (Mon-Fri).', 'Please update my mobile number to {v}.', 'Reach the front desk at {v} for late check-in.'],
  credit_card: ['My card number is {v}, expiry 09/27.', 'Charge it to {v} please.', 'Card: {v}', 'I paid with the card ending in the number {v} but was charged twice.', 'Use {v} for the hotel deposit.', 'The payment with {v} was declined, why?'],
  iban: ['Please transfer the deposit to IBAN {v}.', 'Bank details: {v} (account holder: Julia Rossi)', 'My IBAN is {v}.', 'Refunds go to {v}, not to the card.', 'Wire the amount to {v} by the end of the month.'],
  us_ssn: ['My SSN is {v}.', 'Social security number: {v}', 'The form asks for the SSN ({v}) of each dependant.', 'Employee {v} needs a new W-2.', 'SSN {v} was entered twice in the payroll file.'],
  ip_address: ['The server at {v} is not responding.', 'Block traffic from {v} in the firewall.', 'SSH into {v} and restart nginx.', 'Our gateway IP is {v}.', 'Failed login attempts came from {v} last night.', 'Set the DNS server to {v}.'],
};

const NEGATIVES = [
  (kit) => `The card number ${card(kit, false)} was rejected as invalid.`,
  (kit) => `Test number ${card(kit, false)} should fail validation.`,
  (kit) => `IBAN ${iban(kit, false)} has a typo, the bank returned it.`,
  (kit) => `Account reference ${iban(kit, false)} is not valid.`,
  (kit) => `The sample SSN ${ssn(kit, false)} is not a real number.`,
  (kit) => `Please upgrade to v${kit.int(1, 9)}.${kit.int(0, 20)}.${kit.int(0, 9)}.${kit.int(0, 9)} before Monday.`,
  (kit) => `We are running version ${kit.int(1, 12)}.${kit.int(0, 9)}.${kit.int(0, 9)}.${kit.int(1, 99)}-beta in staging.`,
  (kit) => `Chrome ${kit.int(100, 130)}.0.${kit.int(1000, 6999)}.${kit.int(10, 250)} fixed the rendering bug.`,
  (kit) => `The package moved from 1.2.3.4.${kit.int(1, 9)} to 2.0.`,
  (kit) => `See section ${kit.int(1, 9)}.${kit.int(1, 9)}.${kit.int(1, 9)}.${kit.int(1, 9)} of the specification.`,
  (kit) => `The meeting is on ${kit.int(2019, 2025)}-${String(kit.int(1, 12)).padStart(2, '0')}-${String(kit.int(1, 28)).padStart(2, '0')} at 10:00.`,
  (kit) => `Deadline: ${String(kit.int(1, 28)).padStart(2, '0')}.${String(kit.int(1, 12)).padStart(2, '0')}.${kit.int(2019, 2026)}`,
  (kit) => `Invoice INV-${kit.int(2019, 2025)}-${digits(kit, 6)} is overdue.`,
  (kit) => `Order #${digits(kit, 3, 1)}-${digits(kit, 7)}-${digits(kit, 7)} has shipped.`,
  (kit) => `Invoice #${digits(kit, 3, 2)}-${digits(kit, 3, 2)}-${digits(kit, 4)} is attached.`,
  (kit) => `Order number ${digits(kit, 3, 2)}-${digits(kit, 3, 2)}-${digits(kit, 4)} was cancelled.`,
  (kit) => `Tracking number ${digits(kit, 12, 1)} shows the parcel in Leipzig.`,
  (kit) => `The customer ID is ${digits(kit, 10, 1)}.`,
  (kit) => `Ship it to ZIP ${digits(kit, 5, 1)}, or ${digits(kit, 5, 0)}-${digits(kit, 4)} for the PO box.`,
  (kit) => `ISBN 978-${kit.int(0, 9)}-${digits(kit, 2)}-${digits(kit, 6)}-${kit.int(0, 9)} is out of print.`,
  (kit) => `The MAC address is 00:1a:${kit.int(16, 255).toString(16)}:3c:4d:${kit.int(16, 255).toString(16)}.`,
  (kit) => `Commit ${Array.from({ length: 40 }, () => kit.int(0, 15).toString(16)).join('')} broke the build.`,
  (kit) => `Request ID 3f2a9c1e-${digits(kit, 4)}-4b7d-9e21-${digits(kit, 12)} failed.`,
  (kit) => `Revenue was $${kit.int(1, 999)},${digits(kit, 3)}.${digits(kit, 2)} and costs rose ${kit.int(1, 40)}.${kit.int(0, 9)}%.`,
  (kit) => `The office is at 52.${digits(kit, 4)}, 13.${digits(kit, 4)}.`,
  (kit) => `The run took 12:${String(kit.int(10, 59))}:${String(kit.int(10, 59))} and used ${kit.int(2, 64)} GB.`,
  (kit) => `Population grew from ${kit.int(1, 9)} ${digits(kit, 3)} ${digits(kit, 3)} to ${kit.int(1, 9)} ${digits(kit, 3)} ${digits(kit, 3)}.`,
  (kit) => `Write to @${kit.pick(FIRST)} on the forum or email support (at) example dot com.`,
  (kit) => `Import it with npm install @types/node and run it on localhost:${kit.int(3000, 9000)}.`,
  () => `Use user@localhost for the test account.`,
  (kit) => `Pi is roughly 3.${digits(kit, 10)}.`,
  (kit) => `The lottery numbers were ${kit.int(1, 9)} ${kit.int(10, 19)} ${kit.int(20, 29)} ${kit.int(30, 39)} ${kit.int(40, 49)}.`,
  (kit) => `Patch 1.${kit.int(0, 9)}.${kit.int(0, 9)} landed on ${kit.int(1, 28)}/${kit.int(1, 12)}/${kit.int(2020, 2025)}.`,
  (kit) => `The score was ${kit.int(100, 999)}-${kit.int(10, 99)}-${kit.int(1000, 9999)} in the bonus round.`,
];

export function piiEvalRows(kit, count) {
  const rows = [];
  const types = Object.keys(GENERATORS);
  for (let index = 0; rows.length < count; index++) {
    const roll = kit.random();
    if (roll < 0.3) {
      rows.push({ id: `pii-${rows.length + 1}`, text: kit.pick(NEGATIVES)(kit), spans: [] });
      continue;
    }
    // One or two values per sentence.
    const chosen = kit.sample(types, roll > 0.8 ? 2 : 1);
    let text = '';
    const spans = [];
    for (const type of chosen) {
      const value = GENERATORS[type](kit);
      const template = kit.pick(TEMPLATES[type]);
      const prefix = `${text}${text ? ' ' : ''}${template.slice(0, template.indexOf('{v}'))}`;
      spans.push({ type, start: prefix.length, end: prefix.length + value.length });
      text = prefix + value + template.slice(template.indexOf('{v}') + 3);
    }
    rows.push({ id: `pii-${rows.length + 1}`, text, spans });
  }
  return rows;
}
