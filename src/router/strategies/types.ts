/** The one interface every routing strategy implements: choose one model among the filtered candidates. */
import type { ModelConfig } from '../../config/load.js';
import type { RouteConfig } from '../../config/routes.js';
import type { TaskCategory } from '../../core/categories.js';
import type { ChatRequest } from '../../core/types.js';
import type { CascadePlan } from '../cascade.js';
import type { DifficultyEstimate } from '../difficulty.js';
import type { RoutingSignals } from '../signals.js';

export interface ModelFigures {
  /** Share of correct answers for the category, or undefined when nobody measured it. */
  quality: number | undefined;
  /** The quality figure is a measurement (graded answers behind it, `quality_trials`), not an estimate. */
  measured: boolean;
  /** Expected USD for this request (prompt + expected output), or undefined without a price. */
  costUsd: number | undefined;
  /** p95 time to first token in ms, observed or configured. */
  latencyP95Ms: number | undefined;
  safety: number;
}

export interface StrategyInput {
  route: RouteConfig;
  request: ChatRequest;
  signals: RoutingSignals;
  /** Filtered candidates, in the route's order (never empty). */
  candidates: readonly ModelConfig[];
  category: TaskCategory;
  difficulty: DifficultyEstimate | undefined;
  figures: (model: ModelConfig) => ModelFigures;
}

export interface ScoredCandidate {
  model: string;
  score?: number;
  quality?: number;
  costUsd?: number;
  costPerCorrectUsd?: number;
  latencyP95Ms?: number;
  note?: string;
}

export interface StrategyChoice {
  model: ModelConfig;
  /** The short part of x-switchyard-reason after the category, e.g. `table->claude-opus-4.6`. */
  reason: string;
  scores?: ScoredCandidate[];
  /** Fallbacks of this choice (a table entry's), tried before the route's. */
  fallbacks?: readonly ModelConfig[];
  /** cascade: `model` is the weak model answering first; the chat pipeline verifies its answer and may escalate. */
  cascade?: CascadePlan;
}

export interface RoutingStrategy {
  readonly name: string;
  /** Whether the strategy uses the task category (else the classifier is not run). */
  readonly needsCategory: boolean;
  choose(input: StrategyInput): StrategyChoice;
}
