/**
 * A validator for the JSON Schema subset evaluation datasets use: type, properties,
 * required, items, enum, const, additionalProperties, minimum / maximum (and the exclusive
 * forms), minLength / maxLength, minItems / maxItems, pattern. Other keywords are refused
 * when the dataset is loaded (checkSchema), never silently ignored.
 */

export type JsonSchema = { [keyword: string]: unknown };

const JSON_TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'format']);
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
const COUNT_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems'];
const SUPPORTED = new Set(['type', 'properties', 'required', 'items', 'enum', 'const', 'additionalProperties', 'pattern', ...NUMBER_KEYWORDS, ...COUNT_KEYWORDS]);

function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Problems with a schema itself (unsupported keywords, wrong keyword values), each with its path. */
export function checkSchema(schema: unknown, path = 'schema'): string[] {
  if (typeof schema === 'boolean') return [];
  if (!isSchemaObject(schema)) return [`${path}: a schema must be an object`];
  const problems: string[] = [];
  for (const [keyword, value] of Object.entries(schema)) {
    const where = `${path}.${keyword}`;
    if (ANNOTATIONS.has(keyword)) continue;
    if (!SUPPORTED.has(keyword)) {
      problems.push(`${where}: unsupported JSON Schema keyword (supported: ${[...SUPPORTED].join(', ')})`);
      continue;
    }
    if (keyword === 'type') {
      const types = Array.isArray(value) ? value : [value];
      if (types.length === 0 || types.some((type) => typeof type !== 'string' || !JSON_TYPES.has(type))) problems.push(`${where}: must be one of ${[...JSON_TYPES].join(', ')} (or a list of them)`);
    } else if (keyword === 'properties') {
      if (!isSchemaObject(value)) problems.push(`${where}: must be an object of schemas`);
      else for (const [name, property] of Object.entries(value)) problems.push(...checkSchema(property, `${where}.${name}`));
    } else if (keyword === 'required') {
      if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) problems.push(`${where}: must be a list of property names`);
    } else if (keyword === 'items' || keyword === 'additionalProperties') {
      problems.push(...(typeof value === 'boolean' ? [] : checkSchema(value, where)));
    } else if (keyword === 'enum') {
      if (!Array.isArray(value) || value.length === 0) problems.push(`${where}: must be a non-empty list`);
    } else if (keyword === 'pattern') {
      problems.push(...patternProblems(value, where));
    } else if (NUMBER_KEYWORDS.includes(keyword)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${where}: must be a number`);
    } else if (COUNT_KEYWORDS.includes(keyword)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) problems.push(`${where}: must be a non-negative integer`);
    }
  }
  return problems;
}

function patternProblems(value: unknown, where: string): string[] {
  if (typeof value !== 'string') return [`${where}: must be a regular expression string`];
  try {
    new RegExp(value, 'u');
    return [];
  } catch (error) {
    return [`${where}: not a valid regular expression (${(error as Error).message})`];
  }
}

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isSchemaObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

/** Deep equality of JSON values (for enum and const). */
function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) return left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  if (isSchemaObject(left) && isSchemaObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => key in right && jsonEqual(left[key], right[key]));
  }
  return false;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Every way `value` breaks `schema` (empty when it conforms), each with its JSON path. */
export function validateJson(value: unknown, schema: JsonSchema | boolean, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
    if (!types.some((type) => typeMatches(value, type))) return [`${path}: expected ${types.join(' or ')}, got ${describe(value)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => jsonEqual(option, value))) problems.push(`${path}: ${describe(value)} is not one of ${describe(schema.enum)}`);
  if ('const' in schema && !jsonEqual(schema.const, value)) problems.push(`${path}: must equal ${describe(schema.const)}`);
  if (typeof value === 'number') problems.push(...numberProblems(value, schema, path));
  if (typeof value === 'string') problems.push(...stringProblems(value, schema, path));
  if (Array.isArray(value)) problems.push(...arrayProblems(value, schema, path));
  if (isSchemaObject(value)) problems.push(...objectProblems(value, schema, path));
  return problems;
}

function numberProblems(value: number, schema: JsonSchema, path: string): string[] {
  const problems: string[] = [];
  if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
  if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: ${value} is above the maximum ${schema.maximum}`);
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) problems.push(`${path}: ${value} must be above ${schema.exclusiveMinimum}`);
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) problems.push(`${path}: ${value} must be below ${schema.exclusiveMaximum}`);
  return problems;
}

function stringProblems(value: string, schema: JsonSchema, path: string): string[] {
  const problems: string[] = [];
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) problems.push(`${path}: shorter than ${schema.minLength} characters`);
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) problems.push(`${path}: longer than ${schema.maxLength} characters`);
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${path}: does not match /${schema.pattern}/`);
  return problems;
}

function arrayProblems(value: unknown[], schema: JsonSchema, path: string): string[] {
  const problems: string[] = [];
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems} items`);
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${path}: more than ${schema.maxItems} items`);
  const items = schema.items;
  if (isSchemaObject(items) || typeof items === 'boolean') value.forEach((item, index) => problems.push(...validateJson(item, items, `${path}[${index}]`)));
  return problems;
}

function objectProblems(value: JsonSchema, schema: JsonSchema, path: string): string[] {
  const problems: string[] = [];
  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (typeof name === 'string' && !Object.hasOwn(value, name)) problems.push(`${path}: missing required property "${name}"`);
  }
  for (const [name, item] of Object.entries(value)) {
    const property = properties[name];
    if (isSchemaObject(property) || typeof property === 'boolean') {
      problems.push(...validateJson(item, property, `${path}.${name}`));
      continue;
    }
    const additional = schema.additionalProperties;
    if (additional === false) problems.push(`${path}: unexpected property "${name}"`);
    else if (isSchemaObject(additional)) problems.push(...validateJson(item, additional, `${path}.${name}`));
  }
  return problems;
}
