/**
 * The config file's schema: the single source of truth for validation, the JSON Schema
 * that editors use (`switchyard schema`) and the generated reference in docs/config.md.
 * Objects are strict: an unknown key is an error with its path, never silently ignored.
 */
import { z } from 'zod';
import { TASK_CATEGORIES } from '../core/categories.js';
import { compileUserPattern } from '../core/regex.js';
import { evalConfigSchema } from '../eval/schedule-config.js';
import { positiveMs, secretReference, timeoutsSchema } from './schema-common.js';
import { providerSchema } from './provider-schema.js';
import { cacheSchema, routeCacheSchema } from '../cache/schema.js';

export { timeoutsSchema } from './schema-common.js';

const categoryName = z.enum(TASK_CATEGORIES);

export const FAILURE_CLASSES = ['rate_limit', 'server_error', 'timeout', 'connection', 'context_length', 'content_filter'] as const;
/** What fallback_on and retry.on default to: transient failures. */
export const TRANSIENT_FAILURES = ['rate_limit', 'server_error', 'timeout', 'connection'] as const;

const failureClasses = z
  .array(z.enum(FAILURE_CLASSES))
  .min(1)
  .describe(
    'Which failures count: rate_limit (429), server_error (5xx, 529 overloaded, malformed answers), timeout, connection, context_length (the prompt is too long for the model: only longer-context fallbacks are tried), content_filter (the model refused with a content-filter finish).',
  );

const retrySchema = z
  .strictObject({
    attempts: z.number().int().min(0).max(10).optional().describe('Retries after the first call on the same model (default 0).'),
    initial_backoff_ms: z.number().int().positive().optional().describe('Base of the exponential backoff (default 250); full jitter.'),
    max_backoff_ms: z.number().int().positive().optional().describe('Longest single wait (default 8000); a longer Retry-After skips to the next fallback.'),
    on: failureClasses.optional().describe('Failures that are retried on the same model (default rate_limit, server_error, timeout, connection).'),
    deadline_ms: positiveMs.optional().describe('Deadline for the whole request across every retry, fallback and hedge (default 600000): no new attempt starts after it, and a running one is cut at it.'),
  })
  .describe('Retries with exponential backoff and full jitter, honouring Retry-After / retry-after-ms.');

const hedgeSchema = z
  .strictObject({
    after_ms: positiveMs.describe('Start a backup call when the first token has not arrived after this long (also the threshold until enough samples exist for percentile).'),
    percentile: z
      .number()
      .min(50)
      .max(99.9)
      .optional()
      .describe('Follow the deployment\'s observed time to first token instead: hedge after this percentile of it (e.g. 95), once 20 calls have been seen.'),
  })
  .describe('Hedged requests: the same request on a backup deployment (another deployment of the model, else the first fallback) when the first is slow; the first to answer wins, the other is cancelled and its cost recorded.');

const streamRecovery = z
  .enum(['continue', 'error'])
  .describe('continue: ask a backup (another deployment, else a fallback) to continue the partial answer and stream it into the same response; error: end the stream with an explicit error event. Either way a cut stream never ends cleanly.');

const rateLimitsSchema = z.strictObject({
  rpm: z.number().int().positive().optional().describe('Requests per minute (sliding window).'),
  tpm: z.number().int().positive().optional().describe('Tokens per minute (prompt estimate + max output, corrected to the real count).'),
  max_concurrent: z.number().int().positive().optional().describe('Requests in flight at once.'),
});

const qualitySchema = z
  .partialRecord(z.union([categoryName, z.literal('default')]), z.number().min(0).max(1))
  .describe('Measured or expected share of correct answers per task category (0..1); `default` for the rest. `switchyard eval tune` writes these.');

const priceSchema = z
  .strictObject({
    input: z.number().nonnegative().describe('USD per million input tokens.'),
    output: z.number().nonnegative().describe('USD per million output tokens.'),
    cached_input: z.number().nonnegative().optional().describe('USD per million input tokens read from the prompt cache (default: the input price).'),
    cache_write_5m: z
      .number()
      .nonnegative()
      .optional()
      .describe('USD per million input tokens written to the prompt cache for 5 minutes (Anthropic: 1.25 × input; default: the input price).'),
    cache_write_1h: z
      .number()
      .nonnegative()
      .optional()
      .describe('USD per million input tokens written to the prompt cache for 1 hour (Anthropic: 2 × input; default: cache_write_5m).'),
    audio_input: z.number().nonnegative().optional().describe('USD per million audio input tokens (default: the input price).'),
    image_input: z.number().nonnegative().optional().describe('USD per million image input tokens, where a provider counts them apart (default: the input price).'),
    reasoning: z.number().nonnegative().optional().describe('USD per million reasoning (thinking) output tokens (default: the output price).'),
    per_request: z.number().nonnegative().optional().describe('USD per request, where a provider charges one.'),
    as_of: z.iso.date().optional().describe('The date these prices were read from the provider (YYYY-MM-DD).'),
  })
  .describe('List price.');

/** Price fields as the config spells them and as Price names them (USD per million tokens, or per request). */
export const PRICE_FIELDS = [
  ['cached_input', 'cachedInput'],
  ['cache_write_5m', 'cacheWrite5m'],
  ['cache_write_1h', 'cacheWrite1h'],
  ['audio_input', 'audioInput'],
  ['image_input', 'imageInput'],
  ['reasoning', 'reasoning'],
  ['per_request', 'perRequest'],
] as const;

const deploymentSchema = z.strictObject({
  provider: z.string().min(1).describe('Name of an entry under providers.'),
  upstream_model: z.string().min(1).optional().describe('Model name sent upstream (default: the model name).'),
  weight: z.number().positive().optional().describe('Load-balancing weight (default 1).'),
  timeouts: timeoutsSchema.optional(),
});

const capabilitiesSchema = z.strictObject({
  tools: z.boolean().optional(),
  vision: z.boolean().optional(),
  json_schema: z.boolean().optional(),
  streaming: z.boolean().optional(),
});

const modelSchema = z
  .strictObject({
    kind: z.enum(['chat', 'embedding']).optional().describe('Default chat.'),
    provider: z.string().min(1).optional().describe('Shorthand for a single deployment on this provider.'),
    upstream_model: z.string().min(1).optional().describe('With provider: the name sent upstream.'),
    deployments: z.array(deploymentSchema).min(1).optional().describe('One or more deployments of this model.'),
    price: priceSchema.optional(),
    context_window: z.number().int().positive().optional(),
    max_output_tokens: z.number().int().positive().optional(),
    capabilities: capabilitiesSchema.optional().describe('Default: all true.'),
    private: z.boolean().optional().describe('Self-hosted: the only kind private data may reach.'),
    fallbacks: z.array(z.string().min(1)).optional().describe('Models tried in order when this one fails with a fallback_on failure.'),
    fallback_on: failureClasses
      .optional()
      .describe('Failures that move on to the next fallback (default rate_limit, server_error, timeout, connection). Other client errors (400, 401, 404, 422) never do.'),
    retry: retrySchema.optional(),
    timeouts: timeoutsSchema.optional(),
    load_balancing: z
      .enum(['weighted', 'least_outstanding', 'lowest_latency'])
      .optional()
      .describe('How a deployment is picked: weighted random (default), fewest requests in flight, or lowest moving average of time to first token.'),
    hedge: hedgeSchema.optional(),
    stream_recovery: streamRecovery.optional().describe('When a stream breaks after content reached the client (default: resilience.stream_recovery).'),
    quality: qualitySchema.optional(),
    quality_trials: z
      .partialRecord(z.union([categoryName, z.literal('default')]), z.number().int().positive())
      .optional()
      .describe(
        'Graded answers behind each quality figure (`switchyard eval tune` writes them). A figure with trials is a measurement, one without is an estimate: in a category where a measured candidate clears the floor, the cheapest strategy never prefers an estimated one.',
      ),
    rate_limits: rateLimitsSchema.optional().describe('Limits across every caller of this model.'),
    latency_p95_ms: positiveMs.optional().describe('Expected p95 time to first token, used by latency budgets and weighted scores until the gateway has observed 20 calls.'),
    safety: z.number().min(0).max(1).optional().describe('Safety score 0..1 for the weighted strategy (default 1).'),
    batch: z
      .enum(['gateway', 'native'])
      .optional()
      .describe(
        "How batch lines naming this model run: through the gateway one call at a time (gateway, the default), or submitted to the provider's own batch API — OpenAI Batches, Anthropic Message Batches — on the model's first deployment, and priced at half the model's price (native).",
      ),
  })
  .superRefine((model, context) => {
    if (model.provider && model.deployments) {
      context.addIssue({ code: 'custom', message: 'give either provider or deployments, not both', path: ['deployments'] });
    }
    if (!model.provider && !model.deployments) {
      context.addIssue({ code: 'custom', message: 'a model needs a provider or deployments', path: ['provider'] });
    }
    if (model.upstream_model && !model.provider) {
      context.addIssue({ code: 'custom', message: 'upstream_model goes with provider (inside deployments use deployments[].upstream_model)', path: ['upstream_model'] });
    }
  });

const modelList = z.array(z.string().min(1)).min(1);

const ruleSchema = z
  .strictObject({
    name: z.string().min(1).describe('Shown in decisions and x-switchyard-reason.'),
    category: categoryName,
    keywords: z.array(z.string().min(1)).min(1).optional().describe('Case-insensitive whole words or phrases; any one matches.'),
    pattern: z.string().min(1).optional().describe('A regular expression (JavaScript syntax, case-insensitive) tested on the last user message.'),
    when: z
      .enum(['images', 'tools', 'long_context'])
      .optional()
      .describe('A structural condition: the request has images, offers tools, or its prompt exceeds long_context_tokens.'),
  })
  .superRefine((rule, context) => {
    const given = [rule.keywords, rule.pattern, rule.when].filter((value) => value !== undefined).length;
    if (given !== 1) context.addIssue({ code: 'custom', message: 'give exactly one of keywords, pattern or when', path: [] });
    if (rule.pattern) {
      try {
        compileUserPattern(rule.pattern);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}`, path: ['pattern'] });
      }
    }
  });

const classifySchema = z
  .strictObject({
    rules: z.array(ruleSchema).optional().describe('Checked in order before the classifier; the first match decides. Default: images → vision, tools → tool_use, long prompts → long_context.'),
    default_rules: z.boolean().optional().describe('Keep the three default structural rules before your own (default true).'),
    long_context_tokens: z.number().int().positive().optional().describe('Prompt size from which the long_context rule fires (default 32000).'),
    classifier: z.enum(['local', 'none']).optional().describe('local: the shipped trained classifier (default); none: rules only, else the fallback category.'),
    model_file: z.string().min(1).optional().describe('A classifier trained with `switchyard classifier train` (default: the shipped model).'),
    min_confidence: z.number().min(0).max(1).optional().describe('Below this the local decision counts as unsure: the LLM classifier is asked, if configured, else fallback_category is used (default 0).'),
    fallback_category: categoryName.optional().describe('Category when nothing decides (default qa).'),
    llm: z
      .strictObject({
        model: z.string().min(1).describe('A (cheap) chat model asked to name the category.'),
        timeout_ms: positiveMs.optional().describe('Give up and keep the local decision after this long (default 1500).'),
        when: z.enum(['unsure', 'always']).optional().describe('unsure (default): only when the local confidence is below min_confidence.'),
      })
      .optional()
      .describe('Optional LLM classifier, its cost recorded as an attempt of the request.'),
  })
  .describe('How a request gets its task category: rules first, then the local classifier, optionally an LLM.');

const learnedSchema = z
  .strictObject({
    router_file: z
      .string()
      .min(1)
      .optional()
      .describe('The trained router (`switchyard router train`, relative to the working directory). Default: the shipped models/router-gsm8k.json (learned) or models/router-gsm8k-cascade.json (cascade). Its mode must match the strategy: a pre-call file for learned, a --cascade file for cascade.'),
    strong: z.string().min(1).describe('The strong (expensive) model: a chat model of this config.'),
    weak: z.string().min(1).describe('The weak (cheap) model: a chat model of this config.'),
    threshold: z
      .number()
      .finite()
      .optional()
      .describe("learned: call the strong model when the prompt's score ≥ threshold; cascade: escalate when the weak answer's score ≥ threshold. Default: the file's (set by training or `switchyard router calibrate`)."),
  })
  .describe('learned and cascade: the trained router and the two models it chooses between.');

// ---------------------------------------------------------------- guards

const PII_TYPE_NAMES = ['email', 'phone', 'credit_card', 'iban', 'us_ssn', 'ip_address', 'person', 'street_address', 'date_of_birth', 'passport', 'driver_license'] as const;
const SCAN_ROLES = ['user', 'tool', 'system', 'assistant'] as const;
const policyName = z.string().min(1).describe('The name of a policy under guards.policies.');

/** Actions of the answer phases: route-private there is an error that says why. */
function answerAction() {
  return z.enum(['block', 'redact', 'flag'], {
    error: (issue) => (issue.input === 'route-private' ? 'route-private is a request-phase action (the answer has already been produced); use block, redact or flag' : undefined),
  });
}

/** A deny rule: whole-word keywords and/or regular expressions; `actions` are the ones its phase allows. */
function denyRuleSchema<Action extends string>(actions: readonly [Action, ...Action[]]) {
  return z
    .strictObject({
      name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only').describe('Named in the verdict and the error message (never the matched text).'),
      keywords: z.array(z.string().min(1)).min(1).optional().describe('Case-insensitive whole words or phrases; any one matches.'),
      patterns: z.array(z.string().min(1)).min(1).optional().describe('Regular expressions (JavaScript syntax, case-insensitive); any one matches. A pattern that matches empty text is refused.'),
      action: z
        .enum(actions, { error: (issue) => (issue.input === 'route-private' ? 'route-private is a request-phase action; use block or flag' : undefined) })
        .describe(`What a match does: ${actions.join(', ')}.`),
    })
    .superRefine((rule, context) => {
      if (!rule.keywords && !rule.patterns) context.addIssue({ code: 'custom', message: 'give keywords, patterns or both', path: [] });
      (rule.patterns ?? []).forEach((pattern, index) => {
        try {
          // A pattern that matches empty text (`x*`, `a?`) finds nothing to deny, and in the rule's
          // one combined expression it would take every position before the patterns after it.
          if (compileUserPattern(pattern).test('')) {
            context.addIssue({ code: 'custom', message: 'matches empty text, so it would deny nothing and hide the patterns after it; make it match at least one character (x+ rather than x*)', path: ['patterns', index] });
          }
        } catch (error) {
          context.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}`, path: ['patterns', index] });
        }
      });
    });
}

/** `onnx:<folder>`: a model folder (model.onnx + tokenizer.json); see docs/guards.md. */
const onnxSource = z.string().regex(/^onnx:.+/, 'expected "onnx:<folder>" (a folder with model.onnx and tokenizer.json)');

const injectionModelSchema = z
  .union([
    onnxSource,
    z.strictObject({
      path: onnxSource.describe('onnx:<folder> with model.onnx, tokenizer.json and (optionally) config.json of a sequence-classification model.'),
      threshold: z.number().min(0).max(1).optional().describe("The model's attack probability from which a text is an injection (default 0.5)."),
      unsure: z
        .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
        .optional()
        .describe("Fast classifier scores sent to the model, [from, to] (default [0.2, 0.9]); outside them, and where a rule fired, the fast verdict stands."),
      timeout_ms: z.number().positive().max(10_000).optional().describe('Longest wait for the model; past it the fast verdict stands (default 50).'),
      labels: z.array(z.string().min(1)).min(1).optional().describe('Output labels that mean an attack (default: every label not named like SAFE, BENIGN or LABEL_0).'),
    }),
  ])
  .describe('Opt-in model stage: a transformer classifier run on what the fast detector leaves unsure.');

const piiModelSchema = z
  .union([
    onnxSource,
    z.strictObject({
      path: onnxSource.describe('onnx:<folder> of a token-classification (NER) model.'),
      timeout_ms: z.number().positive().max(10_000).optional().describe('Longest wait for the model; past it the fast findings stand (default 50).'),
      min_score: z.number().min(0).max(1).optional().describe("Lowest mean token probability of a person entity that counts (default 0.5)."),
    }),
  ])
  .describe('Opt-in model stage: a named-entity model that adds person names the fast detector did not find, on texts with capitalised words it did not explain.');

const requestGuardsSchema = z
  .strictObject({
    injection: z
      .strictObject({
        action: z.enum(['block', 'flag']).optional().describe('block (default): 400 guardrail_violation; flag: record the verdict only.'),
        threshold: z.number().min(0).max(1).optional().describe('Score from which a finding counts (0..1, default 0.6).'),
        scan: z
          .array(z.enum(SCAN_ROLES))
          .min(1)
          .optional()
          .describe('Message roles scanned (default [user, tool]); tool covers indirect injection in tool results and retrieved content; system includes developer.'),
        model: injectionModelSchema.optional(),
      })
      .optional()
      .describe('Prompt-injection and jailbreak detection.'),
    pii: z
      .strictObject({
        action: z.enum(['block', 'redact', 'route-private', 'flag']).describe('block: 400; redact: typed placeholders ([EMAIL_1]) before the provider sees the text; route-private: only private models may serve; flag: record only.'),
        types: z.array(z.enum(PII_TYPE_NAMES)).min(1).optional().describe('PII types looked for (default all).'),
        restore: z.boolean().optional().describe('redact: put the values back where the answer repeats a placeholder (default false).'),
        model: piiModelSchema.optional(),
      })
      .optional()
      .describe('PII in any message (every role).'),
    secrets: z
      .strictObject({
        action: z.enum(['block', 'redact', 'route-private', 'flag']).describe('As for pii.'),
        restore: z.boolean().optional().describe('redact: put the values back in the answer (default false).'),
      })
      .optional()
      .describe('API keys, tokens, private keys and passwords in any message.'),
    deny: z.array(denyRuleSchema(['block', 'route-private', 'flag'])).optional().describe('Deny rules on user and tool messages.'),
    allow: z
      .strictObject({ tools: z.array(z.string().min(1)).describe('Tool names a request may offer; a request offering any other tool is blocked.') })
      .optional()
      .describe('Allow-lists.'),
  })
  .describe('Phase 1: checks on the request, before routing and before any upstream call.');

const responseGuardsSchema = z
  .strictObject({
    pii: z
      .strictObject({
        action: answerAction().describe('block: 502 (a stream ends with an error event); redact: placeholders in the answer; flag: record only.'),
        types: z.array(z.enum(PII_TYPE_NAMES)).min(1).optional().describe('PII types looked for (default all).'),
      })
      .optional()
      .describe('PII in the answer text (content and refusal).'),
    secrets: z
      .strictObject({ action: answerAction().describe('As for pii.') })
      .optional()
      .describe('Secrets in the answer text (content and refusal).'),
    deny: z.array(denyRuleSchema(['block', 'flag'])).optional().describe('Deny rules on the answer text (content and refusal).'),
    json_schema: z
      .strictObject({
        on_invalid: z
          .enum(['retry', 'error'])
          .describe('retry: one more upstream call, then 502; error: 502 at once. On a stream the text is already sent, so both end it with an error event (retry acts as error).'),
      })
      .optional()
      .describe('Validate answers to requests with response_format json_schema against that schema (a streamed choice when it is complete).'),
    hold_back: z.number().int().min(16).max(65_536).optional().describe('Streams: characters held back so a value split across chunks is seen whole (default 256).'),
  })
  .describe('Phases 2 and 3: checks on the answer, non-streamed and streamed.');

const guardPolicySchema = z
  .strictObject({
    request: requestGuardsSchema.optional(),
    response: responseGuardsSchema.optional(),
  })
  .describe('A named guard policy: what to check before the request leaves and in the answer.');

const guardsSchema = z
  .strictObject({
    policies: z.record(z.string().min(1), guardPolicySchema).describe('Guard policies by name; routes, keys and `default` refer to them.'),
    default: policyName.optional().describe('The policy for requests whose route names none (no guards when absent).'),
  })
  .describe('Guardrails in the request path. A key policy (server.api_keys[].guards, or a virtual key\'s metadata.guards) and a route policy both apply; the strictest action per finding wins (block > redact > route-private > flag).');

const routeSchema = z
  .strictObject({
    description: z.string().optional(),
    strategy: z
      .enum(['fixed', 'table', 'tiered', 'cheapest', 'weighted', 'learned', 'cascade'])
      .optional()
      .describe('fixed: always `model`; table: category → model; tiered: difficulty → tier; cheapest: the cheapest model per correct answer whose quality clears the floor; weighted: best weighted score; learned: a trained strong/weak router scores the prompt before any call; cascade: the weak model answers first and a trained verifier keeps its answer or escalates to the strong model. Default: fixed when `model` is given, else cheapest.'),
    model: z.string().min(1).optional().describe('fixed: the model (or another route) this route sends requests to.'),
    candidates: modelList.optional().describe('Models this route may choose from (default: every chat model).'),
    classify: classifySchema.optional(),
    table: z
      .partialRecord(z.union([categoryName, z.literal('default')]), z.string().min(1))
      .optional()
      .describe('table: model per category; `default` for categories not listed.'),
    table_fallbacks: z
      .partialRecord(z.union([categoryName, z.literal('default')]), modelList)
      .optional()
      .describe("table: fallbacks per entry, tried in order after the entry's model (and its own fallbacks) and before the route's `fallbacks`."),
    tiers: z
      .strictObject({ simple: modelList, standard: modelList, hard: modelList })
      .optional()
      .describe('tiered: models per difficulty, in preference order (the first that passes the filters).'),
    difficulty: z
      .strictObject({
        standard_from: z.number().min(0).max(1).optional().describe('Difficulty score from which a request is standard (default 0.3).'),
        hard_from: z.number().min(0).max(1).optional().describe('Difficulty score from which a request is hard (default 0.6).'),
      })
      .optional(),
    quality_floor: z.number().min(0).max(1).optional().describe('cheapest: the quality a model needs for the category (default 0.85); per request: x-switchyard-quality-floor or metadata.quality_floor.'),
    expected_output_tokens: z.number().int().positive().optional().describe('Output length assumed when pricing a request without max_tokens (default 500).'),
    weights: z
      .strictObject({
        quality: z.number().nonnegative().optional(),
        cost: z.number().nonnegative().optional(),
        latency: z.number().nonnegative().optional(),
        safety: z.number().nonnegative().optional(),
      })
      .optional()
      .describe('weighted: weights of quality, cost, latency and safety (default 0.6 / 0.25 / 0.15 / 0).'),
    context: z
      .strictObject({
        trim: z.boolean().optional().describe('When no model fits the conversation, drop the oldest turns (never system messages or the last user turn) until one does (default false: 400).'),
        output_reserve_tokens: z.number().int().positive().optional().describe('Room kept for the answer when the request sets no max_tokens (default 1024).'),
      })
      .optional(),
    experiment: z
      .strictObject({
        sticky: z.enum(['user', 'session', 'none']).optional().describe('user (default): the same user always gets the same variant (request `user`, metadata.user_id); session: x-switchyard-session / metadata.session_id; none: random.'),
        variants: z
          .array(
            z
              .strictObject({
                name: z.string().min(1),
                weight: z.number().positive(),
                model: z.string().min(1).optional(),
                route: z.string().min(1).optional(),
              })
              .refine((variant) => (variant.model === undefined) !== (variant.route === undefined), { message: 'give exactly one of model or route' }),
          )
          .min(2),
      })
      .optional()
      .describe('Split traffic between variants (e.g. 95 / 5 canary); each variant is a model or another route.'),
    fallbacks: z.array(z.string().min(1)).optional().describe('Models tried, in order, after the chosen model and its own fallbacks have failed.'),
    timeouts: timeoutsSchema.optional().describe("Timeouts for this route's upstream calls, over the model's and provider's."),
    learned: learnedSchema.optional(),
    guards: policyName.optional().describe('Guard policy for requests to this route (default: guards.default).'),
    cache: routeCacheSchema.optional(),
  })
  .superRefine((route, context) => {
    const strategy = route.strategy ?? (route.model ? 'fixed' : route.experiment ? 'experiment' : 'cheapest');
    const need = (key: 'model' | 'table' | 'tiers' | 'learned', why: string): void => {
      if (route[key] === undefined) context.addIssue({ code: 'custom', message: `strategy ${strategy} needs ${key} (${why})`, path: [key] });
    };
    if (strategy === 'fixed') need('model', 'the model to send requests to');
    if (strategy === 'table') need('table', 'category → model');
    if (strategy === 'tiered') need('tiers', 'simple / standard / hard models');
    if (strategy === 'learned' || strategy === 'cascade') need('learned', 'the router file and its strong and weak models');
    else if (route.learned) context.addIssue({ code: 'custom', message: `learned is for strategies learned and cascade, not ${strategy}`, path: ['learned'] });
    if (route.model && strategy !== 'fixed') context.addIssue({ code: 'custom', message: `model is for strategy fixed; strategy ${strategy} chooses among candidates`, path: ['model'] });
    const difficulty = route.difficulty;
    if (difficulty?.standard_from !== undefined && difficulty.hard_from !== undefined && difficulty.standard_from >= difficulty.hard_from) {
      context.addIssue({ code: 'custom', message: 'standard_from must be below hard_from', path: ['difficulty', 'standard_from'] });
    }
  })
  .describe('A named route a client selects with model: "<route>": filters, then a task category, then a strategy picks the model; the decision is explained on every response.');

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).optional().describe('Bind address (default 127.0.0.1).'),
        port: z.number().int().min(0).max(65535).optional().describe('Default 4040.'),
        max_body_bytes: z.number().int().positive().optional().describe('Largest request body accepted (default 32 MiB).'),
        api_keys: z
          .array(
            z.union([
              secretReference,
              z
                .strictObject({
                  key: secretReference,
                  name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only').describe('Shown in the log as the key id.'),
                  allow_models: z.array(z.string().min(1)).optional().describe('Only these models may serve this key (routes choose among them).'),
                  deny_models: z.array(z.string().min(1)).optional().describe('These models never serve this key.'),
                  private: z.boolean().optional().describe('Everything this key sends is private data: only private models serve it.'),
                  guards: policyName.optional().describe('Guard policy for this key, applied together with the route\'s.'),
                })
                .describe('A key with a policy.'),
            ]),
          )
          .optional()
          .describe('Keys clients must present (bearer or x-api-key): a secret reference, or an object with a name and a routing policy. Required when binding beyond loopback, unless insecure_no_auth.'),
        insecure_no_auth: z.boolean().optional().describe('Allow a non-loopback bind without keys (logged loudly).'),
        admin_key: secretReference.optional().describe('The admin credential for /admin/* (keys, teams, budgets, spend). Setting it also turns on key checks for every API request: virtual keys (sk-sy-…) or server.api_keys.'),
        shutdown_grace_ms: z.number().int().nonnegative().optional().describe('How long in-flight requests may run after SIGTERM (default 60000).'),
        strict_params: z
          .boolean()
          .optional()
          .describe(
            'Refuse request fields the gateway does not model, and new values of the fields it does, with a 400 (default false: they are forwarded unchanged to an upstream that speaks the client\'s protocol, and dropped with an x-switchyard-warnings entry otherwise).',
          ),
      })
      .optional(),
    store: z
      .strictObject({
        sqlite: z
          .strictObject({ path: z.string().min(1).describe('Default ./.switchyard/switchyard.db') })
          .optional(),
        postgres: z
          .strictObject({
            url: secretReference.describe(
              'The PostgreSQL connection URL, as a secret reference (e.g. env:SWITCHYARD_DATABASE_URL). Every request row goes to PostgreSQL as well, shipped in batches from the local log; keys, teams, budgets, fired alerts and eval runs live there, with the SQLite file as each replica\'s local copy; migrations run on start (see docs/storage.md).',
            ),
          })
          .optional()
          .describe('PostgreSQL shared by every replica: the request log (shipped from SQLite, the local buffer), and keys, teams, budgets, alerts and eval runs (SQLite holds their local copy).'),
        log_content: z.boolean().optional().describe('Store request and response bodies in the log (default true).'),
        flush_interval_ms: z.number().int().positive().optional().describe('How often journaled log rows are written to the database, in batches (default 50).'),
        max_logged_body_bytes: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Stored request and response bodies are cut to this many bytes and marked truncated (default 65536; 0 keeps no bodies).'),
        on_write_failure: z
          .enum(['keep_serving', 'reject'])
          .optional()
          .describe(
            'When log rows cannot be written and write_buffer_mb is full: keep_serving (default) refuses only requests under a budget and drops rows beyond the buffer, counted and alerted; reject refuses every API request with 503 until the log recovers.',
          ),
        write_buffer_mb: z.number().positive().optional().describe('Memory for rows the log cannot write yet (default 64).'),
        retention_days: z.number().positive().optional().describe('Delete request rows older than this, in the background, in SQLite and in PostgreSQL (their spend is kept per day for budgets and reports). Default: keep everything.'),
        max_size_mb: z.number().positive().optional().describe('Delete the oldest request rows while the database holds more than this, in the background (spend kept per day). Default: no cap.'),
      })
      .optional()
      .describe('The request log: an embedded SQLite database fed through a crash-safe journal (see docs/request-log.md).'),
    log: z
      .strictObject({
        access: z
          .boolean()
          .optional()
          .describe('Write one JSON line per HTTP request to stdout (method, path, status, duration, key id, route, model, tokens, cost; never keys or bodies). Default false.'),
      })
      .optional()
      .describe("The gateway's own log output."),
    telemetry: z
      .strictObject({
        otlp: z
          .strictObject({
            endpoint: z
              .url()
              .optional()
              .describe('OTLP/HTTP base URL (e.g. http://127.0.0.1:4318); traces go to <endpoint>/v1/traces. Default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, then OTEL_EXPORTER_OTLP_ENDPOINT, then http://localhost:4318.'),
            service_name: z.string().min(1).optional().describe('service.name of the exported spans (default: OTEL_SERVICE_NAME, then switchyard).'),
          })
          .optional()
          .describe('Export OpenTelemetry traces (GenAI semantic conventions) over OTLP/HTTP; headers, timeout and compression follow the OTEL_EXPORTER_OTLP_* variables. Tracing is on when this section is present, off otherwise (and when OTEL_SDK_DISABLED=true).'),
      })
      .optional()
      .describe('OpenTelemetry (see docs/observability.md).'),
    providers: z.record(z.string().min(1), providerSchema).describe('Upstream providers by name.'),
    models: z.record(z.string().min(1), modelSchema).describe('Models clients can name, each with its deployments.'),
    routes: z.record(z.string().min(1), routeSchema).optional().describe('Named routes; `auto` is the default route.'),
    governance: z
      .strictObject({
        alerts: z
          .strictObject({
            webhook_url: z.url().optional().describe('Alerts are POSTed here as JSON (and always logged).'),
            error_rate: z
              .strictObject({
                threshold: z.number().min(0).max(1).describe('Share of 5xx answers that raises an alert (once per hour).'),
                window_ms: positiveMs.optional().describe('Sliding window (default 300000).'),
                min_requests: z.number().int().positive().optional().describe('Fewest requests in the window before it counts (default 20).'),
              })
              .optional(),
          })
          .optional(),
      })
      .optional()
      .describe('Cost governance: alerts. Keys, teams and budgets are managed through /admin/* or `switchyard keys` / `switchyard budgets`.'),
    resilience: z
      .strictObject({
        circuit_breaker: z
          .strictObject({
            enabled: z.boolean().optional().describe('Default true.'),
            failures: z.number().int().positive().optional().describe('Consecutive server errors, timeouts or connection failures that open a circuit (default 5).'),
            cooldown_ms: z.number().int().positive().optional().describe('How long an open circuit gets no traffic before one probe (default 30000).'),
          })
          .optional()
          .describe('Circuit breakers per deployment.'),
        stream_recovery: streamRecovery.optional().describe('Default for every model (default continue).'),
      })
      .optional(),
    eval: evalConfigSchema.optional(),
    guards: guardsSchema.optional(),
    batch: z
      .strictObject({
        enabled: z.boolean().optional().describe('Serve /v1/files and /v1/batches and work batches in this process (default true).'),
        dir: z.string().min(1).optional().describe('Where uploaded files, output files and batch state are kept (default: a batch folder beside the request log database).'),
        max_file_mb: z.number().positive().optional().describe('Largest file an upload may be (default 100).'),
        max_lines: z.number().int().positive().optional().describe('Most lines one batch may have (default 50000).'),
        concurrency: z.number().int().positive().max(256).optional().describe('Lines sent at once while no client request is in flight (default 4).'),
        busy_concurrency: z.number().int().positive().max(256).optional().describe('Lines sent at once while client requests are in flight, so interactive traffic comes first (default 1).'),
        line_retries: z.number().int().min(0).max(10).optional().describe("Further tries of a line that failed with a retryable error (429, 5xx, connection), after the gateway's own retries and fallbacks (default 2)."),
        lease_ms: positiveMs.optional().describe('How long a process may hold a batch without renewing; another process takes it over after that (default 30000).'),
        poll_ms: positiveMs.optional().describe('How often the runner looks for batches to work (default 1000; new batches start at once).'),
        native_poll_ms: positiveMs.optional().describe("How often a batch submitted to a provider's batch API (a model with batch: native) is polled (default 30000)."),
      })
      .optional()
      .describe("OpenAI's Files and Batches APIs and Anthropic's Message Batches API, run through the gateway (see docs/batch.md)."),
    cache: cacheSchema.optional(),
    state: z
      .strictObject({
        redis: z
          .strictObject({
            url: secretReference.describe('A secret reference (env:NAME) to the Redis URL, redis://[user:password@]host:port[/db] or rediss:// for TLS. Setting it shares budgets, rate limits, concurrency caps, circuit state, key changes and alert firing across every worker and replica.'),
            key_prefix: z
              .string()
              .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits and : _ . - only, at most 64')
              .optional()
              .describe('Prefix of every Redis key and channel, so gateways of several deployments can share one Redis (default switchyard:).'),
            lease_ms: z.number().int().min(1000).max(600_000).optional().describe('How long the reservations and concurrency slots of a replica that stopped answering are kept before they are freed (default 10000; renewed every third of it while the replica lives).'),
            command_timeout_ms: z.number().int().positive().max(60_000).optional().describe('Longest wait for one Redis answer before Redis counts as unavailable for that request (default 1000).'),
          })
          .optional()
          .describe('Shared state in Redis (see docs/scale-out.md). Without it, state is kept in the process, shared across --workers by the primary process.'),
        on_unavailable: z
          .enum(['fail_closed', 'local'])
          .optional()
          .describe('When Redis cannot be reached: fail_closed (default) answers requests under a hard budget or a rate limit with 503 shared_state_unavailable; local enforces them in this process alone until Redis is back (each replica then allows the whole limit). Requests with neither keep flowing either way.'),
      })
      .optional()
      .describe('State shared by workers and replicas: budgets, rate limits, concurrency, circuits, key changes, alerts (see docs/scale-out.md).'),
  })
  .describe('Switchyard gateway configuration (switchyard.yaml).');

export type RawConfig = z.infer<typeof configSchema>;
export type { RawProvider } from './provider-schema.js';
export type RawModel = z.infer<typeof modelSchema>;
export type RawTimeouts = z.infer<typeof timeoutsSchema>;
export type RawGuardPolicy = z.infer<typeof guardPolicySchema>;
export type RawDenyRule = NonNullable<NonNullable<RawGuardPolicy['request']>['deny']>[number];
