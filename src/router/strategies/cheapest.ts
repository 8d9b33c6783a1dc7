/**
 * cheapest: among candidates whose quality for the category clears the floor, the one
 * with the lowest expected cost per correct answer (expected cost of this request divided
 * by the quality), so a cheap model that is often wrong does not win on price per token.
 * With no model over the floor, the best-quality one serves and the decision says so.
 *
 * A measured figure (`quality_trials`, written by `eval tune`) beats an estimate: when a
 * measured candidate clears the floor, candidates whose figure is only an estimate (the
 * built-in catalog's, or a hand-written guess) are not chosen, however cheap, so a guess
 * never takes traffic from a model the team has measured.
 */
import type { ModelConfig } from '../../config/load.js';
import type { RoutingStrategy, ScoredCandidate, StrategyInput, StrategyChoice } from './types.js';

export function costPerCorrect(costUsd: number | undefined, quality: number | undefined): number | undefined {
  if (costUsd === undefined || quality === undefined || quality <= 0) return undefined;
  return costUsd / quality;
}

export function chooseCheapest(input: StrategyInput, floor: number, label = 'cheapest'): StrategyChoice {
  const scores: ScoredCandidate[] = [];
  let best: { model: ModelConfig; perCorrect: number } | undefined;
  let bestQuality: { model: ModelConfig; quality: number } | undefined;
  const all = input.candidates.map((model) => ({ model, figures: input.figures(model) }));
  const measuredClears = all.some(({ figures }) => figures.measured && figures.quality !== undefined && figures.quality >= floor);
  for (const { model, figures } of all) {
    const perCorrect = costPerCorrect(figures.costUsd, figures.quality);
    const clears = figures.quality !== undefined && figures.quality >= floor;
    const passes = clears && (figures.measured || !measuredClears);
    scores.push({
      model: model.name,
      ...(figures.quality !== undefined ? { quality: figures.quality } : {}),
      ...(figures.costUsd !== undefined ? { costUsd: figures.costUsd } : {}),
      ...(perCorrect !== undefined ? { costPerCorrectUsd: perCorrect } : {}),
      note:
        figures.quality === undefined
          ? 'no quality figure for this category'
          : passes
            ? `clears the floor${figures.measured ? ' (measured)' : ''}`
            : clears
              ? 'an estimate; a measured model clears the floor'
              : `below the floor ${floor}`,
    });
    if (figures.quality !== undefined && (!bestQuality || figures.quality > bestQuality.quality)) bestQuality = { model, quality: figures.quality };
    if (!passes) continue;
    // A model without a price counts as free only if nothing priced clears the floor.
    const rank = perCorrect ?? Number.POSITIVE_INFINITY;
    if (!best || rank < best.perCorrect) best = { model, perCorrect: rank };
  }
  if (best) return { model: best.model, reason: `${label}>=${floor}->${best.model.name}`, scores };
  const fallback = bestQuality?.model ?? (input.candidates[0] as ModelConfig);
  return { model: fallback, reason: `${label}: none>=${floor}, best->${fallback.name}`, scores };
}

export const cheapestStrategy: RoutingStrategy = {
  name: 'cheapest',
  needsCategory: true,
  choose: (input) => chooseCheapest(input, input.signals.qualityFloor ?? input.route.qualityFloor),
};
