/**
 * What `switchyard eval` takes: subcommands and options, each with one line of help. The
 * work is in eval.ts, loaded only when an eval command runs.
 */
import { CONFIG_OPTION, type CommandSpec } from './help.js';

const RUN_TARGETS = ['report', 'tune', 'export-outcomes'] as const;

export const evalCommand: CommandSpec = {
  summary: 'evaluate models and routes on a dataset, report, compare, tune routing (docs/eval.md)',
  usage: [
    'eval run --dataset FILE --models a,b [--routes auto] [--runs 3] [--concurrency 8] [--judge MODEL] [--embedding-model MODEL] [--name NAME] [--resume RUN] [--limit N] [--retry-errors] [--json]',
    'eval report RUN [--json] [--html FILE]',
    'eval tune --run RUN [--quality-floor 0.9] [--latency-budget-ms N] [--route tuned] [--write] [--json]',
    'eval compare A B (each RUN or RUN:TARGET) [--alpha 0.05] [--fail-on-regression] [--json]',
    'eval export-outcomes RUN [--out FILE]',
    'eval list [--json]',
    'eval [--config PATH] [--db PATH] …',
  ],
  subcommands: {
    run: 'run every case × model/route × repetition through the gateway and store the results',
    report: 'accuracy, refusals, errors, latency and cost of a run (table, JSON or HTML)',
    tune: 'propose the routing table (and quality figures) a run supports, as a diff of the config',
    compare: 'compare two runs, or any two targets (RUN:TARGET: a route with a model), with significance tests',
    'export-outcomes': "write a run's outcomes as learned-router training data",
    list: 'list the stored runs',
  },
  options: {
    config: CONFIG_OPTION,
    db: { type: 'string', value: 'PATH', description: 'the database with the runs (default store.sqlite.path of the config)' },
    dataset: { type: 'string', short: 'd', value: 'FILE', description: 'JSONL dataset of cases (docs/eval.md)', for: ['run'] },
    models: { type: 'string', short: 'm', value: 'A,B', description: 'models to evaluate (configured names or provider/model)', for: ['run'] },
    routes: { type: 'string', value: 'R,S', description: 'routes to evaluate', for: ['run'] },
    runs: { type: 'string', value: 'N', description: 'repetitions of every case (default 1)', for: ['run'] },
    concurrency: { type: 'string', value: 'N', description: 'calls at once (default 8)', for: ['run'] },
    judge: { type: 'string', value: 'MODEL', description: 'the model that grades judge cases', for: ['run'] },
    'allow-same-family': { type: 'boolean', description: 'let a judge grade models of its own family (warned)', for: ['run'] },
    'embedding-model': { type: 'string', value: 'MODEL', description: 'the embedding model of embedding cases', for: ['run'] },
    name: { type: 'string', value: 'NAME', description: 'name the run (the same name again resumes it)', for: ['run'] },
    resume: { type: 'string', value: 'RUN', description: 'continue a run, skipping stored results', for: ['run'] },
    limit: { type: 'string', value: 'N', description: 'make at most N calls now', for: ['run'] },
    'retry-errors': { type: 'boolean', description: 'call again where a stored call failed', for: ['run'] },
    run: { type: 'string', value: 'RUN', description: 'the run (id or name)', for: RUN_TARGETS },
    html: { type: 'string', value: 'FILE', description: 'also write a self-contained HTML report', for: ['report'] },
    'quality-floor': { type: 'string', value: 'Q', description: 'accuracy a model needs for a category, 0..1 (default 0.9)', for: ['tune'] },
    'latency-budget-ms': { type: 'string', value: 'N', description: 'p95 latency a model must fit', for: ['tune'] },
    route: { type: 'string', value: 'NAME', description: 'the route to write (default tuned)', for: ['tune'] },
    write: { type: 'boolean', description: 'write the change to the config file (default: print the diff)', for: ['tune'] },
    alpha: { type: 'string', value: 'A', description: 'significance level (default 0.05)', for: ['compare'] },
    'fail-on-regression': { type: 'boolean', description: 'exit 1 when a significant drop is found, or when nothing could be compared', for: ['compare'] },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'write there instead of standard output', for: ['export-outcomes'] },
    json: { type: 'boolean', description: 'print JSON instead of a table', for: ['run', 'report', 'tune', 'compare', 'list'] },
  },
  run: async (values, positionals) => (await import('./eval.js')).runEval(values, positionals),
};
