/**
 * `switchyard <command>`: serve, validate, schema, logs, simulate.
 * Returns the exit code; bad flags and bad config are CLI errors, never stack traces.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/load.js';
import { runLogs } from './logs.js';
import { runRoute } from './route.js';
import { runClassifier } from './classifier.js';
import { runRouter } from './router.js';
import { runBudgets, runKeys } from './keys.js';
import { runSpend } from './spend.js';
import { runSchema } from './schema.js';
import { runServe } from './serve.js';
import { runSimulate } from './simulate.js';
import { runValidate } from './validate.js';
import { evalCommand } from './eval.js';
import { runGuard } from './guard.js';
import { VERSION } from './version.js';
import { CliError, UsageError } from './arguments.js';

interface Command {
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number> | number;
}

const configOption = { config: { type: 'string', short: 'c' } } as const;

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'run the gateway (default port 4040; simulated providers when no API key is set)',
    options: { ...configOption, port: { type: 'string', short: 'p' }, host: { type: 'string' }, 'insecure-no-auth': { type: 'boolean' }, simulate: { type: 'boolean' } },
    run: (values) => runServe(values),
  },
  validate: {
    summary: 'check a config file and print every problem with its path',
    options: configOption,
    run: (values) => runValidate(values),
  },
  schema: {
    summary: 'print the config JSON Schema (--markdown: the config reference)',
    options: { markdown: { type: 'boolean' } },
    run: (values) => runSchema(values),
  },
  logs: {
    summary: 'print recent requests from the request log',
    options: { ...configOption, last: { type: 'string', short: 'n' }, json: { type: 'boolean' }, db: { type: 'string' } },
    run: (values) => runLogs(values),
  },
  keys: {
    summary: 'keys create|list|revoke|disable|enable: virtual API keys (sk-sy-…), in the gateway database',
    options: {
      ...configOption,
      name: { type: 'string' },
      team: { type: 'string' },
      owner: { type: 'string' },
      models: { type: 'string' },
      routes: { type: 'string' },
      expires: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      concurrent: { type: 'string' },
      json: { type: 'boolean' },
    },
    run: (values, positionals) => runKeys(values, positionals),
  },
  budgets: {
    summary: 'budgets create|list|delete: dollar and token budgets per key, team or globally',
    options: {
      ...configOption,
      scope: { type: 'string' },
      id: { type: 'string' },
      period: { type: 'string' },
      usd: { type: 'string' },
      tokens: { type: 'string' },
      soft: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    run: (values, positionals) => runBudgets(values, positionals),
  },
  spend: {
    summary: 'spend by key, team, route, model or day; --savings against a baseline model',
    options: { ...configOption, by: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, json: { type: 'boolean' }, savings: { type: 'boolean' }, baseline: { type: 'string' } },
    run: (values) => runSpend(values),
  },
  classifier: {
    summary: 'classifier train|eval|predict: the local task classifier the router uses',
    options: { data: { type: 'string' }, out: { type: 'string' }, holdout: { type: 'string' }, split: { type: 'string' }, seed: { type: 'string' }, model: { type: 'string' }, json: { type: 'boolean' } },
    run: (values, positionals) => runClassifier(values, positionals),
  },
  router: {
    summary: 'router train|eval|calibrate: the learned strong/weak router (pre-call, or --cascade on the weak answer)',
    options: {
      data: { type: 'string' },
      strong: { type: 'string' },
      weak: { type: 'string' },
      out: { type: 'string' },
      cascade: { type: 'boolean' },
      seed: { type: 'string' },
      router: { type: 'string' },
      json: { type: 'boolean' },
      'strong-fraction': { type: 'string' },
      quality: { type: 'string' },
      'weak-cost': { type: 'string' },
      verifier: { type: 'string' },
    },
    run: (values, positionals) => runRouter(values, positionals),
  },
  route: {
    summary: 'route explain "<prompt>": show the routing decision for a prompt without calling a model',
    options: {
      ...configOption,
      route: { type: 'string', short: 'r' },
      json: { type: 'boolean' },
      private: { type: 'boolean' },
      'latency-budget-ms': { type: 'string' },
      'quality-floor': { type: 'string' },
      'guard-policy': { type: 'string' },
    },
    run: (values, positionals) => runRoute(values, positionals),
  },
  eval: evalCommand,
  guard: {
    summary: 'guard scan --input FILE.jsonl [--guards injection,pii,secrets] [--json]: run the guard detectors over prompts',
    options: { input: { type: 'string' }, guards: { type: 'string' }, json: { type: 'boolean' } },
    run: (values, positionals) => runGuard(values, positionals),
  },
  simulate: {
    summary: 'run the provider simulator alone (OpenAI wire protocol on loopback)',
    options: { port: { type: 'string', short: 'p' }, host: { type: 'string' } },
    run: (values) => runSimulate(values),
  },
};

function usage(): string {
  const lines = [`switchyard ${VERSION} — self-hosted LLM gateway`, '', 'Usage: switchyard <command> [options]', '', 'Commands:'];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  lines.push('', 'Common options: --config PATH (default ./switchyard.yaml, else built-in defaults)');
  return lines.join('\n');
}

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

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== 'serve') endQuietlyWhenOutputCloses();
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === 'version') {
    console.log(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`switchyard: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (values.help) {
      console.log(`switchyard ${name}: ${command.summary}`);
      return 0;
    }
    return await command.run(values as Record<string, string | boolean | undefined>, positionals);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof CliError) {
      console.error(`switchyard ${name}: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`switchyard ${name}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}
