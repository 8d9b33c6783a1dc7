// The category modules, in the order of TASK_CATEGORIES (src/core/categories.ts).
import * as code from './code.mjs';
import * as creative from './creative.mjs';
import * as extraction from './extraction.mjs';
import * as longContext from './long-context.mjs';
import * as math from './math.mjs';
import * as qa from './qa.mjs';
import * as summarization from './summarization.mjs';
import * as toolUse from './tool-use.mjs';
import * as translation from './translation.mjs';
import * as vision from './vision.mjs';

export const CATEGORY_MODULES = {
  code,
  math,
  summarization,
  extraction,
  translation,
  creative,
  qa,
  tool_use: toolUse,
  long_context: longContext,
  vision,
};
