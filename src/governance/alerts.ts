/**
 * Alerts: budget thresholds (e.g. 50 / 80 / 100 % of a budget) and error-rate spikes, to
 * the log and, when configured, a webhook (JSON POST). Each alert fires once per period:
 * the firing is recorded in the database, so a restart does not repeat it.
 */
import type Database from 'better-sqlite3';
import { request } from 'undici';
import type { Logger } from '../core/logger.js';
import { openDatabase } from '../store/sqlite-schema.js';
import type { SharedState } from '../state/types.js';
import type { GovernanceSync } from '../store/postgres-governance.js';

/** How long a replica's claim on one alert firing holds (the database keeps it after that). */
const ALERT_CLAIM_MS = 40 * 86_400_000;

export interface AlertEvent {
  type: 'budget_threshold' | 'error_rate' | 'eval_regression' | 'request_log';
  /** Stable id of what is alerted on, e.g. `budget_ab12:0.8`. */
  alert: string;
  periodStart: number;
  message: string;
  details: Record<string, unknown>;
}

export class AlertNotifier {
  private readonly database: Database.Database;
  /** Webhook deliveries in flight (tests and shutdown can wait for them). */
  private readonly deliveries = new Set<Promise<void>>();
  /** Alerts fired while the database could not record them (a full disk is itself alerted on). */
  private readonly firedUnrecorded = new Set<string>();

  constructor(
    path: string,
    private readonly logger: Logger,
    private readonly webhookUrl: string | undefined,
    private readonly now: () => number = Date.now,
    /** Replicas that do not share the database claim each firing here first. */
    private readonly shared?: Pick<SharedState, 'available' | 'claimOnce'>,
    /** store.postgres: firings recorded in PostgreSQL, so each fires once across every replica. */
    private readonly record?: Pick<GovernanceSync, 'available' | 'recordAlert'>,
  ) {
    this.database = openDatabase(path);
  }

  /**
   * Fire unless this alert already fired in this period; true when it fired (or, with
   * shared state, when this replica is claiming it: the claim decides a moment later).
   */
  fire(event: AlertEvent): boolean {
    const claimed = this.claim(event);
    if (claimed) {
      const delivery = claimed.then((won) => {
        if (won) this.fireRecorded(event);
      });
      this.deliveries.add(delivery);
      void delivery.finally(() => this.deliveries.delete(delivery));
      return true;
    }
    return this.fireRecorded(event);
  }

  /** Who decides whether this firing is this replica's: PostgreSQL, else Redis, else (undefined) the local file alone. */
  private claim(event: AlertEvent): Promise<boolean> | undefined {
    const shared = (): Promise<boolean> | undefined => (this.shared?.available() ? this.shared.claimOnce(`alert:${event.alert}:${event.periodStart}`, ALERT_CLAIM_MS).catch(() => true) : undefined);
    if (this.record?.available()) return this.record.recordAlert(event.alert, event.periodStart, this.now()).catch(() => shared() ?? true);
    return shared();
  }

  private fireRecorded(event: AlertEvent): boolean {
    const once = `${event.alert}\u0000${event.periodStart}`;
    if (this.firedUnrecorded.has(once)) return false;
    try {
      const inserted = this.database.prepare('INSERT OR IGNORE INTO alerts_fired (alert, period_start, fired_at) VALUES (?, ?, ?)').run(event.alert, event.periodStart, this.now());
      if (inserted.changes === 0) return false;
    } catch (error) {
      // Not recorded (disk full, database gone): still raised, once for this process.
      this.firedUnrecorded.add(once);
      this.logger.error({ alert: event.alert, err: error }, 'could not record that an alert fired; raising it anyway');
    }
    this.logger.warn({ alert: event.alert, type: event.type, ...event.details }, event.message);
    if (this.webhookUrl) {
      const body = JSON.stringify({ type: event.type, alert: event.alert, message: event.message, period_start: new Date(event.periodStart).toISOString(), at: new Date(this.now()).toISOString(), ...event.details });
      const delivery = request(this.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, headersTimeout: 5000, bodyTimeout: 5000 })
        .then(async (response) => {
          await response.body.dump();
          if (response.statusCode >= 300) this.logger.error({ alert: event.alert, status: response.statusCode }, 'alert webhook refused the alert');
        })
        .catch((error: unknown) => this.logger.error({ alert: event.alert, err: error }, 'alert webhook failed'))
        .finally(() => this.deliveries.delete(delivery));
      this.deliveries.add(delivery);
    }
    return true;
  }

  async settled(): Promise<void> {
    // A claimed alert adds its webhook delivery when the claim is answered.
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  close(): void {
    this.database.close();
  }
}

/**
 * Error-rate spikes: the share of 5xx answers over a sliding window, alerted once per
 * hour when it reaches the threshold with at least `minRequests` requests in the window.
 */
export class ErrorRateWatch {
  private readonly outcomes: { at: number; failed: boolean }[] = [];

  constructor(
    private readonly policy: { threshold: number; windowMs: number; minRequests: number },
    private readonly notifier: AlertNotifier,
    private readonly now: () => number = Date.now,
  ) {}

  observe(status: number): void {
    const now = this.now();
    this.outcomes.push({ at: now, failed: status >= 500 });
    while (this.outcomes.length > 0 && (this.outcomes[0] as { at: number }).at <= now - this.policy.windowMs) this.outcomes.shift();
    if (this.outcomes.length < this.policy.minRequests) return;
    const failed = this.outcomes.reduce((sum, outcome) => sum + (outcome.failed ? 1 : 0), 0);
    const rate = failed / this.outcomes.length;
    if (rate < this.policy.threshold) return;
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    this.notifier.fire({
      type: 'error_rate',
      alert: `error_rate:${this.policy.threshold}`,
      periodStart: hour,
      message: `error rate ${(rate * 100).toFixed(1)} % over the last ${Math.round(this.policy.windowMs / 1000)} s (${failed} of ${this.outcomes.length} requests) reached the ${(this.policy.threshold * 100).toFixed(0)} % alert threshold`,
      details: { error_rate: rate, failed, requests: this.outcomes.length },
    });
  }
}
