/**
 * Every `switchyard` command: what it does, its options (each with one line of help) and
 * the function that runs it, loaded only when that command runs (so `--help`, `--version`
 * and every command start without loading the others). `eval` is in eval-command.ts.
 */
import { evalCommand } from './eval-command.js';
import { CONFIG_OPTION, type CommandSpec } from './help.js';

const JSON_OPTION = { type: 'boolean', description: 'print JSON for scripts instead of a table' } as const;

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  serve: {
    summary: 'run the gateway (port 4040; simulated providers when no API key is set)',
    usage: ['serve [--config PATH] [--port N] [--host HOST] [--simulate] [--insecure-no-auth]'],
    options: {
      config: CONFIG_OPTION,
      port: { type: 'string', short: 'p', value: 'N', description: 'port to listen on (default server.port, else 4040; 0 picks a free one)' },
      host: { type: 'string', value: 'HOST', description: 'address to listen on (default server.host, else 127.0.0.1)' },
      simulate: { type: 'boolean', description: 'replace every provider with a simulator of the same protocol: no provider keys needed' },
      'insecure-no-auth': { type: 'boolean', description: 'allow listening beyond loopback without API keys (logged loudly)' },
    },
    run: async (values) => (await import('./serve.js')).runServe(values),
  },
  validate: {
    summary: 'check a config file and print every problem with its path',
    usage: ['validate [--config PATH] [--json]'],
    options: { config: CONFIG_OPTION, json: { type: 'boolean', description: 'print {"ok", "problems": [{"path", "message"}]} as JSON' } },
    run: async (values) => (await import('./validate.js')).runValidate(values),
  },
  schema: {
    summary: 'print the config JSON Schema, for editors (--markdown: the config reference)',
    usage: ['schema [--markdown]'],
    options: { markdown: { type: 'boolean', description: 'print the Markdown config reference (docs/config.md) instead' } },
    run: async (values) => (await import('./schema.js')).runSchema(values),
  },
  logs: {
    summary: 'print recent requests from the request log',
    usage: ['logs [--last N] [--json] [--config PATH | --db PATH]'],
    options: {
      config: CONFIG_OPTION,
      last: { type: 'string', short: 'n', value: 'N', description: 'how many of the newest requests (default 20)' },
      json: { type: 'boolean', description: 'one JSON line per request, with its attempt rows' },
      db: { type: 'string', value: 'PATH', description: 'the SQLite request log to read (default store.sqlite.path of the config)' },
    },
    run: async (values) => (await import('./logs.js')).runLogs(values),
  },
  keys: {
    summary: 'virtual API keys (sk-sy-…) in the gateway database: create, list, revoke, disable, enable',
    usage: [
      'keys create --name NAME [--team TEAM] [--owner WHO] [--models A,B] [--routes R,S] [--expires 30d] [--rpm N] [--tpm N] [--concurrent N] [--json]',
      'keys list [--team TEAM] [--json]',
      'keys revoke KEY_ID',
      'keys disable KEY_ID',
      'keys enable KEY_ID',
    ],
    subcommands: {
      create: 'create a key and print it once',
      list: 'list keys (never the keys themselves)',
      revoke: 'revoke a key for good',
      disable: 'stop a key until it is enabled again',
      enable: 'enable a disabled key',
    },
    options: {
      config: CONFIG_OPTION,
      name: { type: 'string', value: 'NAME', description: "the key's name (required)", for: ['create'] },
      team: { type: 'string', value: 'TEAM', description: 'the team it belongs to (list: only that team)', for: ['create', 'list'] },
      owner: { type: 'string', value: 'WHO', description: 'who owns it', for: ['create'] },
      models: { type: 'string', value: 'A,B', description: 'the only models it may use', for: ['create'] },
      routes: { type: 'string', value: 'R,S', description: 'the only routes it may use', for: ['create'] },
      expires: { type: 'string', value: 'WHEN', description: 'when it expires: 30d, 12h or an ISO date', for: ['create'] },
      rpm: { type: 'string', value: 'N', description: 'requests per minute', for: ['create'] },
      tpm: { type: 'string', value: 'N', description: 'tokens per minute', for: ['create'] },
      concurrent: { type: 'string', value: 'N', description: 'requests at once', for: ['create'] },
      json: { ...JSON_OPTION, for: ['create', 'list'] },
    },
    run: async (values, positionals) => (await import('./keys.js')).runKeys(values, positionals),
  },
  budgets: {
    summary: 'dollar and token budgets per key, team or globally: create, list, delete',
    usage: ['budgets create [--scope key|team|global] [--id ID] [--period day|month|total] [--usd N] [--tokens N] [--soft] [--json]', 'budgets list [--json]', 'budgets delete BUDGET_ID'],
    subcommands: { create: 'create a budget', list: 'list budgets with what they have spent this period', delete: 'delete a budget' },
    options: {
      config: CONFIG_OPTION,
      scope: { type: 'string', value: 'SCOPE', description: 'key, team or global (default global)', for: ['create'] },
      id: { type: 'string', value: 'ID', description: 'the key id or team name (not for global)', for: ['create'] },
      period: { type: 'string', value: 'PERIOD', description: 'day, month or total (default month)', for: ['create'] },
      usd: { type: 'string', value: 'N', description: 'limit in US dollars', for: ['create'] },
      tokens: { type: 'string', value: 'N', description: 'limit in tokens', for: ['create'] },
      soft: { type: 'boolean', description: 'only alert, never refuse (default: hard, refuse with 429)', for: ['create'] },
      json: { ...JSON_OPTION, for: ['create', 'list'] },
    },
    run: async (values, positionals) => (await import('./keys.js')).runBudgets(values, positionals),
  },
  spend: {
    summary: 'spend by key, team, route, model or day; --savings against a baseline model',
    usage: ['spend [--by key|team|route|model|day] [--since 7d] [--until DATE] [--json]', 'spend --savings [--baseline MODEL] [--since 7d] [--until DATE] [--json]'],
    options: {
      config: CONFIG_OPTION,
      by: { type: 'string', value: 'GROUP', description: 'key, team, route, model or day (default model)' },
      since: { type: 'string', value: 'WHEN', description: 'from: 7d, 24h, 30m or an ISO date (default: all)' },
      until: { type: 'string', value: 'WHEN', description: 'to: 7d, 24h, 30m or an ISO date (default: now)' },
      savings: { type: 'boolean', description: 'actual cost against the same tokens on --baseline, by route and category' },
      baseline: { type: 'string', value: 'MODEL', description: 'the model to compare with (default gpt-5.4)' },
      json: JSON_OPTION,
    },
    run: async (values) => (await import('./spend.js')).runSpend(values),
  },
  cache: {
    summary: 'the response cache: stats and clear (of a running gateway), eval (hit quality on paraphrase pairs)',
    usage: [
      'cache stats [--url URL] [--admin-key KEY] [--config PATH] [--json]',
      'cache clear [--key KEY_ID] [--route NAME] [--model NAME] [--url URL] [--admin-key KEY] [--config PATH] [--json]',
      'cache eval --pairs FILE.jsonl [--route NAME] [--threshold T] [--no-near-miss] [--seed N] [--config PATH] [--json]',
    ],
    subcommands: {
      stats: 'entries, bytes, evictions and the semantic index of a running gateway (GET /admin/cache)',
      clear: 'delete cached answers: all, or by key, route or model (DELETE /admin/cache)',
      eval: 'true-hit and false-hit rates of the configured semantic setup on {"origin", "similar"} lines, with a threshold sweep',
    },
    options: {
      config: CONFIG_OPTION,
      url: { type: 'string', value: 'URL', description: 'the gateway (default http://server.host:server.port of the config)', for: ['stats', 'clear'] },
      'admin-key': { type: 'string', value: 'KEY', description: 'the admin key (default server.admin_key of the config)', for: ['stats', 'clear'] },
      key: { type: 'string', value: 'KEY_ID', description: "only this key's answers", for: ['clear'] },
      route: { type: 'string', value: 'NAME', description: 'clear: only answers to this route or model name; eval: use this route\'s cache settings', for: ['clear', 'eval'] },
      model: { type: 'string', value: 'NAME', description: 'only answers this model produced', for: ['clear'] },
      pairs: { type: 'string', value: 'FILE', description: 'JSON Lines of {"origin", "similar"} paraphrase pairs', for: ['eval'] },
      threshold: { type: 'string', value: 'T', description: 'the threshold to report (default the configured one)', for: ['eval'] },
      'no-near-miss': { type: 'boolean', description: 'measure without the near-miss check', for: ['eval'] },
      seed: { type: 'string', value: 'N', description: 'shuffle seed for which half is cached (default 1)', for: ['eval'] },
      json: JSON_OPTION,
    },
    run: async (values, positionals) => (await import('./cache.js')).runCache(values, positionals),
  },
  route: {
    summary: 'route explain "<prompt>": the routing decision for a prompt, without calling a model',
    usage: ['route explain "<prompt>" [--route R] [--private] [--latency-budget-ms N] [--quality-floor Q] [--guard-policy P] [--json]'],
    subcommands: { explain: 'show the decision and the guard verdicts for a prompt' },
    options: {
      config: CONFIG_OPTION,
      route: { type: 'string', short: 'r', value: 'ROUTE', description: 'the route to ask (default auto)' },
      private: { type: 'boolean', description: 'treat the prompt as private data (only private models)' },
      'latency-budget-ms': { type: 'string', value: 'N', description: 'latency budget, as x-switchyard-latency-budget-ms' },
      'quality-floor': { type: 'string', value: 'Q', description: 'quality floor 0..1, as x-switchyard-quality-floor' },
      'guard-policy': { type: 'string', value: 'POLICY', description: "also run this guard policy, as a key's" },
      json: { type: 'boolean', description: 'print the whole decision as JSON' },
    },
    run: async (values, positionals) => (await import('./route.js')).runRoute(values, positionals),
  },
  classifier: {
    summary: 'the local task classifier the router uses: train, eval, predict',
    usage: [
      'classifier train --data FILE.jsonl [--out FILE] [--holdout 0.2] [--split random|group] [--seed N] [--json]',
      'classifier eval --data FILE.jsonl [--model FILE] [--json]',
      'classifier predict "<text>" [--model FILE] [--json]',
    ],
    subcommands: { train: 'train a model on {"text", "category"} lines', eval: 'measure a model on labelled lines', predict: 'classify one prompt' },
    options: {
      data: { type: 'string', value: 'FILE', description: 'JSONL of {"text", "category"} lines', for: ['train', 'eval'] },
      out: { type: 'string', value: 'FILE', description: 'where to write the model (default the shipped models/task-classifier.json)', for: ['train'] },
      holdout: { type: 'string', value: 'F', description: 'share held out for measuring, 0 to below 1 (default 0.2)', for: ['train'] },
      split: { type: 'string', value: 'HOW', description: 'random, or group (whole recipe groups held out)', for: ['train'] },
      seed: { type: 'string', value: 'N', description: 'random seed', for: ['train'] },
      model: { type: 'string', value: 'FILE', description: 'the model file (default the shipped one)', for: ['eval', 'predict'] },
      json: { type: 'boolean', description: 'print JSON' },
    },
    run: async (values, positionals) => (await import('./classifier.js')).runClassifier(values, positionals),
  },
  router: {
    summary: 'the learned strong/weak router (pre-call, or --cascade on the weak answer): train, eval, calibrate',
    usage: [
      'router train --data FILE --strong MODEL --weak MODEL --out FILE [--cascade] [--seed N] [--json]',
      'router eval --router FILE --data FILE [--verifier CASCADE_FILE] [--weak-cost C] [--json]',
      'router calibrate --router FILE --data FILE (--strong-fraction F | --quality Q) [--out FILE] [--json]',
    ],
    subcommands: { train: 'train a router on outcome data', eval: 'measure a router (APGR, CPT, cost)', calibrate: "set a router file's threshold" },
    options: {
      data: { type: 'string', value: 'FILE', description: 'JSONL of {"prompt", "outcomes": {model: 0|1}} lines' },
      strong: { type: 'string', value: 'MODEL', description: 'the strong model in the outcomes (eval, calibrate: default the file\'s)' },
      weak: { type: 'string', value: 'MODEL', description: 'the weak model in the outcomes (eval, calibrate: default the file\'s)' },
      out: { type: 'string', value: 'FILE', description: 'where to write the router file (calibrate: default --router)', for: ['train', 'calibrate'] },
      cascade: { type: 'boolean', description: "train a cascade verifier on the weak model's answers", for: ['train'] },
      seed: { type: 'string', value: 'N', description: 'random seed (default 1)', for: ['train'] },
      router: { type: 'string', value: 'FILE', description: 'the router file', for: ['eval', 'calibrate'] },
      verifier: { type: 'string', value: 'FILE', description: 'a cascade router measured beside it on the same data', for: ['eval'] },
      'weak-cost': { type: 'string', value: 'C', description: "the weak model's cost per request relative to the strong (default 0.03)", for: ['eval'] },
      'strong-fraction': { type: 'string', value: 'F', description: 'calibrate to this share of strong calls', for: ['calibrate'] },
      quality: { type: 'string', value: 'Q', description: "calibrate to this share of the strong model's accuracy", for: ['calibrate'] },
      json: { type: 'boolean', description: 'print JSON' },
    },
    run: async (values, positionals) => (await import('./router.js')).runRouter(values, positionals),
  },
  eval: evalCommand,
  guard: {
    summary: 'guard scan: run the guard detectors over {"text"}, {"prompt"} or {"messages"} JSONL lines',
    usage: ['guard scan --input FILE.jsonl [--guards injection,pii,secrets] [--json]'],
    subcommands: { scan: 'scan each line: {"text": …}, {"prompt": …} or {"messages": [...]}, and an optional "id"' },
    options: {
      input: { type: 'string', value: 'FILE', description: 'JSONL to scan (- for standard input)' },
      guards: { type: 'string', value: 'A,B', description: 'detectors to run: injection, pii, secrets (default all)' },
      json: { type: 'boolean', description: 'one JSON line per input: {"id", "flagged", "findings"}' },
    },
    run: async (values, positionals) => (await import('./guard.js')).runGuard(values, positionals),
  },
  simulate: {
    summary: 'run the provider simulator alone, on loopback (OpenAI, Anthropic and Gemini protocols)',
    usage: ['simulate [--port N] [--host HOST]'],
    options: {
      port: { type: 'string', short: 'p', value: 'N', description: 'port to listen on (default 4050)' },
      host: { type: 'string', value: 'HOST', description: 'address to listen on (default 127.0.0.1)' },
    },
    run: async (values) => (await import('./simulate.js')).runSimulate(values),
  },
};
