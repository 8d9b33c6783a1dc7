/**
 * `switchyard guard scan` reads the line shapes people have: {"text"}, {"prompt"} and
 * {"messages"} (the last two as in eval datasets).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const EMAIL = 'jane.doe@example.com';

interface ScanOutput {
  id: string | number;
  flagged?: boolean;
  findings?: { guard: string; type: string; start: number; end: number; message?: number }[];
  error?: string;
}

function scan(lines: string[], extra: string[] = []): { code: number | null; rows: ScanOutput[]; stderr: string } {
  const directory = tempDir();
  writeFileSync(join(directory, 'in.jsonl'), `${lines.join('\n')}\n`);
  const result = runCli(['guard', 'scan', '--input', 'in.jsonl', '--guards', 'pii', '--json', ...extra], { cwd: directory });
  return { code: result.code, rows: result.stdout.trim().split('\n').map((line) => JSON.parse(line) as ScanOutput), stderr: result.stderr };
}

describe('switchyard guard scan input lines', () => {
  it('takes text, prompt and messages lines, with offsets per message', () => {
    const { code, rows } = scan([
      JSON.stringify({ id: 'a', text: `Write to ${EMAIL} please` }),
      JSON.stringify({ id: 'b', prompt: `Write to ${EMAIL} please`, category: 'qa', expected: { scorer: 'exact', value: 'x' } }),
      JSON.stringify({ id: 'c', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'image_url', image_url: { url: 'https://example.invalid/a.png' } }, { type: 'text', text: `mail ${EMAIL}` }] }] }),
      JSON.stringify({ prompt: 'nothing personal here' }),
    ]);
    expect(code).toBe(0);
    expect(rows[0]).toMatchObject({ id: 'a', flagged: true, findings: [{ guard: 'pii', type: 'email', start: 9, end: 9 + EMAIL.length }] });
    expect(rows[1]).toMatchObject({ id: 'b', flagged: true, findings: [{ guard: 'pii', type: 'email', start: 9 }] });
    expect(rows[1]?.findings?.[0]).not.toHaveProperty('message');
    // "hello\nmail jane…": the address starts at 11 of message 1's text.
    expect(rows[2]).toMatchObject({ id: 'c', flagged: true, findings: [{ guard: 'pii', type: 'email', message: 1, start: 11, end: 11 + EMAIL.length }] });
    expect(rows[3]).toEqual({ id: 4, flagged: false, findings: [] });
  });

  it('reports lines of no known shape, goes on, and exits 1', () => {
    const { code, rows, stderr } = scan([
      JSON.stringify({ text: 'fine' }),
      JSON.stringify({ input: 'what field is this?' }),
      JSON.stringify({ text: 'a', prompt: 'b' }),
      JSON.stringify({ prompt: 42 }),
      JSON.stringify({ messages: [{ role: 'user', content: 7 }] }),
      JSON.stringify({ messages: 'hello' }),
    ]);
    expect(code).toBe(1);
    expect(rows.map((row) => row.error ?? 'ok')).toEqual([
      'ok',
      'line 2: expected exactly one of "text" (a string), "prompt" (a string) or "messages" (chat messages)',
      'line 3: expected exactly one of "text" (a string), "prompt" (a string) or "messages" (chat messages)',
      'line 4: "prompt" must be a string',
      'line 5: messages[0].content must be a string or a list of content parts',
      'line 6: "messages" must be a list of chat messages',
    ]);
    expect(stderr).toContain('line 2:');
  });

  it('reads standard input and prints a readable line per input without --json', () => {
    const result = runCli(['guard', 'scan', '--input', '-', '--guards', 'pii'], {
      cwd: tempDir(),
      input: `${JSON.stringify({ id: 'm', messages: [{ role: 'user', content: `I am ${EMAIL}` }] })}\n`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^m: flagged — pii/email \\[5, ${5 + EMAIL.length}\\) in messages\\[0\\] \\d\\.\\d\\d$`, 'm'));
    expect(result.stdout).toContain('1 input(s), 1 flagged');
  });
});
