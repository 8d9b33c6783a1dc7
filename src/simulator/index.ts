/**
 * The built-in provider simulator: a real HTTP server on loopback that stands in for
 * model providers in tests, demos and benchmarks.
 */
export type { RunningSimulator, SimBehaviour, SimulatedModel, SimulatorOptions } from './types.js';
export { DEFAULT_BEHAVIOUR, SIM_HEADER, parseSimHeader } from './behaviour.js';
export { SIMULATED_CATALOG, SIMULATED_PRICES_AS_OF, findCatalogModel } from './catalog.js';
export { startSimulator } from './server.js';
export type { SimCredentials } from './auth.js';
