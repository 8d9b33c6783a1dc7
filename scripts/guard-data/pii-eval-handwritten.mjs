// A second PII evaluation set, written by hand sentence by sentence rather than from the
// templates of pii-eval.mjs: chat messages, e-mails, support tickets, logs and forms with
// values in many formats, and near-misses (version numbers shaped like IPs, order and ISBN
// numbers, dates, ZIP+4 codes, Luhn-invalid cards, IBANs with a wrong checksum, SSNs with an
// impossible area, phone-like numbers that are references). A labelled value is written
// ⟦type|value⟧; the converter below removes the markers and records the spans.
// Card numbers are public test numbers; IBANs are the published example IBANs; SSNs are
// made up (valid format only) or the well-known Woolworth number 078-05-1120.

const SENTENCES = [
  // ------------------------------------------------------------------ e-mail
  'hey, can u send the invoice to ⟦email|mark.t@northwind-traders.com⟧ instead? thx',
  'Reply-To: ⟦email|noreply+bounce-7731@mailer.shopify-mail.net⟧',
  'CC ⟦email|Ana.Lopez@Universidad-Ejemplo.es⟧ and ⟦email|r.kim@lab.example.ac.kr⟧ on the thread.',
  'My old address (⟦email|jsmith1987@hotmail.co.uk⟧) no longer works.',
  'Log line: 2024-05-02T10:11:12Z login ok user=⟦email|ops_admin@internal.corp.example⟧ ip=⟦ip_address|10.12.0.7⟧',
  'Contact: <⟦email|press@greenfield.energy⟧>',
  'Our handle is @greenfield on every platform, not an email.',
  'Write to support at example dot com if the form fails.',
  'The git remote is git@github.com:org/repo.git and the branch is main.',
  'Please add ⟦email|o.brien@dublin-port.ie⟧ to the list.',
  'Send the CV to ⟦email|careers@data-insights.io⟧ before Friday.',
  'The npm package @types/node@20.11.5 fixed it.',
  // ------------------------------------------------------------------ cards
  'Charge it to my Visa ⟦credit_card|4012 8888 8888 1881⟧, expiry 09/27.',
  'card: ⟦credit_card|5105105105105100⟧ cvv 123',
  'I paid with Amex ⟦credit_card|3782 822463 10005⟧ but the receipt shows a different total.',
  'Discover ending 1117 — full number ⟦credit_card|6011-1111-1111-1117⟧ — was declined.',
  'Test card ⟦credit_card|4242 4242 4242 4242⟧ works in the sandbox.',
  'JCB ⟦credit_card|3530111333300000⟧ was used for the hotel.',
  'Is 4111 1111 1111 1112 a valid card number? The shop rejected it.',
  'Order number 4539 1488 0343 6468 1 shipped yesterday.',
  'Tracking: 1Z999AA10123456784',
  'The serial on the box is 5500 0000 0000 0005 7.',
  'Mastercard: ⟦credit_card|5555 5555 5555 4444⟧ (company card)',
  'new card is ⟦credit_card|4000056655665556⟧, the old one expired',
  'Diners ⟦credit_card|3056 9309 0259 04⟧ still on file?',
  'Use ⟦credit_card|2223 0031 2200 3222⟧ for the 2-series Mastercard test.',
  'The card 5105 1051 0510 5106 keeps failing the check digit.',
  'Gift card code 6035 1234 5678 9012 has 20 euros left.',
  'Account 1234567812345678 was closed in March.',
  // ------------------------------------------------------------------ IBAN
  'Please wire the deposit to ⟦iban|DE89 3704 0044 0532 0130 00⟧ (Commerzbank).',
  'IBAN: ⟦iban|GB82WEST12345698765432⟧',
  'Virement sur ⟦iban|FR14 2004 1010 0505 0001 3M02 606⟧ avant le 5.',
  'Refund to ⟦iban|NL91ABNA0417164300⟧ please.',
  'Spanish account ⟦iban|ES91 2100 0418 4502 0005 1332⟧, holder M. García.',
  'The Swiss one is ⟦iban|CH93 0076 2011 6238 5295 7⟧.',
  'Belgian IBAN ⟦iban|BE68 5390 0754 7034⟧ belongs to the landlord.',
  'Italian IBAN: ⟦iban|IT60 X054 2811 1010 0000 0123 456⟧',
  'I think I mistyped it: DE89 3704 0044 0532 0130 01 bounced.',
  'GB82 WEST 1234 5698 7654 33 is what the form shows, which fails validation.',
  'The reference code GB12ABCD is printed on the ticket.',
  'Austria: ⟦iban|AT61 1904 3002 3457 3201⟧',
  // ------------------------------------------------------------------ SSN
  'Employee SSN: ⟦us_ssn|536-90-4399⟧ (for payroll only)',
  'My social security number is ⟦us_ssn|401235871⟧.',
  'Dependent: Mia, born 2016, SSN ⟦us_ssn|219-09-9999⟧.',
  'The famous Woolworth card number ⟦us_ssn|078-05-1120⟧ was used by thousands of people.',
  'Form W-4 line 1: ⟦us_ssn|612-48-2290⟧',
  'SSN 000-12-3456 is invalid because the area is 000.',
  'An SSN never starts with 666, so 666-45-1234 is fake.',
  '900-12-3456 is in the ITIN range, not an SSN.',
  'Order 512-15-4849 arrived damaged.',
  'Call ⟦phone|555-234-5678⟧ for the front desk.',
  'The ISBN is 978-3-16-148410-0.',
  'Part no. 233-41-8870 fits the 2019 model.',
  'Ticket 345-67-8901 has been escalated.',
  'Taxpayer ID: ⟦us_ssn|287-65-4321⟧',
  'For the background check I gave them my SSN, ⟦us_ssn|457-55-5462⟧, and my old address.',
  'ssn ⟦us_ssn|123 45 6789⟧ dob 04/11/1990',
  'The applicant (SSN ⟦us_ssn|318-26-7045⟧) withdrew.',
  'Spouse: ⟦us_ssn|529-84-1176⟧ — please double-check this one on the 1040.',
  'Case 221-30-9987 was closed without action.',
  'Flight 447-22-1021 is not a thing, it is a booking code.',
  // ------------------------------------------------------------------ IP
  'The server at ⟦ip_address|192.168.1.20⟧ stopped answering pings.',
  'Use ⟦ip_address|8.8.8.8⟧ or ⟦ip_address|1.1.1.1⟧ as DNS.',
  'Blocked: ⟦ip_address|203.0.113.45⟧ (too many failed logins)',
  'IPv6 gateway ⟦ip_address|2001:db8:85a3::8a2e:370:7334⟧ is reachable.',
  'ssh root@⟦ip_address|172.16.254.1⟧ -p 2222',
  'Upgrade to version 1.2.3.4 before Monday.',
  'Windows build 10.0.19045.3693 has the fix.',
  'See section 4.2.1.3 of the contract.',
  'The address 256.100.1.1 is not valid.',
  'Loopback is ⟦ip_address|127.0.0.1⟧ and the container uses ⟦ip_address|172.17.0.2⟧.',
  'The meeting is at 10:30:15 and the MAC is 00:1A:2B:3C:4D:5E.',
  'Firmware 2.0.0.14 bricked two routers.',
  'curl http://⟦ip_address|10.0.0.5⟧:8080/health returned 503.',
  'The coordinates are 52.5200, 13.4050.',
  // ------------------------------------------------------------------ phone
  'Call me on ⟦phone|+44 20 7946 0958⟧ after six.',
  'Office: ⟦phone|(212) 555-0199⟧',
  'Mobile ⟦phone|+49 151 23456789⟧, WhatsApp works too.',
  'Paris office ⟦phone|+33 1 42 68 53 00⟧.',
  'Tokyo: ⟦phone|+81 3-1234-5678⟧',
  'Sydney branch ⟦phone|+61 2 9374 4000⟧',
  'Mumbai desk ⟦phone|+91 98765 43210⟧',
  'My number is ⟦phone|06 12 34 56 78⟧.',
  'Madrid: ⟦phone|+34 912 345 678⟧',
  'Rome switchboard ⟦phone|+39 06 6982 0000⟧',
  'São Paulo cell ⟦phone|+55 11 91234-5678⟧',
  'Call ⟦phone|415-555-2671⟧ to reschedule.',
  'Text ⟦phone|+1 646 555 3890⟧ when you land.',
  'Tel. ⟦phone|030 901820⟧ (Berlin)',
  'From abroad dial ⟦phone|0044 20 7946 0958⟧.',
  'Beijing office ⟦phone|+86 10 6552 9988⟧',
  'Fax: ⟦phone|+41 44 668 18 00⟧',
  'Hotline ⟦phone|0800 123 4567⟧ is free.',
  'Our ZIP is 94105-1234.',
  'The date was 2024-03-15 and the time 14:05.',
  'Invoice #2024-000315 is overdue.',
  'The population is 8 336 817 people.',
  'Pi to ten digits is 3.1415926535.',
  'Room 1204, floor 12, building 3.',
  'Reference: 20240315-00871',
  // ------------------------------------------------------------------ mixed
  'Name: Priya Natarajan | Email: ⟦email|priya.n@example.org⟧ | Phone: ⟦phone|+1 (415) 555-0134⟧ | Card: ⟦credit_card|4111 1111 1111 1111⟧',
  'Hi, I am locked out. My email is ⟦email|tom.becker@web-mail.de⟧ and my IBAN for the refund is ⟦iban|DE89370400440532013000⟧.',
  'Ship to 221B Baker Street, London. Call ⟦phone|+44 20 7224 3688⟧ on arrival.',
  'Patient SSN ⟦us_ssn|350-72-1184⟧, contact ⟦phone|(617) 555-0142⟧.',
  'Version 3.10.4.2 of the agent phoned home to ⟦ip_address|198.51.100.23⟧.',
  'Pay ⟦iban|NL91 ABNA 0417 1643 00⟧ or use card ⟦credit_card|5555555555554444⟧.',
];

/** The text and the labelled spans of one sentence marked up as ⟦type|value⟧. */
export function unmark(marked) {
  const spans = [];
  let text = '';
  let rest = marked;
  for (let at = rest.indexOf('⟦'); at !== -1; at = rest.indexOf('⟦')) {
    const close = rest.indexOf('⟧', at);
    const [type, value] = rest.slice(at + 1, close).split('|');
    text += rest.slice(0, at);
    spans.push({ type, start: text.length, end: text.length + value.length });
    text += value;
    rest = rest.slice(close + 1);
  }
  return { text: text + rest, spans };
}

/** Rows {id, text, spans: [{type, start, end}]} from the marked-up sentences. */
export function handwrittenPiiRows() {
  return SENTENCES.map((marked, index) => ({ id: `pii-hand-${String(index + 1).padStart(3, '0')}`, ...unmark(marked) }));
}
