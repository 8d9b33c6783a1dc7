/**
 * table: a deterministic, auditable category → model lookup (`default` for the rest).
 * When the table's model was filtered out (a private request, a missing capability, a
 * context window too small), the cheapest remaining candidate that clears the route's
 * quality floor serves, and the decision says so. An entry's own fallbacks (`table_fallbacks`)
 * come before the route's.
 */
import { chooseCheapest } from './cheapest.js';
import type { RoutingStrategy } from './types.js';

export const tableStrategy: RoutingStrategy = {
  name: 'table',
  needsCategory: true,
  choose(input) {
    const entry = input.route.table.has(input.category) ? input.category : 'default';
    const listed = input.route.table.get(entry);
    const fallbacks = input.route.tableFallbacks.get(entry) ?? [];
    if (listed && input.candidates.includes(listed)) return { model: listed, reason: `table->${listed.name}`, ...(fallbacks.length > 0 ? { fallbacks } : {}) };
    const instead = chooseCheapest(input, input.signals.qualityFloor ?? input.route.qualityFloor);
    const why = listed ? `table's ${listed.name} filtered out` : `no table entry for ${input.category}`;
    return { ...instead, reason: `${why}; ${instead.reason}` };
  },
};
