/**
 * `switchyard guard scan --input FILE.jsonl [--guards injection,pii,secrets] [--json]`: runs
 * the guard detectors over prompts, one JSON object per line with one of
 *   "text": a string,
 *   "prompt": a string (as in eval datasets), or
 *   "messages": OpenAI chat messages (as in eval datasets; each message's text is scanned),
 * and optionally an "id"; other fields are ignored. `--input -` reads standard input.
 *
 * With --json, exactly one line per input line:
 *   {"id", "flagged", "findings": [{"guard", "type", "start", "end", "score"[, "message"]}]}
 * where id is the input's id, else its 1-based line number, start and end are offsets into
 * the text (for "messages": into message number "message", its text parts joined by a
 * newline). Blank lines are not inputs. A line that is not such an object gets
 * {"id": <line number>, "error": "line N: …"} in its place (and the message on stderr); the
 * scan goes on and the command exits 1 at the end. Without --json: one readable line per
 * input and a summary. Unknown guard names and a missing --input are usage errors (exit 2).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UnknownGuardError, createGuards, parseGuardNames, scanText } from '../guards/index.js';
import { GUARD_NAMES, type Finding, type GuardName } from '../guards/types.js';
import { UsageError } from './arguments.js';

type Values = Record<string, string | boolean | undefined>;

type ScanFinding = Pick<Finding, 'guard' | 'type' | 'start' | 'end' | 'score'> & { message?: number };

interface ScanLine {
  id: string | number;
  flagged: boolean;
  findings: ScanFinding[];
}

/** The texts of one input: one for "text" and "prompt", one per message for "messages". */
type ScanInput = { id: string | number; texts: Array<{ text: string; message?: number }> };

const INPUT_FIELDS = '"text" (a string), "prompt" (a string) or "messages" (chat messages)';

/** The input's texts and id, or why the line is not an input. */
function parseLine(line: string, lineNumber: number): ScanInput | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { error: `line ${lineNumber}: not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: `line ${lineNumber}: expected a JSON object with ${INPUT_FIELDS}` };
  const { text, prompt, messages, id } = value as { text?: unknown; prompt?: unknown; messages?: unknown; id?: unknown };
  const given = [text, prompt, messages].filter((field) => field !== undefined).length;
  if (given !== 1) return { error: `line ${lineNumber}: expected exactly one of ${INPUT_FIELDS}` };
  const inputId = typeof id === 'string' || typeof id === 'number' ? id : lineNumber;
  if (text !== undefined || prompt !== undefined) {
    const field = text !== undefined ? 'text' : 'prompt';
    const content = text ?? prompt;
    if (typeof content !== 'string') return { error: `line ${lineNumber}: "${field}" must be a string` };
    return { id: inputId, texts: [{ text: content }] };
  }
  if (!Array.isArray(messages)) return { error: `line ${lineNumber}: "messages" must be a list of chat messages` };
  const texts: ScanInput['texts'] = [];
  for (const [index, message] of messages.entries()) {
    const content = typeof message === 'object' && message !== null ? (message as { content?: unknown }).content : undefined;
    const text = messageText(content);
    if (text === undefined) return { error: `line ${lineNumber}: messages[${index}].content must be a string or a list of content parts` };
    texts.push({ text, message: index });
  }
  return { id: inputId, texts };
}

/** A message's text: its string content, or its text parts joined by a newline (images and the like have none). */
function messageText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null) return '';
  if (!Array.isArray(content)) return undefined;
  return content
    .filter((part): part is { type: 'text'; text: string } => typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text' && typeof (part as { text?: unknown }).text === 'string')
    .map((part) => part.text)
    .join('\n');
}

function describe(line: ScanLine): string {
  if (!line.flagged) return `${line.id}: clean`;
  const where = (finding: ScanFinding): string => (finding.message !== undefined ? ` in messages[${finding.message}]` : '');
  return `${line.id}: flagged — ${line.findings.map((finding) => `${finding.guard}/${finding.type} [${finding.start}, ${finding.end})${where(finding)} ${finding.score.toFixed(2)}`).join('; ')}`;
}

export async function runGuard(values: Values, positionals: string[]): Promise<number> {
  const [subcommand] = positionals;
  if (subcommand !== 'scan') throw new UsageError(subcommand ? `unknown subcommand "${subcommand}" (known: scan)` : 'usage: switchyard guard scan --input FILE.jsonl [--guards injection,pii,secrets] [--json]');
  if (typeof values.input !== 'string' || values.input === '') throw new UsageError('guard scan needs --input FILE.jsonl (or - for standard input)');
  let names: GuardName[] = [...GUARD_NAMES];
  if (values.guards !== undefined) {
    try {
      names = parseGuardNames(String(values.guards));
    } catch (error) {
      if (error instanceof UnknownGuardError) throw new UsageError(`--guards: ${error.message}`);
      throw error;
    }
  }
  const guards = createGuards({ guards: names });
  const json = values.json === true;
  const input = values.input === '-' ? process.stdin : createReadStream(values.input, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let inputs = 0;
  let flagged = 0;
  let bad = 0;
  const byType = new Map<string, number>();
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      inputs++;
      const parsed = parseLine(line, lineNumber);
      if ('error' in parsed) {
        bad++;
        console.error(`switchyard guard: ${parsed.error}`);
        console.log(json ? JSON.stringify({ id: lineNumber, error: parsed.error }) : `${lineNumber}: error — ${parsed.error}`);
        continue;
      }
      const findings = parsed.texts.flatMap(({ text, message }) =>
        scanText(text, guards).map(({ guard, type, start, end, score }): ScanFinding => ({ guard, type, start, end, score: Math.round(score * 1000) / 1000, ...(message !== undefined ? { message } : {}) })),
      );
      const result: ScanLine = { id: parsed.id, flagged: findings.length > 0, findings };
      if (result.flagged) flagged++;
      for (const finding of findings) byType.set(`${finding.guard}/${finding.type}`, (byType.get(`${finding.guard}/${finding.type}`) ?? 0) + 1);
      console.log(json ? JSON.stringify(result) : describe(result));
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      console.error(`switchyard guard: cannot read ${values.input} (${code})`);
      return 1;
    }
    throw error;
  }
  if (!json) {
    const types = [...byType].sort((left, right) => right[1] - left[1]).map(([type, count]) => `${type} ×${count}`);
    console.log(`\n${inputs} input(s), ${flagged} flagged${bad > 0 ? `, ${bad} bad line(s)` : ''}${types.length > 0 ? `; findings: ${types.join(', ')}` : ''} (guards: ${names.join(', ')})`);
  }
  return bad > 0 ? 1 : 0;
}
