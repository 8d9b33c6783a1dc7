/**
 * Learned strong/weak routing (as in RouteLLM, trained on our own outcome data): a pre-call
 * router that scores the prompt, a cascade verifier that scores the weak model's answer,
 * RouteLLM's metrics, and the data, fold and calibration helpers the CLI and bench use.
 */
export { CascadeVerifier, type EscalationDecision } from './cascade-verifier.js';
export { LearnedRouter } from './learned-router.js';
export { readRoutingData, parseRoutingData, RoutingDataError, type RoutingExample } from './dataset.js';
export { readRouterFile, RouterFileError, type RouterFile, type RouterMode } from './model-file.js';
export { evaluateRouting, routingCurve, cascadeCost, preCallCost, type RoutingMetrics } from './metrics.js';
export { thresholdForQuality, thresholdForStrongFraction, operatingPoint } from './calibration.js';
export { TARGETS, type Target } from './outcome-model.js';
export type { RouterTrainingOptions } from './training.js';
