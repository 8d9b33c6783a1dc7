/**
 * Circuit breakers per deployment (provider + upstream model). After `failures`
 * consecutive server errors, timeouts or connection failures the circuit opens: the
 * deployment gets no traffic for `cooldownMs`. Then it is half-open: exactly one probe
 * request goes through; success closes the circuit, failure opens it again. Rate limits
 * and client errors do not count: they say nothing about the deployment being down.
 */
import type { Deployment, FailureClass } from '../config/load.js';

export interface BreakerPolicy {
  failures: number;
  cooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

interface Circuit {
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: number;
  probeInFlight: boolean;
  /** With probeLease: this replica holds the lease to send the half-open probe. */
  leased: boolean;
  /** A lease request is in flight, and when the last one was sent. */
  asking: boolean;
  askedAt: number;
}

/** How often a replica that did not get the probe lease asks again (the holder may have died). */
const LEASE_RETRY_MS = 1000;

const COUNTED: ReadonlySet<FailureClass> = new Set(['server_error', 'timeout', 'connection']);

export function deploymentKey(deployment: Deployment): string {
  return `${deployment.provider.name}/${deployment.upstreamModel}`;
}

export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();
  /** How many circuits are open or half-open. */
  private notClosed = 0;

  private setState(circuit: Circuit, state: BreakerState): void {
    if (circuit.state === 'closed' && state !== 'closed') this.notClosed++;
    else if (circuit.state !== 'closed' && state === 'closed') this.notClosed--;
    circuit.state = state;
  }

  /** Told when a failure here opens a circuit (shared state tells the other replicas). */
  onOpened: ((deployment: string, cooldownMs: number) => void) | undefined;

  /**
   * Shared state: after a cooldown, may this replica send the one half-open probe across all
   * replicas (a lease: true for one of them)? Asked in the background; the deployment is
   * skipped until the answer is yes. Unset: every process probes on its own.
   */
  probeLease: ((deployment: string) => Promise<boolean>) | undefined;
  /** Told when this replica's leased probe resolved (closed or opened again), to free the lease and tell the others. */
  onProbed: ((deployment: string, closed: boolean, cooldownMs: number) => void) | undefined;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Another replica opened this circuit: skip the deployment here too, for the cooldown,
   * then probe it once like a circuit opened here. A circuit already open or probing is left as it is.
   */
  openedElsewhere(deployment: string): void {
    const circuit = this.circuit(deployment);
    // Open here already (waiting for another replica's probe, which failed): with a probe
    // lease, the prober keeps the lease for a cooldown, so no replica probes sooner.
    if (circuit.state !== 'closed') return;
    this.setState(circuit, 'open');
    circuit.openedAt = this.now();
  }

  /** Another replica's probe succeeded: the deployment is back here too. */
  closedElsewhere(deployment: string): void {
    const circuit = this.circuits.get(deployment);
    if (!circuit || circuit.state === 'closed' || circuit.probeInFlight) return;
    this.setState(circuit, 'closed');
    circuit.consecutiveFailures = 0;
    circuit.leased = false;
  }

  /**
   * The cooldown is over: may this process move to half-open? Always without a probe lease;
   * with one, once it holds the lease (asked for in the background, again every second
   * while another replica holds it). Shared state unreachable: probe here, as without it.
   */
  private mayProbe(key: string, circuit: Circuit): boolean {
    if (!this.probeLease || circuit.leased) return true;
    const now = this.now();
    if (!circuit.asking && now - circuit.askedAt >= LEASE_RETRY_MS) {
      circuit.asking = true;
      circuit.askedAt = now;
      this.probeLease(key).then(
        (won) => {
          circuit.asking = false;
          if (won && circuit.state === 'open') circuit.leased = true;
        },
        () => {
          circuit.asking = false;
          if (circuit.state === 'open') circuit.leased = true;
        },
      );
    }
    return false;
  }

  private circuit(key: string): Circuit {
    let circuit = this.circuits.get(key);
    if (!circuit) {
      circuit = { state: 'closed', consecutiveFailures: 0, openedAt: 0, probeInFlight: false, leased: false, asking: false, askedAt: Number.NEGATIVE_INFINITY };
      this.circuits.set(key, circuit);
    }
    return circuit;
  }

  /** True while some circuit is open or half-open (the request path skips all breaker work otherwise). */
  anyOpen(): boolean {
    return this.notClosed > 0;
  }

  /** Could a call go to this deployment now (without claiming anything)? */
  available(deployment: Deployment): boolean {
    const key = deploymentKey(deployment);
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.state === 'closed') return true;
    if (circuit.probeInFlight) return false;
    if (circuit.state === 'half-open') return true;
    return this.now() - circuit.openedAt >= this.policy.cooldownMs && this.mayProbe(key, circuit);
  }

  /** The caller went away mid-call: free the probe without judging the deployment. */
  released(deployment: Deployment): void {
    const circuit = this.circuits.get(deploymentKey(deployment));
    if (circuit) circuit.probeInFlight = false;
  }

  /** May a call go to this deployment now? Claims the half-open probe when it is granted. */
  tryAcquire(deployment: Deployment): boolean {
    const key = deploymentKey(deployment);
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.state === 'closed') return true;
    if (circuit.state === 'open' && this.now() - circuit.openedAt >= this.policy.cooldownMs && this.mayProbe(key, circuit)) this.setState(circuit, 'half-open');
    if (circuit.state === 'half-open' && !circuit.probeInFlight) {
      circuit.probeInFlight = true;
      return true;
    }
    return false;
  }

  succeeded(deployment: Deployment): void {
    const circuit = this.circuits.get(deploymentKey(deployment));
    if (!circuit) return;
    this.setState(circuit, 'closed');
    circuit.consecutiveFailures = 0;
    circuit.probeInFlight = false;
    this.probed(deploymentKey(deployment), circuit, true);
  }

  /** A leased probe resolved: free the lease (at once when closed, after a cooldown when open again). */
  private probed(key: string, circuit: Circuit, closed: boolean): void {
    if (!circuit.leased) return;
    circuit.leased = false;
    this.onProbed?.(key, closed, this.policy.cooldownMs);
  }

  /** A failure of the given class (undefined: not the deployment's fault, e.g. a client error). */
  failed(deployment: Deployment, kind: FailureClass | undefined): void {
    const circuit = this.circuit(deploymentKey(deployment));
    const wasProbe = circuit.probeInFlight;
    circuit.probeInFlight = false;
    if (kind === undefined || !COUNTED.has(kind)) {
      // The deployment answered (a rate limit, a client error): it is up.
      if (wasProbe) {
        this.setState(circuit, 'closed');
        circuit.consecutiveFailures = 0;
        this.probed(deploymentKey(deployment), circuit, true);
      }
      return;
    }
    circuit.consecutiveFailures++;
    if (circuit.state === 'half-open' || circuit.consecutiveFailures >= this.policy.failures) {
      this.setState(circuit, 'open');
      circuit.openedAt = this.now();
      this.onOpened?.(deploymentKey(deployment), this.policy.cooldownMs);
      if (wasProbe) this.probed(deploymentKey(deployment), circuit, false);
    }
  }

  /** Every circuit seen so far with its state, for metrics. */
  states(): { deployment: string; state: BreakerState }[] {
    return [...this.circuits.entries()].map(([deployment, circuit]) => ({ deployment, state: circuit.state }));
  }

  /** Every circuit that is not closed, for /health/ready. */
  snapshot(): { deployment: string; state: BreakerState; consecutiveFailures: number }[] {
    return [...this.circuits.entries()]
      .filter(([, circuit]) => circuit.state !== 'closed')
      .map(([deployment, circuit]) => ({ deployment, state: circuit.state, consecutiveFailures: circuit.consecutiveFailures }));
  }
}
