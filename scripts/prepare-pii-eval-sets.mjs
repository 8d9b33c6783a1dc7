// Converts public PII sets into the JSON Lines of scripts/eval-pii.mjs ({text, spans:[{type,
// start, end}]}). Measurement only: nothing here is trained or tuned on, and the converted
// files stay in the git-ignored bench/.tmp/ (raw files in bench/.tmp/pii-raw/).
//
// presidio-synth: microsoft/presidio-research @ 7622dec (MIT), data/synth_dataset_v2.json —
//   1,500 sentences written by Presidio's data generator (its own templates, names from
//   FakeNameGenerator.com and Faker), 17 entity types. Mapped: PERSON → person,
//   STREET_ADDRESS → street_address, PHONE_NUMBER → phone, CREDIT_CARD → credit_card,
//   EMAIL_ADDRESS → email, IBAN_CODE → iban, US_SSN → us_ssn, IP_ADDRESS → ip_address,
//   US_DRIVER_LICENSE → driver_license. The other types (GPE, ORGANIZATION, DATE_TIME, TITLE,
//   AGE, NRP, ZIP_CODE, DOMAIN_NAME) are not ones the detector reports; a finding on them
//   counts as a false positive.
//   Get the raw file with: git -C <mirror of microsoft/presidio-research> show HEAD:data/synth_dataset_v2.json
//     > bench/.tmp/pii-raw/presidio-synth_dataset_v2.json
//   node scripts/prepare-pii-eval-sets.mjs
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const raw = `${root}bench/.tmp/pii-raw/`;
const out = `${root}bench/.tmp/pii-eval/`;
mkdirSync(out, { recursive: true });

const PRESIDIO_TYPES = {
  PERSON: 'person',
  STREET_ADDRESS: 'street_address',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD: 'credit_card',
  EMAIL_ADDRESS: 'email',
  IBAN_CODE: 'iban',
  US_SSN: 'us_ssn',
  IP_ADDRESS: 'ip_address',
  US_DRIVER_LICENSE: 'driver_license',
};

const presidioFile = `${raw}presidio-synth_dataset_v2.json`;
if (!existsSync(presidioFile)) {
  console.error(`missing ${presidioFile} (see this script's header)`);
  process.exit(1);
}
const rows = JSON.parse(readFileSync(presidioFile, 'utf8')).map((row) => ({
  text: row.full_text,
  spans: row.spans
    .filter((span) => PRESIDIO_TYPES[span.entity_type])
    .map((span) => ({ type: PRESIDIO_TYPES[span.entity_type], start: span.start_position, end: span.end_position })),
}));
writeFileSync(`${out}presidio-synth.jsonl`, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
console.log(`presidio-synth.jsonl: ${rows.length} sentences`);
