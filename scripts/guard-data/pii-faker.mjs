// The PII tuning set: sentences written from this file's templates with values from
// @faker-js/faker (MIT) in seven locales — a different generator from the one behind
// data/guard/pii-eval.jsonl and from the name lists the detector ships (US census), so the
// name and address detectors are tuned on names, streets and formats they were not built
// from. Hard negatives: places, organisations, products and capitalised phrases that share
// words with names ("Jordan River", "Apple Park", "Grace Hopper Street" without a number).
//
// Used for choosing the detectors' rules and thresholds (it is the tuning set); the held-out
// sets are data/guard/pii-eval-handwritten.jsonl and public ones (docs/guards-quality.md).
import { fakerDE, fakerEN_GB, fakerEN_US, fakerES, fakerFR, fakerIT, fakerNL } from '@faker-js/faker';

const LOCALES = [fakerEN_US, fakerEN_US, fakerEN_US, fakerEN_GB, fakerDE, fakerFR, fakerES, fakerIT, fakerNL];
const NETWORKS = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners_club', 'maestro', 'unionpay'];

/** Builds a text from literal strings and [type, value] parts, recording the labelled spans. */
function compose(parts) {
  let text = '';
  const spans = [];
  for (const part of parts.flatMap((part) => (Array.isArray(part) && Array.isArray(part[1]) ? part : [part]))) {
    if (typeof part === 'string') text += part;
    else {
      const [type, value] = part;
      spans.push({ type, start: text.length, end: text.length + value.length });
      text += value;
    }
  }
  return { text, spans };
}

/** A name as parts: a title ("Dr.", "Frau") is not part of the labelled name, as in Presidio's data. */
function fullName(faker, kit) {
  const first = faker.person.firstName();
  const last = faker.person.lastName();
  const shape = kit.int(0, 9);
  if (shape === 0) return ['person', `${first} ${faker.string.alpha({ length: 1, casing: 'upper' })}. ${last}`];
  if (shape === 1) return [`${faker.person.prefix()} `, ['person', last]];
  if (shape === 2) return [`${faker.person.prefix()} `, ['person', `${first} ${last}`]];
  return ['person', `${first} ${last}`];
}

function address(faker, kit, withCity) {
  const street = faker.location.streetAddress(kit.chance(0.3));
  if (!withCity) return street;
  if (faker === fakerEN_US) return `${street}, ${faker.location.city()}, ${faker.location.state({ abbreviated: true })} ${faker.location.zipCode()}`;
  return kit.chance(0.5) ? `${street}, ${faker.location.zipCode()} ${faker.location.city()}` : `${street}, ${faker.location.city()}`;
}

function phone(faker) {
  return faker.phone.number();
}

function card(faker) {
  return faker.finance.creditCardNumber(faker.helpers.arrayElement(NETWORKS));
}

function birthDate(faker, kit) {
  const date = faker.date.birthdate({ min: 18, max: 90, mode: 'age' });
  const day = date.getUTCDate();
  const month = date.getUTCMonth() + 1;
  const year = date.getUTCFullYear();
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return kit.pick([
    `${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}/${year}`,
    `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    `${months[month - 1]} ${day}, ${year}`,
    `${day} ${months[month - 1]} ${year}`,
    `${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.${year}`,
  ]);
}

function passport(faker, kit) {
  return kit.pick([faker.string.numeric(9), `${faker.string.alpha({ length: 1, casing: 'upper' })}${faker.string.numeric(8)}`, `${faker.string.alpha({ length: 2, casing: 'upper' })}${faker.string.numeric(7)}`]);
}

function driverLicence(faker, kit) {
  return kit.pick([`${faker.string.alpha({ length: 1, casing: 'upper' })}${faker.string.numeric(7)}`, `${faker.string.alpha({ length: 1, casing: 'upper' })}${faker.string.numeric(12)}`, faker.string.numeric(9), `${faker.string.alpha({ length: 1, casing: 'upper' })}${faker.string.numeric(3)}-${faker.string.numeric(4)}-${faker.string.numeric(4)}`]);
}

/** Templates with values: each returns the parts of one sentence. */
const POSITIVE = [
  (f, k) => ['Hi, my name is ', ['person', f.person.firstName() + ' ' + f.person.lastName()], ' and I live at ', ['street_address', address(f, k, true)], '.'],
  (f, k) => ['Please ship the order to ', fullName(f, k), ', ', ['street_address', address(f, k, true)]],
  (f, k) => ['Send the invoice to ', ['street_address', address(f, k, false)], ' attn. ', fullName(f, k)],
  (f, k) => ['Patient ', fullName(f, k), ' (DOB ', ['date_of_birth', birthDate(f, k)], ') was seen on Tuesday for a follow-up.'],
  (f, k) => ['Can you draft a reply to ', fullName(f, k), '? She asked whether we can move the call to Friday.'],
  (f, k) => [fullName(f, k), ' called about the refund; call back on ', ['phone', phone(f)], '.'],
  (f) => ['Cardholder: ', ['person', f.person.firstName() + ' ' + f.person.lastName()], '\nCard: ', ['credit_card', card(f)], '\nExpires 09/28'],
  (f) => ['I paid with ', ['credit_card', card(f)], ' but the charge shows twice.'],
  (f) => ['You can reach me on ', ['phone', phone(f)], ' any time after 5.'],
  (f, k) => ['Our new office is at ', ['street_address', address(f, k, k.chance(0.5))], ' — visitors should sign in at reception.'],
  (f, k) => ['Summarise this note: ', fullName(f, k), ' met with ', fullName(f, k), ' to discuss the merger.'],
  (f, k) => ['Date of birth: ', ['date_of_birth', birthDate(f, k)], '\nName: ', ['person', f.person.firstName() + ' ' + f.person.lastName()]],
  (f, k) => ['I was born on ', ['date_of_birth', birthDate(f, k)], ' in ', f.location.city(), '.'],
  (f, k) => ['My passport number is ', ['passport', passport(f, k)], ' and it expires next year.'],
  (f, k) => ['Passport no. ', ['passport', passport(f, k)], ', issued to ', fullName(f, k)],
  (f, k) => ["Driver's license: ", ['driver_license', driverLicence(f, k)], ' (state ', f.location.state({ abbreviated: true }), ')'],
  (f, k) => ['his driving licence number is ', ['driver_license', driverLicence(f, k)]],
  (f, k) => ['Dear ', fullName(f, k), ',\nthank you for your letter of 3 May.'],
  (f, k) => ['Thanks, ', ['person', f.person.firstName()], '! See you at ', ['street_address', address(f, k, false)], '.'],
  (f, k) => ['The tenant, ', fullName(f, k), ', has lived at ', ['street_address', address(f, k, true)], ' since 2019.'],
  (f, k) => ['Contact: ', fullName(f, k), ' | ', ['phone', phone(f)], ' | ', ['email', f.internet.email()]],
  (f, k) => ['Ask ', ['person', f.person.firstName()], ' whether the delivery to ', ['street_address', address(f, k, false)], ' arrived.'],
  (f) => ['Write a birthday card for ', ['person', f.person.firstName()], ', who turns 40 on Saturday.'],
  (f, k) => ['According to ', fullName(f, k), ', the figures for Q3 are final.'],
  (f, k) => [fullName(f, k), ' (', ['email', f.internet.email()], ') asked to be removed from the list.'],
  (f, k) => ['Billing address:\n', ['street_address', address(f, k, true)]],
  (f, k) => ['Mail the documents to ', fullName(f, k), ' at ', ['street_address', address(f, k, true)], ' by Friday.'],
  (f) => ['Pay with card ', ['credit_card', card(f)], ' please.'],
  (f) => ['The witness, ', ['person', f.person.firstName() + ' ' + f.person.lastName()], ', said she saw the car at ', ['street_address', f.location.streetAddress()], '.'],
  (f) => ['mobile: ', ['phone', phone(f)]],
];

/** Sentences with no personal data that share words and shapes with it. */
const NEGATIVE = [
  (f) => `We visited ${f.location.city()} last summer and loved the old town.`,
  (f) => `${f.company.name()} reported strong results for the quarter.`,
  () => 'The Jordan River flows into the Dead Sea.',
  () => 'Apple Park is in Cupertino, California.',
  () => 'Take the Victoria Line to Brixton and change for the bus.',
  () => 'Grace Hopper Street is closed for repairs this week.',
  () => 'Mount Vernon overlooks the Potomac River.',
  (f) => `The ${f.commerce.productName()} costs $${f.commerce.price()} and ships in 3 days.`,
  () => 'Version 2.14.3 fixes the bug in the Windows installer.',
  () => 'Set the timeout to 30000 ms and retry 3 times.',
  () => 'The meeting is on Monday, March 4 at 10:30 in Room 204.',
  () => 'Call the function with the ID 4242 4242 and the port 8080.',
  () => 'Order #100234556 shipped on 2024-03-18.',
  () => 'The ZIP code for the Empire State Building is 10118.',
  () => 'Use Visual Studio Code with the Python extension.',
  () => 'New York Times bestsellers this week include three thrillers.',
  () => 'The Golden Gate Bridge opened in 1937.',
  () => 'Amazon Web Services announced a new region in Spain.',
  () => 'General Motors and Ford both recalled vehicles in May.',
  (f) => `${f.location.street()} is one of the busiest roads in the city.`,
  () => 'Turn left on Main Street and park behind the library.',
  () => 'Labor Day is a federal holiday.',
  () => 'Chrome 120.0.6099.109 was released for Mac and Linux.',
  () => 'The Hilton in Paris is next to the Louvre.',
  () => 'Summer Lake and Crystal Bay are popular with kayakers.',
  () => 'The Supreme Court ruled 6-3 on Tuesday.',
  () => 'Invoice total: $1,234.56, due 30 days from 01/02/2024.',
  () => 'Harvard University and Stanford University both offer the course.',
  () => 'Read chapter 12, pages 120-145, before the exam.',
  () => 'Austin, Texas has grown quickly since 2010.',
];

export function piiFakerSet(kit, positives, negatives) {
  const rows = [];
  for (let index = 0; index < positives; index++) {
    const faker = kit.pick(LOCALES);
    faker.seed(kit.int(1, 2 ** 30));
    rows.push(compose(kit.pick(POSITIVE)(faker, kit)));
  }
  for (let index = 0; index < negatives; index++) {
    const faker = kit.pick(LOCALES);
    faker.seed(kit.int(1, 2 ** 30));
    rows.push({ text: kit.pick(NEGATIVE)(faker, kit), spans: [] });
  }
  return rows;
}
