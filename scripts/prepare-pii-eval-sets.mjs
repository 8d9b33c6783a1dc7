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
//   The set is split by Presidio's template_id: sentences of even-numbered templates are
//   presidio-tune.jsonl (read to find what the detectors miss; the name and address rules were
//   changed after reading it), those of odd-numbered templates presidio-holdout.jsonl (never
//   read, measured only); presidio-synth.jsonl is all of it, measured once before any change.
//
// nannigalaxy: Nannigalaxy/PII-synthetic_dataset @ e776265 (MIT), dataset/pii_syn_nano_en.json —
//   149 sentences written with a language model (security incidents, HR and bank messages,
//   Indian and Western names), entities given as strings. Mapped: PERSON → person, PHONE → phone,
//   EMAIL → email, IBAN → iban, SSN → us_ssn, CREDIT_CARD → credit_card, PASSPORT and
//   PASSPORT_NUM → passport, DRIVER_LICENSE, DRIVERS_LICENSE and DRIVER_LICENSE_NUM →
//   driver_license; an entity found more than once in its sentence is labelled at each place.
//   Raw: git -C <mirror> show HEAD:dataset/pii_syn_nano_en.json > bench/.tmp/pii-raw/nannigalaxy-pii_syn_nano_en.json
//
// contextual-anonymizer: kurkowski93/contextual-anonymizer @ b643d50 (MIT, 2025-02-26),
//   data/synthetic_data.json — 4,321 documents (bank statements, CVs, medical notes, chats, e-mail
//   threads) written by GPT-4o-mini, each with the same text anonymized by the model: values
//   replaced by placeholders such as [NAME_1], [PHONE_1], [ADDRESS_1]. A third generator, neither
//   Presidio's templates nor a set written here. Spans are recovered by aligning the two texts (the
//   literal pieces between placeholders are found in order; a document where that fails, or where
//   two placeholders touch, is left out). Mapped: NAME and DOCTOR → person, PHONE → phone,
//   ADDRESS → street_address only when the value has a digit (a house number; the model also
//   labels "Los Angeles, CA" an address, which is not a street address and is dropped), EMAIL →
//   email. The labels are the model's own and are not checked: where it left a name in place or
//   called a firm a NAME, the detector is counted wrong. Documents repeated verbatim are kept once.
//   Held out: measured only, never read to change a rule.
//   Raw: git --git-dir=<mirror> show HEAD:data/synthetic_data.json > bench/.tmp/pii-raw/contextual-anonymizer-synthetic_data.json
//
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
const presidio = JSON.parse(readFileSync(presidioFile, 'utf8'));
const rows = presidio.map((row) => ({
  template: row.template_id,
  text: row.full_text,
  spans: row.spans
    .filter((span) => PRESIDIO_TYPES[span.entity_type])
    .map((span) => ({ type: PRESIDIO_TYPES[span.entity_type], start: span.start_position, end: span.end_position })),
}));
const write = (name, list) => {
  writeFileSync(`${out}${name}`, `${list.map(({ text, spans }) => JSON.stringify({ text, spans })).join('\n')}\n`);
  console.log(`${name}: ${list.length} sentences, ${list.reduce((sum, row) => sum + row.spans.length, 0)} labelled values`);
};
write('presidio-synth.jsonl', rows);
write('presidio-tune.jsonl', rows.filter((row) => row.template % 2 === 0));
write('presidio-holdout.jsonl', rows.filter((row) => row.template % 2 === 1));

const NANNIGALAXY_TYPES = {
  PERSON: 'person',
  PHONE: 'phone',
  EMAIL: 'email',
  IBAN: 'iban',
  SSN: 'us_ssn',
  CREDIT_CARD: 'credit_card',
  PASSPORT: 'passport',
  PASSPORT_NUM: 'passport',
  DRIVER_LICENSE: 'driver_license',
  DRIVERS_LICENSE: 'driver_license',
  DRIVER_LICENSE_NUM: 'driver_license',
};
const nannigalaxyFile = `${raw}nannigalaxy-pii_syn_nano_en.json`;
if (existsSync(nannigalaxyFile)) {
  const list = JSON.parse(readFileSync(nannigalaxyFile, 'utf8')).map((row) => {
    const spans = [];
    for (const entity of row.NER) {
      const type = NANNIGALAXY_TYPES[entity.label];
      if (!type) continue;
      for (let at = row.text.indexOf(entity.entity); at !== -1; at = row.text.indexOf(entity.entity, at + 1)) {
        if (!spans.some((span) => span.start === at)) spans.push({ type, start: at, end: at + entity.entity.length });
      }
    }
    return { text: row.text, spans };
  });
  write('nannigalaxy.jsonl', list);
} else console.error(`skipped nannigalaxy: missing ${nannigalaxyFile}`);

const ANONYMIZER_TYPES = { NAME: 'person', DOCTOR: 'person', PHONE: 'phone', ADDRESS: 'street_address', EMAIL: 'email' };
const anonymizerFile = `${raw}contextual-anonymizer-synthetic_data.json`;
if (existsSync(anonymizerFile)) {
  const seen = new Set();
  const list = [];
  let dropped = 0;
  for (const row of JSON.parse(readFileSync(anonymizerFile, 'utf8')).data) {
    if (seen.has(row.context)) continue;
    seen.add(row.context);
    const spans = alignPlaceholders(row.context, row.anonymized_context);
    if (!spans) {
      dropped++;
      continue;
    }
    list.push({
      text: row.context,
      spans: spans
        .filter((span) => ANONYMIZER_TYPES[span.label] && !(span.label === 'ADDRESS' && !/\d/.test(row.context.slice(span.start, span.end))))
        .map((span) => ({ type: ANONYMIZER_TYPES[span.label], start: span.start, end: span.end })),
    });
  }
  write('contextual-anonymizer.jsonl', list);
  console.log(`contextual-anonymizer: ${dropped} documents left out (the anonymized text does not align with the original)`);
} else console.error(`skipped contextual-anonymizer: missing ${anonymizerFile}`);

/** Spans of the values the placeholders of `anonymized` stand for in `original`; undefined when they cannot be told apart. */
function alignPlaceholders(original, anonymized) {
  const pieces = anonymized.split(/\[([A-Z][A-Z_]*?)_\d+\]/);
  // pieces: literal, label, literal, label, …, literal
  if (!original.startsWith(pieces[0])) return undefined;
  const spans = [];
  let at = pieces[0].length;
  for (let index = 1; index < pieces.length; index += 2) {
    const next = pieces[index + 1];
    const last = index + 2 >= pieces.length;
    if (next === '' && !last) return undefined;
    const end = last ? (original.endsWith(next) ? original.length - next.length : -1) : original.indexOf(next, at + 1);
    if (end === -1 || end < at) return undefined;
    // Trimmed: the model sometimes moves a space or a line break in or out of a placeholder.
    let start = at;
    let stop = end;
    while (start < stop && /\s/.test(original[start])) start++;
    while (stop > start && /\s/.test(original[stop - 1])) stop--;
    if (stop > start) spans.push({ label: pieces[index], start, end: stop });
    at = end + next.length;
  }
  return spans;
}
