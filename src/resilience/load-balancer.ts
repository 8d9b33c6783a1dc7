/**
 * What the gateway observes about each deployment while it runs — requests in flight and
 * time to first token — and the load-balancing choices built on it:
 *   weighted           random, in proportion to the configured weights;
 *   least_outstanding  the deployment with the fewest calls in flight (ties: weighted);
 *   lowest_latency     the lowest moving average (EWMA) of time to first token; a
 *                      deployment never measured is tried first, and one call in twenty
 *                      goes weighted so a recovered deployment's average can come down.
 * The same observations give hedging its threshold (a percentile of recent TTFTs) and the
 * router its latency figures.
 */
import type { Deployment, LoadBalancing } from '../config/load.js';

/** Weight of the newest sample in the moving average. */
const EWMA_ALPHA = 0.2;
/** Recent TTFT samples kept per deployment for percentiles. */
const WINDOW = 256;
const EXPLORE_SHARE = 0.05;

interface DeploymentStats {
  outstanding: number;
  ewmaTtftMs: number | undefined;
  samples: Float64Array;
  /** Samples written so far (the window holds the last WINDOW of them). */
  count: number;
  /** Cached percentile, recomputed after new samples. */
  sorted: Float64Array | undefined;
}

/** Weighted random choice among deployments. */
export function pickWeighted(deployments: readonly Deployment[], random: () => number): Deployment {
  if (deployments.length === 1) return deployments[0] as Deployment;
  let total = 0;
  for (const deployment of deployments) total += deployment.weight;
  let point = random() * total;
  for (const deployment of deployments) {
    point -= deployment.weight;
    if (point < 0) return deployment;
  }
  return deployments[deployments.length - 1] as Deployment;
}

export class DeploymentLoad {
  private readonly stats = new Map<Deployment, DeploymentStats>();

  private of(deployment: Deployment): DeploymentStats {
    let stats = this.stats.get(deployment);
    if (!stats) {
      stats = { outstanding: 0, ewmaTtftMs: undefined, samples: new Float64Array(WINDOW), count: 0, sorted: undefined };
      this.stats.set(deployment, stats);
    }
    return stats;
  }

  /** A call to this deployment started. */
  begin(deployment: Deployment): void {
    this.of(deployment).outstanding++;
  }

  /** A call to this deployment ended (success, failure or cancel). */
  end(deployment: Deployment): void {
    const stats = this.of(deployment);
    if (stats.outstanding > 0) stats.outstanding--;
    // A deployment that never answered leaves no trace once idle (a `provider/typo` is no deployment).
    if (stats.outstanding === 0 && stats.count === 0) this.stats.delete(deployment);
  }

  /** The first token (or the whole answer, for non-streaming calls) arrived after `ms`. */
  observeTtft(deployment: Deployment, ms: number): void {
    const stats = this.of(deployment);
    stats.ewmaTtftMs = stats.ewmaTtftMs === undefined ? ms : stats.ewmaTtftMs + EWMA_ALPHA * (ms - stats.ewmaTtftMs);
    stats.samples[stats.count % WINDOW] = ms;
    stats.count++;
    stats.sorted = undefined;
  }

  outstanding(deployment: Deployment): number {
    return this.stats.get(deployment)?.outstanding ?? 0;
  }

  ewmaTtftMs(deployment: Deployment): number | undefined {
    return this.stats.get(deployment)?.ewmaTtftMs;
  }

  /** The p-th percentile of recent TTFTs, or undefined with fewer than `minSamples` of them. */
  ttftPercentile(deployment: Deployment, percentile: number, minSamples = 20): number | undefined {
    const stats = this.stats.get(deployment);
    if (!stats || stats.count < minSamples) return undefined;
    if (!stats.sorted) stats.sorted = stats.samples.slice(0, Math.min(stats.count, WINDOW)).sort();
    const sorted = stats.sorted;
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1));
    return sorted[rank];
  }

  /** Pick one of `deployments` (non-empty) by the model's strategy. */
  pick(strategy: LoadBalancing, deployments: readonly Deployment[], random: () => number): Deployment {
    if (deployments.length === 1 || strategy === 'weighted') return pickWeighted(deployments, random);
    if (strategy === 'least_outstanding') return this.leastOutstanding(deployments, random);
    return this.lowestLatency(deployments, random);
  }

  private leastOutstanding(deployments: readonly Deployment[], random: () => number): Deployment {
    let fewest = Number.POSITIVE_INFINITY;
    for (const deployment of deployments) fewest = Math.min(fewest, this.outstanding(deployment));
    const idle = deployments.filter((deployment) => this.outstanding(deployment) === fewest);
    return pickWeighted(idle, random);
  }

  private lowestLatency(deployments: readonly Deployment[], random: () => number): Deployment {
    const unmeasured = deployments.filter((deployment) => this.ewmaTtftMs(deployment) === undefined);
    if (unmeasured.length > 0) return pickWeighted(unmeasured, random);
    if (random() < EXPLORE_SHARE) return pickWeighted(deployments, random);
    let best = deployments[0] as Deployment;
    let bestMs = Number.POSITIVE_INFINITY;
    for (const deployment of deployments) {
      const ms = this.ewmaTtftMs(deployment) as number;
      if (ms < bestMs) {
        best = deployment;
        bestMs = ms;
      }
    }
    return best;
  }

  snapshot(): { provider: string; upstreamModel: string; outstanding: number; ewmaTtftMs: number | null; p95TtftMs: number | null }[] {
    return [...this.stats.entries()].map(([deployment, stats]) => ({
      provider: deployment.provider.name,
      upstreamModel: deployment.upstreamModel,
      outstanding: stats.outstanding,
      ewmaTtftMs: stats.ewmaTtftMs === undefined ? null : Math.round(stats.ewmaTtftMs * 10) / 10,
      p95TtftMs: this.ttftPercentile(deployment, 95, 1) ?? null,
    }));
  }
}
