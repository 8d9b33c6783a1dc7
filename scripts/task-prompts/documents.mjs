// Composed pasted material: chat logs, notes, and long documents (transcripts, logs, tables,
// contracts, codebases, review dumps, email threads, reports) for long-context prompts.
import { FOREIGN_PASSAGES, PASSAGES } from './passages.mjs';
import { SHARED } from './shared.mjs';
import { SNIPPETS } from './snippets.mjs';

const UTTERANCES = [
  'is prod down?', 'only in the EU region, US looks fine', 'should we roll back?', 'rollback done, errors dropping', 'who is on call this week?', 'I can take Thursday',
  'the client moved the deadline to the 15th', 'that gives us one more sprint', 'can we cut the reporting feature?', 'I would rather cut the export', 'let\'s decide tomorrow',
  'budget is approved but 10% lower', 'we need to hire one more designer', 'I sent the draft to legal', 'legal wants changes to clause 4', 'ok, I\'ll update it tonight',
  'the venue can only host 80 people', 'then we cap registrations at 75', 'catering is booked', 'did anyone order the badges?', 'not yet, I\'ll do it', 'the numbers for March look off',
  'I think the import job ran twice', 'can you check the dashboard?', 'fixed, it was a timezone issue', 'great, thanks!', 'the new intern starts Monday', 'who is onboarding them?',
  'I will, but I\'m out Wednesday', 'Maria can cover Wednesday', 'let\'s move the standup to 10', 'works for me', 'the supplier is late again', 'third time this quarter', 'we should look for a second supplier',
  'agreed, I\'ll ask procurement', 'the demo went well', 'they want a proposal by Friday', 'I can draft it', 'send it to me before it goes out', 'the test suite takes 40 minutes now', 'let\'s split it into shards',
];

const NOTE_LINES = [
  'closed the billing bug', 'prototype of the search page done', 'waiting on design for the settings screen', 'on leave Monday', 'reviewed 4 PRs', 'interviewed two candidates, one strong',
  'Q2 goals: reduce churn, ship mobile app', 'budget review next Tuesday', 'customer X unhappy with response times', 'migration 60% done', 'need decision on pricing tiers', 'office move delayed to July',
  'new hire starts on the 3rd', 'security audit passed with two minor findings', 'sales pipeline up 15%', 'marketing wants a launch date', 'design handed over the new onboarding screens',
  'server costs up 20% this month', 'support backlog down to 35 tickets', 'renewed contract with the cleaning company', 'team offsite planned for September', 'still waiting on legal review',
];

const REVIEWS = [
  'Works as described, arrived quickly.', 'Stopped working after a week.', 'Great value for the money!', 'The instructions were confusing.', 'Customer service replaced it without questions.', 'Too loud for a small flat.',
  'Battery life is shorter than advertised.', 'Looks cheap in person.', 'Exactly what I needed.', 'Took three weeks to arrive.', 'Size runs small, order one up.', 'The app keeps disconnecting.',
  'Love the colour.', 'Broke when I dropped it once.', 'Does the job, nothing more.', 'Would buy again.', 'Packaging was damaged but the product was fine.', 'Not worth the price.',
];

const CLAUSES = [
  'The Supplier shall deliver the Goods to the address stated in the Order within the agreed delivery period.', 'Payment is due within thirty (30) days of the date of invoice.',
  'Either party may terminate this Agreement with ninety (90) days written notice.', 'The Supplier\'s total liability under this Agreement shall not exceed the fees paid in the preceding twelve (12) months.',
  'Neither party shall be liable for any indirect or consequential loss.', 'All intellectual property created under this Agreement shall vest in the Customer upon payment.',
  'The Supplier shall maintain insurance cover of at least 2,000,000 EUR.', 'Confidential Information shall not be disclosed to third parties without prior written consent.',
  'The subscription continues from year to year unless cancelled in writing.', 'The Customer may audit the Supplier\'s records once per year with fifteen (15) days notice.',
  'Any dispute shall be settled by the courts of Amsterdam.', 'Prices are fixed for the first year and may be adjusted annually by no more than the consumer price index.',
  'The Supplier shall process personal data only on documented instructions from the Customer.', 'Service credits of 5% apply for each full hour of downtime beyond the agreed availability.',
];

const LOG_EVENTS = [
  'INFO  request completed status=200 duration_ms={ms}', 'WARN  slow query duration_ms={ms} table=orders', 'ERROR connection refused upstream=payments:8443', 'INFO  cache hit ratio=0.{ms}',
  'ERROR timeout after {ms}ms calling inventory-service', 'INFO  job started id={id}', 'INFO  job finished id={id} rows={ms}', 'WARN  retrying attempt=2 id={id}', 'ERROR disk usage 9{d}% on /var/lib/data',
  'INFO  user login user_id={id}', 'WARN  rate limit exceeded key=team-{d}', 'ERROR null pointer in OrderMapper.map line {d}{d}', 'INFO  deployment version=2.{d}.{d} started', 'INFO  health check ok',
];

export function chatLog(kit, turns) {
  const people = kit.sample(SHARED.name, 3);
  const lines = kit.sample(UTTERANCES, turns);
  const style = kit.int(0, 2);
  return lines.map((line, index) => (style === 0 ? `${people[index % 3]}: ${line}` : style === 1 ? `[${9 + Math.floor(index / 4)}:${String((index * 7) % 60).padStart(2, '0')}] ${people[index % 3].toLowerCase()}: ${line}` : `${people[index % 3][0]}: ${line}`)).join('\n');
}

export function notes(kit, count) {
  const bullet = kit.pick(['- ', '* ', '• ', '']);
  return kit.sample(NOTE_LINES, count).map((line) => `${bullet}${line}`).join('\n');
}

function logs(kit, target) {
  const lines = [];
  let length = 0;
  let minute = kit.int(0, 50);
  const service = kit.pick(['api', 'worker', 'gateway', 'billing', 'scheduler']);
  while (length < target) {
    minute++;
    const event = kit.pick(LOG_EVENTS).replace(/\{ms\}/g, () => String(kit.int(3, 9999))).replace(/\{id\}/g, () => String(kit.int(1000, 99999))).replace(/\{d\}/g, () => String(kit.int(0, 9)));
    const line = `2024-0${kit.int(1, 9)}-1${kit.int(0, 9)}T${String(2 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:${String(kit.int(0, 59)).padStart(2, '0')}Z ${service}-${kit.int(1, 4)} ${event}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

function table(kit, target) {
  const header = kit.pick(['date,region,product,units,revenue', 'id,name,department,salary,start_date', 'ticket,opened,closed,priority,team', 'month,channel,visits,signups,conversion']);
  const lines = [header];
  let length = header.length;
  while (length < target) {
    const line = `${kit.int(1, 28)}/${kit.int(1, 12)}/2024,${kit.pick(['North', 'South', 'East', 'West', 'EMEA', 'APAC'])},${kit.pick(['Home', 'Office', 'Pro', 'Basic'])},${kit.int(10, 2000)},${kit.int(500, 90000)}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

function transcript(kit, target) {
  const people = kit.sample(SHARED.name, 4);
  const lines = [];
  let length = 0;
  let minute = 0;
  while (length < target) {
    const line = `[${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}] ${kit.pick(people)}: ${kit.pick([kit.pick(UTTERANCES), kit.pick(PASSAGES), kit.pick(NOTE_LINES)])}`;
    lines.push(line);
    length += line.length + 1;
    minute += kit.int(1, 4);
  }
  return lines.join('\n');
}

function contract(kit, target) {
  const lines = [kit.pick(['MASTER SERVICES AGREEMENT', 'SUPPLY AGREEMENT', 'DATA PROCESSING AGREEMENT', 'LEASE AGREEMENT', 'TERMS OF SERVICE'])];
  let length = 0;
  for (let section = 1; length < target; section++) {
    const line = `${section}. ${kit.sample(CLAUSES, kit.int(1, 3)).join(' ')}`;
    lines.push(line);
    length += line.length;
  }
  return lines.join('\n\n');
}

function codebase(kit, target) {
  const files = [];
  let length = 0;
  while (length < target) {
    const name = `${kit.pick(['src', 'lib', 'app', 'pkg'])}/${kit.pick(['auth', 'orders', 'users', 'billing', 'utils', 'db', 'api', 'jobs'])}/${kit.pick(['index', 'service', 'handler', 'model', 'client', 'helpers'])}.${kit.pick(['py', 'ts', 'go', 'js', 'java'])}`;
    const file = `// ---- ${name} ----\n${kit.sample(SNIPPETS, kit.int(2, 4)).join('\n\n')}`;
    files.push(file);
    length += file.length;
  }
  return files.join('\n\n');
}

function reviews(kit, target) {
  const lines = [];
  let length = 0;
  for (let index = 1; length < target; index++) {
    const line = `${index}. "${kit.pick([kit.pick(REVIEWS), `${kit.pick(REVIEWS)} ${kit.pick(REVIEWS)}`, kit.pick(PASSAGES)])}" ${'★'.repeat(kit.int(1, 5))}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

function emails(kit, target) {
  const parts = [];
  let length = 0;
  while (length < target) {
    const part = `From: ${kit.pick(SHARED.name)} ${kit.pick(SHARED.surname)}\nDate: ${kit.pick(SHARED.weekday)} ${kit.int(1, 28)} ${kit.pick(SHARED.month)}, ${kit.pick(SHARED.time)}\n${kit.pick(['Hi all,', 'Hello,', 'Dear team,', 'Hi,'])} ${kit.pick(PASSAGES)} ${kit.pick(UTTERANCES)}\n${kit.pick(['Best,', 'Thanks,', 'Cheers,', 'Regards,'])} ${kit.pick(SHARED.name)}`;
    parts.push(part);
    length += part.length;
  }
  return parts.join('\n\n---\n\n');
}

function report(kit, target, language) {
  const own = language ? FOREIGN_PASSAGES[language] : undefined;
  const foreign = own ?? (kit.chance(0.25) ? kit.pick(Object.values(FOREIGN_PASSAGES)) : undefined);
  const sections = [];
  let length = 0;
  for (let section = 1; length < target; section++) {
    const body = foreign && kit.chance(0.7) ? kit.sample(foreign, 2).join(' ') : kit.sample(PASSAGES, kit.int(2, 4)).join(' ');
    const text = `${kit.pick(['Section', 'Chapter', '§', 'Part', ''])} ${section}${kit.pick(['.', ':', ' —'])} ${body}`;
    sections.push(text);
    length += text.length;
  }
  return sections.join('\n\n');
}

const KINDS = { logs, table, transcript, contract, codebase, reviews, emails, report };

/** A long pasted document of `min`..`max` characters; `kind` picks its shape, `language` the language of a report. */
export function longDocument(kit, min, max, kind = kit.pick(Object.keys(KINDS)), language = undefined) {
  return { kind, text: KINDS[kind](kit, kit.int(min, max), language) };
}
