/**
 * The credentials a simulator accepts for the cloud protocols: AWS key pairs (SigV4 is
 * verified against their secrets), service-account public keys (JWT assertions are
 * verified against them), Entra ID client secrets; and the OAuth tokens and temporary AWS
 * keys it issues in exchange, each with an expiry that `expireAll` can bring forward.
 */
import { randomBytes } from 'node:crypto';

export interface SimCredentials {
  aws?: Array<{ accessKeyId: string; secretAccessKey: string }>;
  /** Service accounts by client email, with their PEM public key. */
  serviceAccounts?: Array<{ clientEmail: string; publicKey: string }>;
  entraClients?: Array<{ tenantId: string; clientId: string; clientSecret: string }>;
  /** Lifetime of issued tokens and temporary keys, in seconds (default 3600). */
  tokenLifetimeSeconds?: number;
}

export type TokenState = 'valid' | 'expired' | 'unknown';

interface Issued {
  expiresAt: number;
  subject: string;
}

export interface AwsSecret {
  secretAccessKey: string;
  sessionToken?: string;
  expired: boolean;
}

export class SimAuth {
  private readonly tokens = new Map<string, Issued>();
  private readonly sessions = new Map<string, { secretAccessKey: string; sessionToken: string; expiresAt: number }>();
  private readonly awsKeys: Map<string, string>;
  readonly serviceAccounts: Map<string, string>;
  readonly entraClients: SimCredentials['entraClients'];
  /** How many tokens / temporary keys were issued (the refresh tests read it). */
  issued = 0;

  constructor(credentials: SimCredentials = {}) {
    this.awsKeys = new Map((credentials.aws ?? []).map((key) => [key.accessKeyId, key.secretAccessKey]));
    this.serviceAccounts = new Map((credentials.serviceAccounts ?? []).map((account) => [account.clientEmail, account.publicKey]));
    this.entraClients = credentials.entraClients ?? [];
    this.lifetimeSeconds = credentials.tokenLifetimeSeconds ?? 3600;
  }

  readonly lifetimeSeconds: number;

  issueToken(subject: string): { token: string; expiresIn: number } {
    const token = `ya29.sim-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { subject, expiresAt: Date.now() + this.lifetimeSeconds * 1000 });
    this.issued += 1;
    return { token, expiresIn: this.lifetimeSeconds };
  }

  checkToken(token: string | undefined): TokenState {
    const issued = token === undefined ? undefined : this.tokens.get(token);
    if (!issued) return 'unknown';
    return Date.now() < issued.expiresAt ? 'valid' : 'expired';
  }

  /** Temporary keys for an assumed role (STS AssumeRole). */
  issueSession(): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date } {
    const accessKeyId = `ASIASIM${randomBytes(6).toString('hex').toUpperCase()}`;
    const session = { secretAccessKey: randomBytes(30).toString('base64'), sessionToken: `IQoJsim${randomBytes(48).toString('base64')}`, expiresAt: Date.now() + this.lifetimeSeconds * 1000 };
    this.sessions.set(accessKeyId, session);
    this.issued += 1;
    return { accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken, expiration: new Date(session.expiresAt) };
  }

  awsSecret(accessKeyId: string): AwsSecret | undefined {
    const permanent = this.awsKeys.get(accessKeyId);
    if (permanent !== undefined) return { secretAccessKey: permanent, expired: false };
    const session = this.sessions.get(accessKeyId);
    if (!session) return undefined;
    return { secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken, expired: Date.now() >= session.expiresAt };
  }

  /** Every token and temporary key issued so far expires now (a clock jump, a revocation). */
  expireAll(): void {
    const now = Date.now();
    for (const issued of this.tokens.values()) issued.expiresAt = now;
    for (const session of this.sessions.values()) session.expiresAt = now;
  }
}
