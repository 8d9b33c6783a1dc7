/**
 * The folders that hold money, data and safety, each with the tests that are written for it.
 * Narrow on purpose: Stryker runs a folder's covering tests once per mutant, so the gateway's
 * slow end-to-end matrices stay out (they run in `npm test`).
 */
export const MUTATION_FOLDERS = {
  governance: {
    mutate: ['src/governance/**/*.ts'],
    // Unit tests only: the end-to-end governance tests start a gateway per run, about 20 s a mutant on a loaded machine.
    tests: [
      'test/governance/rate-limits.test.ts',
      'test/governance/budget-ledger.test.ts',
      'test/governance/pricing.test.ts',
      'test/governance/alerts.test.ts',
      'test/governance/token-classes.test.ts',
      'test/governance/keys.test.ts',
      'test/governance/spend-reports.test.ts',
      'test/governance/savings-baseline.test.ts',
      'test/governance/governance-admission.test.ts',
    ],
  },
  resilience: {
    mutate: ['src/resilience/**/*.ts'],
    // Unit tests only: failover chains, deadlines, breakers, hedge races, load balancing and the
    // stream-recovery plan on a moved clock. The end-to-end files (a gateway per run) stay out.
    tests: ['test/resilience/failover-unit.test.ts', 'test/resilience/balancing-and-breakers-unit.test.ts'],
  },
  guards: {
    mutate: ['src/guards/**/*.ts', '!src/guards/injection-training.ts', '!src/guards/name-lists.ts'],
    tests: ['test/guards/*.test.ts'],
  },
  store: {
    mutate: ['src/store/**/*.ts'],
    tests: ['test/store/*.test.ts', 'test/server/request-recorder.test.ts'],
  },
  handlers: {
    mutate: ['src/server/handlers/**/*.ts'],
    tests: ['test/e2e/openai-client.test.ts', 'test/e2e/anthropic-client.test.ts', 'test/e2e/malformed-input.test.ts', 'test/e2e/model-not-found.test.ts', 'test/e2e/parameters-upstream.test.ts', 'test/resilience/stream-recovery-cases.test.ts', 'test/e2e/client-disconnect.test.ts'],
  },
};
