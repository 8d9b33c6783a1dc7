/** Strategies by name. */
import type { RoutingStrategy as StrategyName } from '../../config/routes.js';
import { cheapestStrategy } from './cheapest.js';
import { fixedStrategy } from './fixed.js';
import { cascadeStrategy, learnedStrategy } from './learned.js';
import { tableStrategy } from './table.js';
import { tieredStrategy } from './tiered.js';
import type { RoutingStrategy } from './types.js';
import { weightedStrategy } from './weighted.js';

export const STRATEGIES: Record<Exclude<StrategyName, 'experiment'>, RoutingStrategy> = {
  fixed: fixedStrategy,
  table: tableStrategy,
  tiered: tieredStrategy,
  cheapest: cheapestStrategy,
  weighted: weightedStrategy,
  learned: learnedStrategy,
  cascade: cascadeStrategy,
};

export type { RoutingStrategy, StrategyChoice, StrategyInput, ModelFigures, ScoredCandidate } from './types.js';
