/**
 * learned: a trained strong/weak router (`switchyard router train`) scores the last user
 * message before any call; the strong model serves when score ≥ threshold, else the weak.
 * cascade: the weak model is chosen to answer first, with a plan for the chat pipeline to
 * verify its answer and escalate to the strong model (router/cascade.ts). Either way, when
 * the filters removed the model the score picked, the other one serves (said in the reason).
 */
import type { ModelConfig } from '../../config/load.js';
import type { LearnedPolicy } from '../learned/route-policy.js';
import type { RoutingStrategy, StrategyInput } from './types.js';

function policyOf(input: StrategyInput): LearnedPolicy {
  const policy = input.route.learned;
  if (!policy) throw new Error(`route ${input.route.name} has no learned router (config validation should have refused it)`);
  return policy;
}

/** The wanted model if the filters kept it, else the other one (the candidates are never empty). */
function available(input: StrategyInput, wanted: ModelConfig, other: ModelConfig): { model: ModelConfig; note: string } {
  if (input.candidates.includes(wanted)) return { model: wanted, note: '' };
  const model = input.candidates.includes(other) ? other : (input.candidates[0] as ModelConfig);
  return { model, note: ` (${wanted.name} filtered out)` };
}

export const learnedStrategy: RoutingStrategy = {
  name: 'learned',
  needsCategory: false,
  choose(input) {
    const policy = policyOf(input);
    if (policy.mode !== 'pre-call') throw new Error(`route ${input.route.name}: strategy learned needs a pre-call router`);
    const score = policy.router.scorePrompt(input.signals.lastUserText);
    const strong = score >= policy.threshold;
    const wanted = strong ? policy.strong : policy.weak;
    const { model, note } = available(input, wanted, strong ? policy.weak : policy.strong);
    return {
      model,
      reason: `learned(${score.toFixed(2)}${strong ? '>=' : '<'}${policy.threshold.toFixed(2)})->${model.name}${note}`,
      scores: [
        { model: policy.strong.name, score, note: `strong when score >= ${policy.threshold.toFixed(4)} (threshold from the ${policy.thresholdSource}, ${policy.file})` },
        { model: policy.weak.name, note: 'weak' },
      ],
    };
  },
};

export const cascadeStrategy: RoutingStrategy = {
  name: 'cascade',
  needsCategory: false,
  choose(input) {
    const policy = policyOf(input);
    if (policy.mode !== 'cascade') throw new Error(`route ${input.route.name}: strategy cascade needs a cascade router`);
    const weakKept = input.candidates.includes(policy.weak);
    const strongKept = input.candidates.includes(policy.strong);
    const scores = [
      { model: policy.weak.name, note: `answers first; its answer is kept when the verifier scores it < ${policy.threshold.toFixed(4)} (threshold from the ${policy.thresholdSource}, ${policy.file})` },
      { model: policy.strong.name, note: 'serves when the weak answer is escalated' },
    ];
    if (weakKept && strongKept) {
      return {
        model: policy.weak,
        reason: `cascade(${policy.weak.name} first, escalate to ${policy.strong.name} at score>=${policy.threshold.toFixed(2)})->${policy.weak.name}`,
        scores,
        cascade: { weak: policy.weak, strong: policy.strong, verifier: policy.verifier, threshold: policy.threshold, prompt: input.signals.lastUserText },
      };
    }
    // One of the two was filtered out: no cascade, the other serves directly.
    const model = weakKept ? policy.weak : strongKept ? policy.strong : (input.candidates[0] as ModelConfig);
    return { model, reason: `cascade(off: ${weakKept ? policy.strong.name : policy.weak.name} filtered out)->${model.name}`, scores };
  },
};
