/**
 * Every command's and every subcommand's --help lists each of its options on one line,
 * with what it does; docs/cli.md is the same description, generated.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { cliReferenceMarkdown, commandHelp, optionsFor } from '../../src/cli/help.js';
import { runCli } from '../helpers/cli.js';

const cases: Array<[string, string | undefined]> = Object.entries(COMMANDS).flatMap(([name, spec]) => [
  [name, undefined] as [string, string | undefined],
  ...Object.keys(spec.subcommands ?? {}).map((subcommand): [string, string | undefined] => [name, subcommand]),
]);

function optionLines(help: string, option: string): string[] {
  return help.split('\n').filter((line) => new RegExp(`^\\s+(-\\w, )?--${option}(?= |$)`).test(line));
}

describe('--help of every command and subcommand', () => {
  it.each(cases)('switchyard %s %s --help', (name, subcommand) => {
    const spec = COMMANDS[name];
    if (!spec) throw new Error(name);
    const help = commandHelp(name, spec, subcommand);
    const own = optionsFor(spec, subcommand);
    expect(own.length + 1).toBe(help.split('\n').filter((line) => /^\s+(-\w, )?--[a-z]/.test(line)).length);
    for (const [option, described] of own) {
      expect(described.description.length, `--${option} says what it does`).toBeGreaterThan(5);
      const lines = optionLines(help, option);
      expect(lines, `--${option}`).toHaveLength(1);
      expect(lines[0]).toContain(described.description);
      expect(lines[0]?.length, lines[0]).toBeLessThanOrEqual(130);
      if (described.type === 'string') expect(lines[0]).toMatch(new RegExp(`--${option} [A-Z]`));
    }
    expect(optionLines(help, 'help')).toHaveLength(1);
    // A subcommand's help leaves out the options of the others.
    for (const [option, described] of Object.entries(spec.options)) {
      if (subcommand && described.for && !described.for.includes(subcommand)) expect(optionLines(help, option), `--${option} is not for ${subcommand}`).toEqual([]);
    }
  });

  it('is what the CLI prints, exit 0, for the commands a new user tried first', () => {
    for (const args of [['serve', '--help'], ['keys', '--help'], ['eval', 'run', '--help'], ['spend', '--help'], ['guard', 'scan', '-h']]) {
      const result = runCli(args);
      expect(result.code, args.join(' ')).toBe(0);
      const [name, subcommand] = args[1]?.startsWith('-') ? [args[0]] : [args[0], args[1]];
      expect(result.stdout.trimEnd()).toBe(commandHelp(name as string, COMMANDS[name as string] as NonNullable<(typeof COMMANDS)[string]>, subcommand));
      expect(result.stdout.split('\n').length).toBeGreaterThan(5);
    }
  });

  it('an option of another subcommand is a usage error that says whose it is', () => {
    const result = runCli(['keys', 'list', '--rpm', '5']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--rpm is not an option of keys list (it is for keys create)');
  });
});

describe('docs/cli.md', () => {
  it('is the generated reference', () => {
    const committed = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    expect(committed, 'run `node bin/switchyard.js help --markdown > docs/cli.md`').toBe(cliReferenceMarkdown(COMMANDS));
  });
});
