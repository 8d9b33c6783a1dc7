/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in
 * UTC: `*`, lists (`1,15`), ranges (`1-5`), steps (`*\/15`, `0-30/10`), month and weekday
 * names (`jan`, `mon`), 7 as Sunday, and the shorthands @hourly, @daily (@midnight),
 * @weekly, @monthly, @yearly (@annually). As in Vixie cron, when both day-of-month and
 * day-of-week are restricted, a day matching either fires.
 */

export interface CronSchedule {
  source: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /** Whether the field was `*` (matters for the day-of-month / day-of-week rule). */
  anyDayOfMonth: boolean;
  anyDayOfWeek: boolean;
}

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

const SHORTHANDS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Value the names start at (months: 1). */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  // 7 is accepted as Sunday and folded to 0.
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, nameBase: 0 },
];

function valueOf(token: string, spec: FieldSpec): number {
  const lower = token.toLowerCase();
  const named = spec.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(token)) throw new CronError(`${spec.name}: "${token}" is not a number${spec.names ? ` or a name (${spec.names.join(', ')})` : ''}`);
  const value = Number(token);
  if (value < spec.min || value > spec.max) throw new CronError(`${spec.name}: ${value} is outside ${spec.min}-${spec.max}`);
  return value;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new CronError(`${spec.name}: empty list item in "${text}"`);
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') throw new CronError(`${spec.name}: cannot read "${part}"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new CronError(`${spec.name}: step "${stepText}" must be a positive whole number`);
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (range === '*') {
      low = spec.min;
      high = spec.max;
    } else if (range.includes('-')) {
      const [from, to, more] = range.split('-');
      if (more !== undefined || !from || !to) throw new CronError(`${spec.name}: cannot read range "${range}"`);
      low = valueOf(from, spec);
      high = valueOf(to, spec);
      if (low > high) throw new CronError(`${spec.name}: range "${range}" runs backwards`);
    } else {
      low = valueOf(range, spec);
      // `5/15` means from 5 to the end, every 15.
      high = stepText !== undefined ? spec.max : low;
    }
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return values;
}

export function parseCron(expression: string): CronSchedule {
  const trimmed = expression.trim();
  const expanded = SHORTHANDS[trimmed.toLowerCase()] ?? trimmed;
  if (expanded.startsWith('@')) throw new CronError(`unknown shorthand "${trimmed}" (known: ${Object.keys(SHORTHANDS).join(', ')})`);
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) throw new CronError(`expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length} in "${trimmed}"`);
  const parsed = fields.map((field, index) => parseField(field, FIELDS[index] as FieldSpec));
  const daysOfWeek = parsed[4] as Set<number>;
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  return {
    source: trimmed,
    minutes: parsed[0] as Set<number>,
    hours: parsed[1] as Set<number>,
    daysOfMonth: parsed[2] as Set<number>,
    months: parsed[3] as Set<number>,
    daysOfWeek,
    // As in Vixie cron, a field starting with `*` (also `*/2`) counts as unrestricted here.
    anyDayOfMonth: fields[2]?.startsWith('*') === true,
    anyDayOfWeek: fields[4]?.startsWith('*') === true,
  };
}

function dayMatches(schedule: CronSchedule, date: Date): boolean {
  const dom = schedule.daysOfMonth.has(date.getUTCDate());
  const dow = schedule.daysOfWeek.has(date.getUTCDay());
  if (schedule.anyDayOfMonth && schedule.anyDayOfWeek) return true;
  if (schedule.anyDayOfMonth) return dow;
  if (schedule.anyDayOfWeek) return dom;
  return dom || dow;
}

/**
 * The first time strictly after `after` (epoch ms) at which the schedule fires, or
 * undefined when it never does within eight years (e.g. `0 0 31 2 *`).
 */
export function nextFire(schedule: CronSchedule, after: number): number | undefined {
  const date = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  const limit = after + 8 * 366 * 86_400_000;
  while (date.getTime() <= limit) {
    if (!schedule.months.has(date.getUTCMonth() + 1)) {
      date.setUTCMonth(date.getUTCMonth() + 1, 1);
      date.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(schedule, date)) {
      date.setUTCDate(date.getUTCDate() + 1);
      date.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(date.getUTCHours())) {
      date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minutes.has(date.getUTCMinutes())) {
      date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return date.getTime();
  }
  return undefined;
}
