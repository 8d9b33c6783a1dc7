/** Types of scripts/onnx-test-model.mjs (for the tests that import it). */
export interface TestModelOptions {
  task?: 'sequence' | 'token' | 'embedding';
  labels?: string[];
  hidden?: number;
  layers?: number;
  seed?: number;
}
export function buildTestModel(options: TestModelOptions & { vocabulary: number }): Buffer;
export function writeTestModel(directory: string, options: TestModelOptions & { tokenizer: string }): string;
