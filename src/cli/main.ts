/**
 * `switchyard <command>`: parses the command line against the command's own description
 * (commands.ts), prints help made from the same description, and runs the command.
 * Returns the exit code; bad flags and bad config are CLI errors, never stack traces.
 */
import { parseArgs } from 'node:util';
import type { ConfigError } from '../config/load.js';
import { CliError, UsageError } from './arguments.js';
import { COMMANDS } from './commands.js';
import { checkOptionsApply, cliReferenceMarkdown, commandHelp, overview, parserOptions, type Values } from './help.js';
import { VERSION } from './version.js';

/**
 * A reader that goes away (`switchyard schema | head`) ends the command quietly, as it
 * ends any Unix tool, instead of an unhandled EPIPE with a stack trace. Not for serve,
 * which keeps serving and draining whatever happens to its output.
 */
function endQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
}

/** `switchyard help [COMMAND [SUBCOMMAND]]`, and `switchyard help --markdown` for docs/cli.md. */
function help(rest: string[]): number {
  if (rest[0] === '--markdown') {
    process.stdout.write(cliReferenceMarkdown(COMMANDS));
    return 0;
  }
  const [name, subcommand] = rest;
  const command = name ? COMMANDS[name] : undefined;
  if (name && !command) {
    console.error(`switchyard: unknown command "${name}"\n\n${overview(VERSION, COMMANDS)}`);
    return 2;
  }
  console.log(command && name ? commandHelp(name, command, subcommand) : overview(VERSION, COMMANDS));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== 'serve') endQuietlyWhenOutputCloses();
  if (!name) {
    console.log(overview(VERSION, COMMANDS));
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') return help(rest);
  if (name === '--version' || name === 'version') {
    console.log(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`switchyard: unknown command "${name}"\n\n${overview(VERSION, COMMANDS)}`);
    return 2;
  }
  try {
    const parsed = parseArgs({ args: rest, options: parserOptions(command), allowPositionals: true, strict: true });
    // No option is declared `multiple`, so every value is a string or a boolean.
    const values = parsed.values as Values;
    const positionals = parsed.positionals;
    if (values.help) {
      console.log(commandHelp(name, command, positionals[0]));
      return 0;
    }
    checkOptionsApply(name, command, positionals[0], values);
    return await command.run(values, positionals);
  } catch (error) {
    // By name: the config loader (and all it imports) loads only with a command that needs it.
    if ((error as ConfigError | undefined)?.name === 'ConfigError') {
      console.error((error as ConfigError).message);
      return 1;
    }
    if (error instanceof CliError) {
      console.error(`switchyard ${name}: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`switchyard ${name}: ${(error as Error).message}\n(switchyard ${name} --help lists the options)`);
      return 2;
    }
    // A file or database that cannot be read or written (ENOENT, EACCES, SQLITE_CANTOPEN…) is an ordinary failure.
    if (/^(E[A-Z]+|SQLITE_[A-Z_]+)$/.test(String((error as { code?: unknown }).code))) {
      console.error(`switchyard ${name}: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}
