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
}

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
    if (circuit.state !== 'closed') return;
    this.setState(circuit, 'open');
    circuit.openedAt = this.now();
  }

  private circuit(key: string): Circuit {
    let circuit = this.circuits.get(key);
    if (!circuit) {
      circuit = { state: 'closed', consecutiveFailures: 0, openedAt: 0, probeInFlight: false };
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
    const circuit = this.circuits.get(deploymentKey(deployment));
    if (!circuit || circuit.state === 'closed') return true;
    if (circuit.probeInFlight) return false;
    return circuit.state === 'half-open' || this.now() - circuit.openedAt >= this.policy.cooldownMs;
  }

  /** The caller went away mid-call: free the probe without judging the deployment. */
  released(deployment: Deployment): void {
    const circuit = this.circuits.get(deploymentKey(deployment));
    if (circuit) circuit.probeInFlight = false;
  }

  /** May a call go to this deployment now? Claims the half-open probe when it is granted. */
  tryAcquire(deployment: Deployment): boolean {
    const circuit = this.circuits.get(deploymentKey(deployment));
    if (!circuit || circuit.state === 'closed') return true;
    if (circuit.state === 'open' && this.now() - circuit.openedAt >= this.policy.cooldownMs) this.setState(circuit, 'half-open');
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
      }
      return;
    }
    circuit.consecutiveFailures++;
    if (circuit.state === 'half-open' || circuit.consecutiveFailures >= this.policy.failures) {
      this.setState(circuit, 'open');
      circuit.openedAt = this.now();
      this.onOpened?.(deploymentKey(deployment), this.policy.cooldownMs);
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
