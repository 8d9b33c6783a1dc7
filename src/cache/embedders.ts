/**
 * The embedders besides the built-in one: an embedding model of the config, called through
 * our own adapters (its calls are attempts of the request that needed them, with their cost),
 * and an ONNX sentence-embedding model from a folder (mean-pooled, run in a worker thread,
 * loaded on first use: onnxruntime-node and @huggingface/tokenizers are imported only then).
 */
import type { ModelConfig } from '../config/load.js';
import type { ExecutionContext, Executor } from '../router/executor.js';
import type { CircuitBreakers } from '../resilience/circuit-breaker.js';
import { withFailover } from '../resilience/failover.js';
import { loadOnnxFolder, meanPool, parseOnnxSource, type OnnxFolder } from '../onnx/model-folder.js';
import type { AttemptRecord } from '../store/types.js';
import { LocalEmbedder } from './local-embedder.js';
import type { EmbedContext, Embedder } from './types.js';
import { normalise } from './vector-index.js';

/** Sentence-embedding models put paraphrases well above 0.85 and different questions below it. */
const DENSE_THRESHOLD = 0.9;

export class ModelEmbedder implements Embedder {
  readonly defaultThreshold = DENSE_THRESHOLD;
  readonly name: string;

  constructor(
    private readonly model: ModelConfig,
    private readonly executor: Executor,
    private readonly breakers: CircuitBreakers | undefined,
  ) {
    this.name = model.name;
  }

  async embed(texts: readonly string[], context?: EmbedContext): Promise<Float32Array[]> {
    const attempts: AttemptRecord[] = context?.attempts ?? [];
    const execution: ExecutionContext = { requestId: context?.requestId ?? 'cache' };
    const served = await withFailover(this.model, (model, deployment, control) => this.executor.embed({ model: model.name, input: [...texts], encodingFormat: 'float' }, model, deployment, execution, control, attempts), {
      signal: context?.signal ?? new AbortController().signal,
      load: this.executor.load,
      ...(this.breakers ? { breakers: this.breakers } : {}),
    });
    return served.value.vectors.map((vector) => normalise(Float32Array.from(vector)));
  }
}

export class OnnxEmbedder implements Embedder {
  readonly defaultThreshold = DENSE_THRESHOLD;
  readonly name: string;
  private folder: Promise<OnnxFolder> | undefined;

  constructor(private readonly source: string) {
    this.name = source;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.folder ??= loadOnnxFolder(parseOnnxSource(this.source));
    const folder = await this.folder;
    const batch = folder.encode(texts);
    const outputs = await folder.run(batch);
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings ?? Object.values(outputs).find((output) => output.dims.length === 3);
    if (!hidden) throw new Error(`${this.source}: the model has no [batch, sequence, hidden] output to pool (outputs: ${Object.keys(outputs).join(', ')})`);
    return meanPool(hidden, batch).map(normalise);
  }

  async close(): Promise<void> {
    if (this.folder) await (await this.folder).close();
  }
}

/** The embedder a `cache.embedder` value names (checked by the config loader). */
export function createEmbedder(name: string, dependencies: { models: Map<string, ModelConfig>; executor: Executor; breakers: CircuitBreakers | undefined }): Embedder {
  if (name === 'local') return new LocalEmbedder();
  if (name.startsWith('onnx:')) return new OnnxEmbedder(name);
  const model = dependencies.models.get(name);
  if (!model) throw new Error(`cache.embedder: unknown embedding model "${name}"`);
  return new ModelEmbedder(model, dependencies.executor, dependencies.breakers);
}
