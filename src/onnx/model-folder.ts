/**
 * One loader for ONNX model folders, shared by every feature that runs a transformer locally
 * (the guards' model stage; the semantic cache's ONNX embedder). A folder holds:
 *   model.onnx      the exported graph: inputs input_ids and attention_mask (token_type_ids
 *                   too when the export has it), int64 [batch, sequence];
 *   tokenizer.json  the Hugging Face tokenizer of that model (WordPiece, BPE or Unigram);
 *   config.json     optional: id2label (the names of the output classes) and
 *                   max_position_embeddings (the longest input the model takes).
 * onnxruntime-node and @huggingface/tokenizers are optional dependencies, imported only when a
 * folder is loaded: a gateway configured without ONNX models never loads either.
 *
 * The session runs in a worker thread of its own: onnxruntime-node's `run` is a synchronous
 * native call, which on the main thread would stop every request for as long as the model
 * takes, and no timeout could cut it short. Tokenising stays on the main thread (it is fast
 * JavaScript); the batch goes to the worker, the outputs come back as transferred buffers.
 *
 * API (all a new ONNX feature needs is a folder, `encode` and `run`):
 *   checkOnnxFolder(dir)            synchronous: a clear error if the folder or its files are missing
 *   parseOnnxSource("onnx:<dir>")   the folder of an `onnx:<dir>` config value
 *   await loadOnnxFolder(dir)       a session and a tokenizer, ready to run
 *   folder.encode(texts)            padded int64 batch + attention mask (+ token type ids), with
 *                                   each text's tokens (for aligning outputs with the text)
 *   await folder.run(batch)         the model's outputs by name, as Float32Array + dims
 *   meanPool(output, batch)         one vector per text: the mean over the tokens the mask keeps
 *                                   (sentence embedders); softmax(logits) for classifiers
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A folder that cannot be used: missing, incomplete, unreadable, or its optional packages are not installed. */
export class OnnxModelError extends Error {}

export const ONNX_PREFIX = 'onnx:';

/** The folder of an `onnx:<dir>` value (relative paths are taken from the working directory). */
export function parseOnnxSource(value: string): string {
  if (!value.startsWith(ONNX_PREFIX) || value.length === ONNX_PREFIX.length) throw new OnnxModelError(`expected "onnx:<folder>", got "${value}"`);
  return resolve(value.slice(ONNX_PREFIX.length));
}

/** Throws an OnnxModelError naming what is missing: the folder, model.onnx or tokenizer.json. */
export function checkOnnxFolder(dir: string): void {
  if (!existsSync(dir)) throw new OnnxModelError(`ONNX model folder not found: ${dir}`);
  if (!statSync(dir).isDirectory()) throw new OnnxModelError(`not a folder: ${dir} (an ONNX model folder holds model.onnx and tokenizer.json)`);
  for (const file of ['model.onnx', 'tokenizer.json']) {
    if (!existsSync(join(dir, file))) throw new OnnxModelError(`the ONNX model folder ${dir} has no ${file}`);
  }
}

/** A batch of encoded texts, padded to the longest. */
export interface EncodedBatch {
  size: number;
  length: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Each text's tokens as the tokenizer wrote them (special tokens included, padding not). */
  tokens: string[][];
}

export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface OnnxFolder {
  readonly dir: string;
  /** The output classes from config.json's id2label, in index order; empty when it has none. */
  readonly labels: readonly string[];
  /** The longest input in tokens (config.json's max_position_embeddings, at most 512). */
  readonly maxLength: number;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  encode(texts: readonly string[], maxLength?: number): EncodedBatch;
  run(batch: EncodedBatch): Promise<Record<string, OutputTensor>>;
  close(): Promise<void>;
}

/**
 * The worker: loads the session, then answers {id, dims, inputs} with {id, outputs} or {id, error}.
 * CommonJS source run with `eval`, so it works the same from the TypeScript sources and the build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.runtime);
let session;
ort.InferenceSession.create(workerData.model, { intraOpNumThreads: workerData.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' }).then(
  (created) => {
    session = created;
    parentPort.postMessage({ ready: true, inputNames: session.inputNames, outputNames: session.outputNames });
  },
  (error) => parentPort.postMessage({ ready: false, error: String(error && error.message || error) }),
);
parentPort.on('message', async ({ id, dims, inputs }) => {
  try {
    const feeds = {};
    for (const [name, data] of Object.entries(inputs)) feeds[name] = new ort.Tensor('int64', data, dims);
    const results = await session.run(feeds);
    const outputs = {};
    const transfer = [];
    for (const [name, tensor] of Object.entries(results)) {
      if (!(tensor.data instanceof Float32Array)) continue;
      const data = tensor.data.slice();
      outputs[name] = { data, dims: tensor.dims };
      transfer.push(data.buffer);
    }
    parentPort.postMessage({ id, outputs }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface WorkerReply {
  id?: number;
  ready?: boolean;
  error?: string;
  inputNames?: string[];
  outputNames?: string[];
  outputs?: Record<string, OutputTensor>;
}

/** A session in its own worker thread; resolves once the model is loaded. */
function startSession(model: string, threads: number): Promise<{ worker: Worker; inputNames: readonly string[]; outputNames: readonly string[] }> {
  let runtime: string;
  try {
    runtime = createRequire(import.meta.url).resolve('onnxruntime-node');
  } catch (error) {
    return Promise.reject(new OnnxModelError(`ONNX models need the optional package onnxruntime-node, which is not installed (npm install onnxruntime-node @huggingface/tokenizers): ${(error as Error).message}`));
  }
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { runtime, model, threads } });
  // The worker never keeps the process alive on its own.
  worker.unref();
  return new Promise((resolveStart, rejectStart) => {
    const fail = (message: string): void => {
      void worker.terminate();
      rejectStart(new OnnxModelError(`${model}: onnxruntime cannot load it (${message})`));
    };
    worker.once('error', (error) => fail(error.message));
    worker.once('message', (reply: WorkerReply) => {
      if (!reply.ready) return fail(reply.error ?? 'unknown error');
      resolveStart({ worker, inputNames: reply.inputNames ?? [], outputNames: reply.outputNames ?? [] });
    });
  });
}

/** The parts of @huggingface/tokenizers this module uses. */
interface TokenizerModule {
  Tokenizer: new (json: object, config: object) => { encode(text: string): { ids: number[]; tokens: string[] } };
}

async function importOptional<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new OnnxModelError(`ONNX models need the optional package ${name}, which is not installed (npm install onnxruntime-node @huggingface/tokenizers): ${(error as Error).message}`);
  }
}

function readConfig(dir: string): { labels: string[]; maxLength: number } {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return { labels: [], maxLength: 512 };
  let config: { id2label?: Record<string, string>; max_position_embeddings?: number };
  try {
    config = JSON.parse(readFileSync(path, 'utf8')) as typeof config;
  } catch (error) {
    throw new OnnxModelError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const labels = Object.entries(config.id2label ?? {})
    .sort((left, right) => Number(left[0]) - Number(right[0]))
    .map(([, label]) => label);
  const maxLength = Math.min(512, typeof config.max_position_embeddings === 'number' && config.max_position_embeddings > 2 ? config.max_position_embeddings : 512);
  return { labels, maxLength };
}

/** Loads a folder (checked first); the session uses `threads` intra-op threads (default 1: the gateway shares its cores). */
export async function loadOnnxFolder(dir: string, options: { threads?: number } = {}): Promise<OnnxFolder> {
  checkOnnxFolder(dir);
  const tokenizers = await importOptional<TokenizerModule>('@huggingface/tokenizers');
  const { labels, maxLength } = readConfig(dir);
  let tokenizer: InstanceType<TokenizerModule['Tokenizer']>;
  try {
    tokenizer = new tokenizers.Tokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as object, {});
  } catch (error) {
    throw new OnnxModelError(`${join(dir, 'tokenizer.json')}: not a tokenizer this build can read (${(error as Error).message})`);
  }
  const session = await startSession(join(dir, 'model.onnx'), options.threads ?? 1);
  for (const name of ['input_ids', 'attention_mask']) {
    if (!session.inputNames.includes(name)) {
      void session.worker.terminate();
      throw new OnnxModelError(`${join(dir, 'model.onnx')}: expected an input named ${name} (inputs: ${session.inputNames.join(', ')})`);
    }
  }
  // Replies by request id; a worker that dies fails every run still waiting.
  const waiting = new Map<number, { resolve: (outputs: Record<string, OutputTensor>) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  session.worker.on('message', (reply: WorkerReply) => {
    const entry = reply.id === undefined ? undefined : waiting.get(reply.id);
    if (!entry) return;
    waiting.delete(reply.id as number);
    if (reply.error !== undefined) entry.reject(new OnnxModelError(`${join(dir, 'model.onnx')}: ${reply.error}`));
    else entry.resolve(reply.outputs ?? {});
  });
  session.worker.on('error', (error) => {
    for (const entry of waiting.values()) entry.reject(new OnnxModelError(`${join(dir, 'model.onnx')}: the inference worker failed (${error.message})`));
    waiting.clear();
  });
  const wantsTypes = session.inputNames.includes('token_type_ids');

  return {
    dir,
    labels,
    maxLength,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    encode(texts, limit = maxLength) {
      const encoded = texts.map((text) => {
        const { ids, tokens } = tokenizer.encode(text);
        // Too long: keep the head and the closing special token the tokenizer added.
        if (ids.length <= limit) return { ids, tokens };
        return { ids: [...ids.slice(0, limit - 1), ids[ids.length - 1] as number], tokens: [...tokens.slice(0, limit - 1), tokens[tokens.length - 1] as string] };
      });
      const length = Math.max(1, ...encoded.map((entry) => entry.ids.length));
      const size = texts.length;
      const inputIds = new BigInt64Array(size * length);
      const attentionMask = new BigInt64Array(size * length);
      encoded.forEach((entry, row) => {
        entry.ids.forEach((id, column) => {
          inputIds[row * length + column] = BigInt(id);
          attentionMask[row * length + column] = 1n;
        });
      });
      return { size, length, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(size * length), tokens: encoded.map((entry) => entry.tokens) };
    },
    run(batch) {
      const inputs: Record<string, BigInt64Array> = { input_ids: batch.inputIds, attention_mask: batch.attentionMask, ...(wantsTypes ? { token_type_ids: batch.tokenTypeIds } : {}) };
      const id = nextId++;
      return new Promise((resolveRun, rejectRun) => {
        waiting.set(id, { resolve: resolveRun, reject: rejectRun });
        session.worker.postMessage({ id, dims: [batch.size, batch.length], inputs });
      });
    },
    close: async () => {
      await session.worker.terminate();
    },
  };
}

/** Softmax of one row of logits. */
export function softmax(logits: ArrayLike<number>, from = 0, count = logits.length - from): Float64Array {
  const out = new Float64Array(count);
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < count; index++) max = Math.max(max, logits[from + index] as number);
  let sum = 0;
  for (let index = 0; index < count; index++) {
    out[index] = Math.exp((logits[from + index] as number) - max);
    sum += out[index] as number;
  }
  for (let index = 0; index < count; index++) out[index] = (out[index] as number) / sum;
  return out;
}

/** Mean of a [batch, sequence, hidden] output over the tokens each text's attention mask keeps: one vector per text. */
export function meanPool(output: OutputTensor, batch: EncodedBatch): Float32Array[] {
  const [size, length, hidden] = output.dims as [number, number, number];
  if (output.dims.length !== 3 || size !== batch.size || length !== batch.length) throw new OnnxModelError(`expected a [batch, sequence, hidden] output for ${batch.size} × ${batch.length} tokens, got [${output.dims.join(', ')}]`);
  const vectors: Float32Array[] = [];
  for (let row = 0; row < size; row++) {
    const vector = new Float32Array(hidden);
    let kept = 0;
    for (let token = 0; token < length; token++) {
      if (batch.attentionMask[row * length + token] === 0n) continue;
      kept++;
      const base = (row * length + token) * hidden;
      for (let unit = 0; unit < hidden; unit++) vector[unit] = (vector[unit] as number) + (output.data[base + unit] as number);
    }
    if (kept > 0) for (let unit = 0; unit < hidden; unit++) vector[unit] = (vector[unit] as number) / kept;
    vectors.push(vector);
  }
  return vectors;
}
