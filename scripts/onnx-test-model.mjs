// Writes small ONNX model folders with random weights, in the shapes real transformer exports
// have, for testing the ONNX loader and the guards' model stage without downloading any model:
//   - sequence classification: inputs input_ids, attention_mask (and token_type_ids, as BERT
//     exports have) [batch, sequence] int64 → logits [batch, labels];
//   - token classification: the same inputs → logits [batch, sequence, labels];
//   - embedding: the same inputs → last_hidden_state [batch, sequence, hidden].
// The graph is an embedding lookup (Gather), `layers` square MatMul + Tanh blocks (to make a
// model slow on purpose), masked mean pooling for sequence classification, and a linear head.
// The ONNX protobuf is encoded by hand (opset 13, IR version 7); each folder also gets
// config.json with id2label, as Hugging Face exports have, and a copy of the tokenizer.json given.
//   node scripts/onnx-test-model.mjs --out=DIR --tokenizer=tokenizer.json [--task=sequence|token|embedding]
//     [--labels=SAFE,INJECTION] [--hidden=8] [--layers=0] [--seed=1]
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- protobuf encoding

function varint(value) {
  const bytes = [];
  let rest = BigInt(value);
  if (rest < 0n) rest += 1n << 64n;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0n);
  return Buffer.from(bytes);
}

const key = (field, wire) => varint((field << 3) | wire);
const int = (field, value) => Buffer.concat([key(field, 0), varint(value)]);
const bytes = (field, buffer) => Buffer.concat([key(field, 2), varint(buffer.length), buffer]);
const string = (field, text) => bytes(field, Buffer.from(text, 'utf8'));
const message = (field, parts) => bytes(field, Buffer.concat(parts));

const FLOAT = 1;
const INT64 = 7;

function tensor(name, dims, type, data) {
  return [...dims.map((dim) => int(1, dim)), int(2, type), string(8, name), bytes(9, data)];
}

function floatTensor(name, dims, values) {
  const data = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => data.writeFloatLE(value, index * 4));
  return tensor(name, dims, FLOAT, data);
}

function int64Tensor(name, values) {
  const data = Buffer.alloc(values.length * 8);
  values.forEach((value, index) => data.writeBigInt64LE(BigInt(value), index * 8));
  return tensor(name, [values.length], INT64, data);
}

function node(op, inputs, outputs, attributes = []) {
  return [...inputs.map((input) => string(1, input)), ...outputs.map((output) => string(2, output)), string(3, `${op}_${outputs[0]}`), string(4, op), ...attributes];
}

/** An INT attribute (type 2). */
const intAttribute = (name, value) => message(5, [string(1, name), int(3, value), int(20, 2)]);

function valueInfo(name, type, dims) {
  const shape = dims.map((dim) => message(1, [typeof dim === 'number' ? int(1, dim) : string(2, dim)]));
  return [string(1, name), message(2, [message(1, [int(1, type), message(2, shape)])])];
}

// ---------------------------------------------------------------- the model

function randomSource(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
}

export function buildTestModel({ task = 'sequence', vocabulary, labels = ['LABEL_0', 'LABEL_1'], hidden = 8, layers = 0, seed = 1 }) {
  const random = randomSource(seed);
  const weights = (count, scale) => Array.from({ length: count }, () => random() * scale);
  const nodes = [];
  const initializers = [];
  initializers.push(floatTensor('embeddings', [vocabulary, hidden], weights(vocabulary * hidden, 1)));
  nodes.push(node('Gather', ['embeddings', 'input_ids'], ['hidden_0'], [intAttribute('axis', 0)]));
  let current = 'hidden_0';
  for (let layer = 1; layer <= layers; layer++) {
    initializers.push(floatTensor(`layer_${layer}`, [hidden, hidden], weights(hidden * hidden, 2 / Math.sqrt(hidden))));
    nodes.push(node('MatMul', [current, `layer_${layer}`], [`linear_${layer}`]));
    nodes.push(node('Tanh', [`linear_${layer}`], [`hidden_${layer}`]));
    current = `hidden_${layer}`;
  }
  // token_type_ids is read (times zero) so the input is part of the graph, as in BERT exports.
  nodes.push(node('Cast', ['token_type_ids'], ['type_float'], [intAttribute('to', FLOAT)]));
  initializers.push(floatTensor('zero', [], [0]));
  nodes.push(node('Mul', ['type_float', 'zero'], ['type_zero']));
  initializers.push(int64Tensor('axis_2', [2]));
  nodes.push(node('Unsqueeze', ['type_zero', 'axis_2'], ['type_zero_3d']));
  nodes.push(node('Add', [current, 'type_zero_3d'], ['states']));
  const outputs = [];
  if (task === 'embedding') {
    nodes.push(node('Identity', ['states'], ['last_hidden_state']));
    outputs.push(valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', hidden]));
  } else {
    initializers.push(floatTensor('head', [hidden, labels.length], weights(hidden * labels.length, 2)));
    initializers.push(floatTensor('head_bias', [labels.length], weights(labels.length, 0.2)));
    if (task === 'token') {
      nodes.push(node('MatMul', ['states', 'head'], ['token_scores']));
      nodes.push(node('Add', ['token_scores', 'head_bias'], ['logits']));
      outputs.push(valueInfo('logits', FLOAT, ['batch', 'sequence', labels.length]));
    } else {
      // Mean over the tokens the attention mask keeps.
      nodes.push(node('Cast', ['attention_mask'], ['mask_float'], [intAttribute('to', FLOAT)]));
      nodes.push(node('Unsqueeze', ['mask_float', 'axis_2'], ['mask_3d']));
      nodes.push(node('Mul', ['states', 'mask_3d'], ['masked']));
      initializers.push(int64Tensor('axis_1', [1]));
      nodes.push(node('ReduceSum', ['masked', 'axis_1'], ['summed'], [intAttribute('keepdims', 0)]));
      nodes.push(node('ReduceSum', ['mask_float', 'axis_1'], ['count'], [intAttribute('keepdims', 1)]));
      initializers.push(floatTensor('one', [], [1]));
      nodes.push(node('Max', ['count', 'one'], ['count_safe']));
      nodes.push(node('Div', ['summed', 'count_safe'], ['pooled']));
      nodes.push(node('MatMul', ['pooled', 'head'], ['scores']));
      nodes.push(node('Add', ['scores', 'head_bias'], ['logits']));
      outputs.push(valueInfo('logits', FLOAT, ['batch', labels.length]));
    }
  }
  const graph = [
    ...nodes.map((parts) => message(1, parts)),
    string(2, `switchyard-test-${task}`),
    ...initializers.map((parts) => message(5, parts)),
    ...['input_ids', 'attention_mask', 'token_type_ids'].map((name) => message(11, valueInfo(name, INT64, ['batch', 'sequence']))),
    ...outputs.map((parts) => message(12, parts)),
  ];
  return Buffer.concat([int(1, 7), string(2, 'switchyard-test'), message(7, graph), message(8, [string(1, ''), int(2, 13)])]);
}

/** Writes DIR/model.onnx, DIR/config.json and DIR/tokenizer.json (a copy of `tokenizer`). */
export function writeTestModel(directory, options) {
  const tokenizer = JSON.parse(readFileSync(options.tokenizer, 'utf8'));
  const vocabulary = Object.keys(tokenizer.model.vocab).length + (tokenizer.added_tokens?.length ?? 0);
  const labels = options.labels ?? ['LABEL_0', 'LABEL_1'];
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'model.onnx'), buildTestModel({ ...options, vocabulary, labels }));
  writeFileSync(join(directory, 'config.json'), `${JSON.stringify({ id2label: Object.fromEntries(labels.map((label, index) => [String(index), label])), max_position_embeddings: 512 }, null, 2)}\n`);
  copyFileSync(options.tokenizer, join(directory, 'tokenizer.json'));
  return directory;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
  if (!args.out || !args.tokenizer) {
    console.error('usage: node scripts/onnx-test-model.mjs --out=DIR --tokenizer=tokenizer.json [--task=sequence|token|embedding] [--labels=A,B] [--hidden=8] [--layers=0] [--seed=1]');
    process.exit(2);
  }
  writeTestModel(args.out, { tokenizer: args.tokenizer, task: args.task, labels: args.labels?.split(','), hidden: Number(args.hidden ?? 8), layers: Number(args.layers ?? 0), seed: Number(args.seed ?? 1) });
  console.log(`wrote ${args.out}/model.onnx, config.json, tokenizer.json`);
}
