/** Dataset lines: every problem with its line number and path; the run refuses to start on any. */
import { describe, expect, it } from 'vitest';
import { parseDataset, promptText } from '../../src/eval/dataset.js';
import { checkSchema, validateJson } from '../../src/eval/scoring/json-schema-subset.js';

const good = (id: string, extra = ''): string => `{"id": "${id}", "category": "math", "prompt": "What is 2 + 2?", "expected": {"scorer": "numeric", "value": 4}${extra}}`;

describe('parseDataset', () => {
  it('reads prompt and messages cases, skipping blank lines', () => {
    const text = [
      good('a'),
      '',
      '{"id": 7, "category": "qa", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": [{"type": "text", "text": "Capital of Peru?"}]}], "expected": {"scorer": "contains", "value": "Lima"}, "max_tokens": 50}',
    ].join('\n');
    const dataset = parseDataset(text, 'inline');
    expect(dataset.problems).toEqual([]);
    expect(dataset.cases.map((evalCase) => evalCase.id)).toEqual(['a', '7']);
    expect(dataset.cases[0]?.messages).toEqual([{ role: 'user', content: 'What is 2 + 2?' }]);
    expect(dataset.cases[1]?.maxTokens).toBe(50);
    expect(promptText(dataset.cases[1]!)).toBe('Capital of Peru?');
    expect(dataset.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports every bad line with its number and what is wrong', () => {
    const lines = [
      good('ok'),
      '{"id": "broken", "category": "math", ',
      '{"id": "cat", "category": "poetry", "prompt": "x", "expected": {"scorer": "exact", "value": "y"}}',
      '{"id": "scorer", "category": "qa", "prompt": "x", "expected": {"scorer": "fuzzy", "value": "y"}}',
      '{"id": "tolerance", "category": "math", "prompt": "x", "expected": {"scorer": "numeric", "value": 1, "tolerance": -1}}',
      '{"id": "both", "category": "qa", "prompt": "x", "messages": [{"role": "user", "content": "x"}], "expected": {"scorer": "exact", "value": "y"}}',
      good('ok'),
      '{"id": "typo", "category": "qa", "prompt": "x", "expected": {"scorer": "exact", "value": "y"}, "expect": 1}',
      '{"id": "regex", "category": "qa", "prompt": "x", "expected": {"scorer": "regex", "pattern": "(unclosed"}}',
      '{"id": "schema", "category": "extraction", "prompt": "x", "expected": {"scorer": "json_schema", "schema": {"type": "object", "oneOf": []}}}',
      '{"id": "choice", "category": "qa", "prompt": "x", "expected": {"scorer": "choice", "value": "E"}}',
      '{"id": "length", "category": "qa", "prompt": "x", "expected": {"scorer": "length"}}',
      '[1, 2]',
    ];
    const { problems, cases } = parseDataset(lines.join('\n'));
    expect(cases.map((evalCase) => evalCase.id)).toEqual(['ok']);
    const byLine = (line: number): string => problems.filter((problem) => problem.line === line).map((problem) => problem.message).join(' | ');
    expect(byLine(2)).toMatch(/not valid JSON/);
    expect(byLine(3)).toMatch(/^category: must be one of: code, math/);
    expect(byLine(4)).toMatch(/^expected\.scorer: must be one of: exact, contains, regex, numeric, choice/);
    expect(byLine(5)).toMatch(/^expected\.tolerance: /);
    expect(byLine(6)).toMatch(/give exactly one of prompt or messages/);
    expect(byLine(7)).toBe('duplicate id "ok" (first used on line 1)');
    expect(byLine(8)).toMatch(/unknown key "expect"/);
    expect(byLine(9)).toMatch(/^expected\.pattern: not a valid regular expression/);
    expect(byLine(10)).toMatch(/schema\.oneOf: unsupported JSON Schema keyword/);
    expect(byLine(11)).toMatch(/^expected\.value: /);
    expect(byLine(12)).toMatch(/give at least one of min_words/);
    expect(byLine(13)).toMatch(/expected object/);
    expect(problems.every((problem) => problem.line > 0)).toBe(true);
  });

  it('an empty file is a problem too', () => {
    expect(parseDataset('\n\n').problems).toEqual([{ line: 0, message: 'the dataset has no cases' }]);
  });
});

describe('the JSON Schema subset', () => {
  const schema = {
    type: 'object',
    properties: {
      id: { type: 'integer', minimum: 1 },
      tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, maxItems: 2 },
      name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[A-Z]' },
      score: { type: ['number', 'null'], exclusiveMaximum: 1 },
    },
    required: ['id', 'tags'],
    additionalProperties: { type: 'boolean' },
  };

  it('accepts a conforming value', () => {
    expect(checkSchema(schema)).toEqual([]);
    expect(validateJson({ id: 3, tags: ['a'], name: 'Ada', score: null, flag: true }, schema)).toEqual([]);
  });

  it('reports each violation with its path', () => {
    const problems = validateJson({ id: 1.5, tags: ['c', 'a', 'b'], name: 'ada', score: 1, flag: 'yes' }, schema);
    expect(problems).toEqual([
      '$.id: expected integer, got 1.5',
      '$.tags: more than 2 items',
      '$.tags[0]: "c" is not one of ["a","b"]',
      '$.name: does not match /^[A-Z]/',
      '$.score: 1 must be below 1',
      '$.flag: expected boolean, got "yes"',
    ]);
    expect(validateJson({ tags: [] }, schema)).toEqual(['$: missing required property "id"', '$.tags: fewer than 1 items']);
  });

  it('refuses keywords it does not implement', () => {
    expect(checkSchema({ type: 'object', properties: { a: { anyOf: [] } } })).toEqual([expect.stringMatching(/^schema\.properties\.a\.anyOf: unsupported/)]);
    expect(checkSchema({ type: 'decimal' })).toEqual([expect.stringMatching(/^schema\.type: must be one of/)]);
  });
});
