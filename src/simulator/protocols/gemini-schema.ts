/**
 * Two quirks of Google's JSON: request fields may be spelled in snake_case
 * (`system_instruction`, `inline_data`, as the REST docs' curl samples do), and schemas
 * are an OpenAPI subset whose types may be upper-case ("OBJECT", "STRING").
 */
import type { JsonSchema } from '../generation/chat-input.js';
import { isSchema } from '../generation/json-values.js';

/** Fields whose contents belong to the caller (arguments, schemas): never renamed. */
const OPAQUE_FIELDS = new Set(['args', 'response', 'parameters', 'parametersJsonSchema', 'responseSchema', 'responseJsonSchema', 'metadata', 'labels']);

/** Renames snake_case keys to camelCase throughout the request, leaving opaque fields as sent. */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (!isSchema(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    const camel = key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
    result[camel] = OPAQUE_FIELDS.has(camel) ? entry : camelCaseKeys(entry);
  }
  return result;
}

/** Google's OpenAPI-subset schema as JSON Schema: lower-case types, nested schemas converted. */
export function toJsonSchema(schema: unknown): JsonSchema {
  if (!isSchema(schema)) return {};
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type') result.type = typeof value === 'string' ? value.toLowerCase() : Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.toLowerCase() : item)) : value;
    else if (key === 'properties' || key === '$defs' || key === 'definitions') result[key] = mapValues(value, toJsonSchema);
    else if (key === 'items' || key === 'additionalProperties') result[key] = isSchema(value) ? toJsonSchema(value) : value;
    else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') result[key] = Array.isArray(value) ? value.map(toJsonSchema) : value;
    else result[key] = value;
  }
  return result;
}

function mapValues(value: unknown, convert: (entry: unknown) => JsonSchema): unknown {
  if (!isSchema(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, convert(entry)]));
}
