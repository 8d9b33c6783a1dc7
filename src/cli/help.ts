/**
 * How a command describes itself: its summary, usage lines, subcommands and options, each
 * option with the subcommands it applies to. The parser, `--help` (one line per option)
 * and docs/cli.md are all made from the same description, so they cannot drift apart.
 */
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './arguments.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** What the value looks like in help (`PATH`, `N`); string options only. */
  value?: string;
  description: string;
  /** The subcommands it applies to (default: every one). */
  for?: readonly string[];
}

export type Values = Record<string, string | boolean | undefined>;

export interface CommandSpec {
  summary: string;
  /** Synopsis lines without the leading `switchyard `. */
  usage: readonly string[];
  /** Subcommand → what it does. */
  subcommands?: Readonly<Record<string, string>>;
  options: Readonly<Record<string, OptionSpec>>;
  run(values: Values, positionals: string[]): Promise<number> | number;
}

export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

export const CONFIG_OPTION: OptionSpec = { type: 'string', short: 'c', value: 'PATH', description: 'config file (default ./switchyard.yaml, else the built-in defaults)' };

/** What node:util parseArgs needs to know. */
export function parserOptions(spec: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, option] of Object.entries({ ...spec.options, help: HELP_OPTION })) options[name] = { type: option.type, ...(option.short ? { short: option.short } : {}) };
  return options;
}

/** The options of a command, or of one of its subcommands. */
export function optionsFor(spec: CommandSpec, subcommand: string | undefined): Array<[string, OptionSpec]> {
  return Object.entries(spec.options).filter(([, option]) => !subcommand || !option.for || option.for.includes(subcommand));
}

/** `keys list --rpm 5` is a mistake worth saying, not an option silently ignored. */
export function checkOptionsApply(command: string, spec: CommandSpec, subcommand: string | undefined, values: Values): void {
  if (!subcommand || !spec.subcommands?.[subcommand]) return;
  for (const name of Object.keys(values)) {
    const option = spec.options[name];
    if (option?.for && !option.for.includes(subcommand)) {
      throw new UsageError(`--${name} is not an option of ${command} ${subcommand} (it is for ${option.for.map((each) => `${command} ${each}`).join(', ')})`);
    }
  }
}

function flag(name: string, option: OptionSpec): string {
  const long = `--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : `    ${long}`;
}

function table(rows: Array<[string, string]>, indent = '  '): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd());
}

/** `switchyard <command> [<subcommand>] --help`. */
export function commandHelp(command: string, spec: CommandSpec, subcommand?: string): string {
  const known = subcommand !== undefined && spec.subcommands?.[subcommand] !== undefined ? subcommand : undefined;
  const title = known ? `switchyard ${command} ${known}: ${spec.subcommands?.[known] ?? ''}` : `switchyard ${command}: ${spec.summary}`;
  const usage = spec.usage.filter((line) => !known || line.startsWith(`${command} ${known}`) || line.startsWith(`${command} [`) || !line.startsWith(`${command} `));
  const lines = [title, '', 'Usage:', ...usage.map((line) => `  switchyard ${line}`)];
  if (spec.subcommands && !known) lines.push('', 'Subcommands:', ...table(Object.entries(spec.subcommands)));
  const options = optionsFor(spec, known);
  lines.push('', 'Options:', ...table([...options, ['help', HELP_OPTION] as [string, OptionSpec]].map(([name, option]) => [flag(name, option), describeOption(option, known)])));
  if (spec.subcommands && !known) lines.push('', `\`switchyard ${command} <subcommand> --help\` shows one subcommand's options.`);
  return lines.join('\n');
}

function describeOption(option: OptionSpec, subcommand: string | undefined): string {
  return option.for && !subcommand ? `${option.for.join(', ')}: ${option.description}` : option.description;
}

/** `switchyard --help`. */
export function overview(version: string, commands: Readonly<Record<string, CommandSpec>>): string {
  return [
    `switchyard ${version} — self-hosted LLM gateway`,
    '',
    'Usage: switchyard <command> [options]',
    '',
    'Commands:',
    ...table(Object.entries(commands).map(([name, spec]) => [name, spec.summary])),
    '',
    '`switchyard <command> --help` lists a command\'s options. Reference: docs/cli.md.',
  ].join('\n');
}

/** docs/cli.md: every command, subcommand and option (a test compares the file with this). */
export function cliReferenceMarkdown(commands: Readonly<Record<string, CommandSpec>>): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = [
    '# The command line',
    '',
    '<!-- Generated by `switchyard help --markdown` from src/cli; a test keeps it in sync. Do not edit by hand. -->',
    '',
    'In a checkout, run commands with `npx switchyard <command>` (or `node bin/switchyard.js <command>`);',
    '`npm start` is `switchyard serve`. `switchyard <command> --help` and `switchyard <command> <subcommand> --help`',
    'print what is below for one command. Exit codes: 0 success, 1 a failure (an invalid config, a missing file,',
    'a port in use), 2 a usage error (an unknown command or option, a bad value).',
    '',
    '| command | what it does |',
    '| --- | --- |',
    ...Object.entries(commands).map(([name, spec]) => `| [\`${name}\`](#switchyard-${name}) | ${cell(spec.summary)} |`),
  ];
  for (const [name, spec] of Object.entries(commands)) {
    lines.push('', `## switchyard ${name}`, '', cell(spec.summary), '', '```', ...spec.usage.map((line) => `switchyard ${line}`), '```');
    if (spec.subcommands) {
      lines.push('', '| subcommand | what it does |', '| --- | --- |', ...Object.entries(spec.subcommands).map(([sub, text]) => `| \`${sub}\` | ${cell(text)} |`));
    }
    const options = Object.entries(spec.options);
    if (options.length > 0) {
      lines.push('', `| option | ${spec.subcommands ? 'for | ' : ''}what it does |`, `| --- | ${spec.subcommands ? '--- | ' : ''}--- |`);
      for (const [option, each] of options) {
        const flagText = `\`${flag(option, each).trim()}\``;
        lines.push(`| ${flagText} | ${spec.subcommands ? `${each.for ? each.for.join(', ') : 'all'} | ` : ''}${cell(each.description)} |`);
      }
    }
  }
  lines.push('');
  return lines.join('\n');
}
