/**
 * Values that conform to a JSON Schema: objects with every property, arrays of 1–3 items,
 * seeded enum picks, plausible strings by property name and format. Follows local $refs.
 */
import type { SeededRandom } from '../random.js';
import type { JsonSchema } from './chat-input.js';
import { capitalise, joinList } from './text-features.js';

/** Supplies a value for a property from the prompt, or undefined to generate one. */
export type ValueHint = (propertyName: string, schema: JsonSchema) => unknown;

export interface ValueContext {
  root: JsonSchema;
  random: SeededRandom;
  keywords: readonly string[];
  hint?: ValueHint;
}

const MAX_DEPTH = 8;

export function valueForSchema(schema: JsonSchema, context: ValueContext, propertyName = 'value', depth = 0): unknown {
  const resolved = resolve(schema, context.root);
  if ('const' in resolved) return resolved.const;
  const hinted = context.hint?.(propertyName, resolved);
  if (hinted !== undefined) return hinted;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return context.random.pick(resolved.enum);
  const variants = firstArray(resolved.anyOf) ?? firstArray(resolved.oneOf);
  if (variants) {
    const usable = variants.filter((variant) => typeOf(resolve(variant, context.root)) !== 'null');
    return valueForSchema(usable[0] ?? variants[0] ?? {}, context, propertyName, depth + 1);
  }
  const merged = firstArray(resolved.allOf);
  if (merged) return valueForSchema(Object.assign({}, ...merged.map((part) => resolve(part, context.root))), context, propertyName, depth + 1);

  switch (typeOf(resolved)) {
    case 'object':
      return objectValue(resolved, context, depth);
    case 'array':
      return arrayValue(resolved, context, propertyName, depth);
    case 'integer':
      return integerValue(resolved, context.random);
    case 'number':
      return Math.round(integerValue(resolved, context.random) * 100 + context.random.integer(0, 99)) / 100;
    case 'boolean':
      return context.random.chance(0.5);
    case 'null':
      return null;
    default:
      return stringValue(resolved, propertyName, context);
  }
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; hops < 16 && typeof current.$ref === 'string'; hops++) {
    const path = current.$ref.replace(/^#\/?/, '').split('/').filter((part) => part.length > 0);
    let target: unknown = root;
    for (const part of path) target = isSchema(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isSchema(target)) return {};
    current = target;
  }
  return current;
}

function typeOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? (schema.type.find((item) => item !== 'null') ?? schema.type[0]) : schema.type;
  if (typeof type === 'string') return type;
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function objectValue(schema: JsonSchema, context: ValueContext, depth: number): Record<string, unknown> {
  // No prototype, so a property named "__proto__" is just a property.
  const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  const names = depth >= MAX_DEPTH ? required : [...new Set([...Object.keys(properties), ...required])];
  for (const name of names) {
    const property = properties[name];
    result[name] = valueForSchema(isSchema(property) ? property : {}, context, name, depth + 1);
  }
  return result;
}

function arrayValue(schema: JsonSchema, context: ValueContext, propertyName: string, depth: number): unknown[] {
  const minimum = typeof schema.minItems === 'number' ? schema.minItems : depth >= MAX_DEPTH ? 0 : 1;
  const maximum = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(minimum, 3);
  const count = context.random.integer(minimum, Math.min(maximum, Math.max(minimum, 3)));
  const items = isSchema(schema.items) ? schema.items : {};
  const singular = propertyName.replace(/ies$/, 'y').replace(/s$/, '');
  return Array.from({ length: count }, () => valueForSchema(items, context, singular, depth + 1));
}

function integerValue(schema: JsonSchema, random: SeededRandom): number {
  let minimum = typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : 1;
  let maximum = typeof schema.maximum === 'number' ? Math.floor(schema.maximum) : Math.max(minimum, 100);
  if (typeof schema.exclusiveMinimum === 'number') minimum = Math.floor(schema.exclusiveMinimum) + 1;
  if (typeof schema.exclusiveMaximum === 'number') maximum = Math.ceil(schema.exclusiveMaximum) - 1;
  return random.integer(minimum, Math.max(minimum, maximum));
}

const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Katherine Johnson', 'Linus Pauling'];
const GENERIC_WORDS = ['example', 'sample', 'primary', 'general', 'draft'];
const CITIES = ['Paris', 'Tokyo', 'Nairobi', 'Lisbon', 'Montreal'];

function stringValue(schema: JsonSchema, propertyName: string, context: ValueContext): string {
  const { random, keywords } = context;
  const name = propertyName.toLowerCase();
  const topic = random.pick(keywords.length >= 3 ? keywords : [...keywords, ...GENERIC_WORDS]);
  const byFormat: Record<string, () => string> = {
    date: () => `2026-${pad(random.integer(1, 12))}-${pad(random.integer(1, 28))}`,
    'date-time': () => `2026-${pad(random.integer(1, 12))}-${pad(random.integer(1, 28))}T${pad(random.integer(0, 23))}:00:00Z`,
    time: () => `${pad(random.integer(0, 23))}:${pad(random.integer(0, 59))}:00`,
    email: () => `${topic.replace(/[^a-z0-9]/gi, '') || 'user'}@example.com`,
    uri: () => `https://example.com/${encodeURIComponent(topic)}`,
    uuid: () => uuid(random),
  };
  const format = typeof schema.format === 'string' ? byFormat[schema.format] : undefined;
  let value: string;
  if (format) value = format();
  else if (/e-?mail/.test(name)) value = byFormat.email?.() ?? 'user@example.com';
  else if (/url|link|website|href/.test(name)) value = byFormat.uri?.() ?? 'https://example.com';
  else if (/date|day/.test(name)) value = byFormat.date?.() ?? '2026-11-01';
  else if (/(^|_)id$|identifier|uuid/.test(name)) value = `${name.replace(/_?id$/, '') || 'item'}_${random.identifier(8)}`;
  else if (/city|location|place|destination|town/.test(name)) value = random.pick(CITIES);
  else if (/country/.test(name)) value = random.pick(['France', 'Japan', 'Kenya', 'Portugal', 'Canada']);
  else if (/name|author|person|owner/.test(name)) value = random.pick(NAMES);
  else if (/phone/.test(name)) value = `+1-555-${pad(random.integer(100, 999), 3)}-${pad(random.integer(1000, 9999), 4)}`;
  else if (/lang/.test(name)) value = random.pick(['en', 'fr', 'es', 'de']);
  else if (/title|headline|subject/.test(name)) value = keywords.slice(0, 4).map(capitalise).join(' ') || 'Untitled';
  else if (/description|summary|text|content|body|reason|explanation|answer|comment|note/.test(name)) {
    value = `${capitalise(joinList(keywords.slice(0, 3)) || 'The subject')} ${random.pick(['is covered in detail', 'matters most here', 'is the main point'])}.`;
  } else value = topic;
  return fitLength(value, schema);
}

function fitLength(value: string, schema: JsonSchema): string {
  let result = value;
  if (typeof schema.maxLength === 'number') result = result.slice(0, schema.maxLength);
  if (typeof schema.minLength === 'number' && result.length < schema.minLength) result = result.padEnd(schema.minLength, 'x');
  return result;
}

function uuid(random: SeededRandom): string {
  const hex = Array.from({ length: 32 }, () => random.integer(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function firstArray(value: unknown): JsonSchema[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value.filter(isSchema) : undefined;
}

export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
