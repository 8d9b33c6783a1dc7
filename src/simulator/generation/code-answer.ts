/** Code answers: a short explanation, a fenced block in the requested language, a note. */
import type { SeededRandom } from '../random.js';
import { camelCaseOf, joinList, snakeCaseOf } from './text-features.js';

type Language = 'python' | 'typescript' | 'javascript' | 'sql' | 'go' | 'rust';

function languageOf(text: string): Language {
  const lower = text.toLowerCase();
  if (/\bpython\b/.test(lower)) return 'python';
  if (/\btypescript\b|\bts\b/.test(lower)) return 'typescript';
  if (/\bjavascript\b|\bnode\b|\bjs\b/.test(lower)) return 'javascript';
  if (/\bsql\b|\bquery\b/.test(lower)) return 'sql';
  if (/\bgo\b|\bgolang\b/.test(lower)) return 'go';
  if (/\brust\b/.test(lower)) return 'rust';
  return 'python';
}

/** The name the prompt asks for ("a function named parse_line", "called isPalindrome"). */
function requestedName(text: string): string | undefined {
  return /\b(?:named|called)\s+`?([A-Za-z_][A-Za-z0-9_]*)/.exec(text)?.[1];
}

function body(language: Language, words: readonly string[], correct: boolean, requested: string | undefined): string {
  const start = correct ? 0 : 1;
  switch (language) {
    case 'python': {
      const name = requested ?? snakeCaseOf(words.slice(0, 3), 'solve');
      return [
        `def ${name}(items):`,
        `    """Handle ${joinList(words.slice(0, 3)) || 'the input'}."""`,
        '    result = []',
        `    for index in range(${start}, len(items)):`,
        '        if items[index] is not None:',
        '            result.append(items[index])',
        '    return result',
      ].join('\n');
    }
    case 'typescript':
    case 'javascript': {
      const name = requested ?? camelCaseOf(words.slice(0, 3), 'solve');
      const signature = language === 'typescript' ? `(items: readonly string[]): string[]` : '(items)';
      return [
        `export function ${name}${signature} {`,
        '  const result = [];',
        `  for (let index = ${start}; index < items.length; index++) {`,
        '    if (items[index] !== undefined) result.push(items[index]);',
        '  }',
        '  return result;',
        '}',
      ].join('\n');
    }
    case 'sql': {
      const table = snakeCaseOf(words.slice(0, 1), 'records');
      return [`SELECT id, name, created_at`, `FROM ${table}`, `WHERE created_at >= DATE '2026-01-01'`, `ORDER BY created_at ${correct ? 'DESC' : 'ASC'}`, 'LIMIT 10;'].join('\n');
    }
    case 'go': {
      const name = requested ?? camelCaseOf(words.slice(0, 3), 'solve');
      return [
        `func ${name.charAt(0).toUpperCase()}${name.slice(1)}(items []string) []string {`,
        '\tresult := []string{}',
        `\tfor index := ${start}; index < len(items); index++ {`,
        '\t\tif items[index] != "" {',
        '\t\t\tresult = append(result, items[index])',
        '\t\t}',
        '\t}',
        '\treturn result',
        '}',
      ].join('\n');
    }
    case 'rust': {
      const name = requested ?? snakeCaseOf(words.slice(0, 3), 'solve');
      return [
        `pub fn ${name}(items: &[String]) -> Vec<String> {`,
        `    items.iter().skip(${start}).filter(|item| !item.is_empty()).cloned().collect()`,
        '}',
      ].join('\n');
    }
  }
}

export function codeAnswer(text: string, keywords: readonly string[], correct: boolean, random: SeededRandom): string {
  const language = languageOf(text);
  const topic = joinList(keywords.slice(0, 3)) || 'the task';
  const opening = random.pick([
    `Here is an implementation for ${topic}:`,
    `Here's a ${language} solution that handles ${topic}:`,
    `The following ${language} code covers ${topic}:`,
  ]);
  const closing = random.pick([
    'It runs in linear time and leaves the input unchanged.',
    'It walks the input once and keeps the order of the items.',
    'Edge cases such as empty input return an empty result.',
  ]);
  return `${opening}\n\n\`\`\`${language}\n${body(language, keywords, correct, requestedName(text))}\n\`\`\`\n\n${closing}`;
}
