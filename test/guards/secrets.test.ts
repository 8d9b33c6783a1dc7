import { describe, expect, it } from 'vitest';
import { SecretsDetector, jwtHeaderValid, looksLikePlaceholder } from '../../src/guards/secrets.js';
import { ALPHANUMERIC, BASE32, base64url, token } from './helpers.js';

const detector = new SecretsDetector();

function found(text: string): string[] {
  return detector.scan(text).map((finding) => `${finding.type}:${text.slice(finding.start, finding.end)}`);
}

const keys = {
  openai: `sk-${token(ALPHANUMERIC, 48, 1)}`,
  openaiProject: `sk-proj-${token(`${ALPHANUMERIC}_-`, 120, 2)}`,
  anthropic: `sk-ant-api03-${token(`${ALPHANUMERIC}_-`, 93, 3)}AA`,
  google: `AIza${token(`${ALPHANUMERIC}_-`, 35, 4)}`,
  aws: `AKIA${token(BASE32, 16, 5)}`,
  awsSecret: token(`${ALPHANUMERIC}/+`, 40, 6),
  github: `ghp_${token(ALPHANUMERIC, 36, 7)}`,
  githubPat: `github_pat_${token(ALPHANUMERIC, 22, 8)}_${token(ALPHANUMERIC, 59, 9)}`,
  slack: `xoxb-${token('0123456789', 12, 10)}-${token('0123456789', 13, 11)}-${token(ALPHANUMERIC, 24, 12)}`,
  stripe: `sk_live_${token(ALPHANUMERIC, 24, 13)}`,
  jwt: `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub: '1234567890', name: 'John Doe', iat: 1516239022 })}.${token(`${ALPHANUMERIC}_-`, 43, 14)}`,
};

describe('secrets detector', () => {
  it('finds provider keys by prefix and shape', () => {
    expect(found(`key: ${keys.openai}`)).toEqual([`openai_key:${keys.openai}`]);
    expect(found(`export OPENAI_API_KEY=${keys.openaiProject}`)).toEqual([`openai_key:${keys.openaiProject}`]);
    expect(found(`claude ${keys.anthropic} done`)).toEqual([`anthropic_key:${keys.anthropic}`]);
    expect(found(`maps ${keys.google}`)).toEqual([`google_api_key:${keys.google}`]);
    expect(found(`aws ${keys.aws} ok`)).toEqual([`aws_access_key:${keys.aws}`]);
    expect(found(`token ${keys.github} and ${keys.githubPat}`)).toEqual([`github_token:${keys.github}`, `github_token:${keys.githubPat}`]);
    expect(found(`slack ${keys.slack}`)).toEqual([`slack_token:${keys.slack}`]);
    expect(found(`stripe ${keys.stripe}`)).toEqual([`stripe_key:${keys.stripe}`]);
  });

  it('finds the AWS secret key only when it is labelled', () => {
    expect(found(`aws_secret_access_key = ${keys.awsSecret}`)).toEqual([`aws_secret_key:${keys.awsSecret}`]);
    expect(found(`checksum ${keys.awsSecret.replace(/[/+]/g, 'x')}`)).toEqual([]);
  });

  it('finds PEM private key blocks, also truncated ones', () => {
    const body = `${token(`${ALPHANUMERIC}+/`, 64, 15)}\n${token(`${ALPHANUMERIC}+/`, 64, 16)}`;
    const block = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
    expect(found(`here:\n${block}\nthanks`)).toEqual([`private_key:${block}`]);
    expect(found(`-----BEGIN PRIVATE KEY-----\n${body}\n\nIs this format right?`)).toEqual([`private_key:-----BEGIN PRIVATE KEY-----\n${body}`]);
    expect(found('-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----')).toEqual([]);
    expect(found('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----')).toEqual([]);
  });

  it('finds JWTs whose header is JSON with an "alg", not look-alikes', () => {
    expect(jwtHeaderValid(keys.jwt)).toBe(true);
    expect(found(`Authorization header: ${keys.jwt}`)).toEqual([`jwt:${keys.jwt}`]);
    const notJson = `eyJub3QganNvbg.${base64url({ sub: 1 })}.${token(ALPHANUMERIC, 43, 17)}`;
    const noAlg = `${base64url({ typ: 'JWT' })}.${base64url({ sub: 1 })}.${token(ALPHANUMERIC, 43, 18)}`;
    expect(found(`${notJson} and ${noAlg}`)).toEqual([]);
  });

  it('flags only the password of a connection string', () => {
    expect(found('DATABASE_URL=postgres://app_user:S3cr3t!pw@db.internal:5432/app')).toEqual(['connection_string_password:S3cr3t!pw']);
    expect(found('mongodb+srv://admin:Qx7-pL2z9w@cluster0.example.net/test')).toEqual(['connection_string_password:Qx7-pL2z9w']);
    for (const text of ['postgres://user:password@localhost/db', 'mysql://root:<password>@db/app', 'redis://:${REDIS_PASSWORD}@redis:6379', 'amqp://guest:guest@localhost', 'https://example.com/path']) {
      expect(found(text), text).toEqual([]);
    }
  });

  it('flags random-looking values assigned to secret names', () => {
    expect(found('password=Tr0ub4dor&3x')).toEqual(['generic_secret:Tr0ub4dor&3x']);
    expect(found('"api_key": "9f8e7d6c5b4a39281706f5e4d3c2b1a0"')).toEqual(['generic_secret:9f8e7d6c5b4a39281706f5e4d3c2b1a0']);
    expect(found(`Authorization: Bearer ${token(ALPHANUMERIC, 32, 19)}`)).toEqual([`generic_secret:${token(ALPHANUMERIC, 32, 19)}`]);
  });

  it('stays quiet on near misses', () => {
    const negatives = [
      'Keys start with sk- and you should never share them.',
      'Use sk-learn, not scikit; the task-force-report is due.',
      'OPENAI_API_KEY=YOUR_API_KEY',
      `sk-${'x'.repeat(48)}`,
      'sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'password=os.environ["DB_PASSWORD"]',
      'api_key = "<your api key>"',
      'token: ${{ secrets.GITHUB_TOKEN }}',
      'The password is your first pet name; secret: true',
      'password = hunter2',
      'ghp_ is the prefix of GitHub personal access tokens.',
    ];
    for (const text of negatives) expect(found(text), text).toEqual([]);
    expect(looksLikePlaceholder('sk-xxxxxxxxxxxxxxxx')).toBe(true);
  });

  it('scans pathological inputs', () => {
    for (const text of ['sk-'.repeat(2700), 'password='.repeat(900), `eyJ${'a'.repeat(7000)}.`, '-----BEGIN PRIVATE KEY-----\n'.repeat(280), 'a://b:c@'.repeat(1000)]) {
      expect(Array.isArray(detector.scan(text))).toBe(true);
    }
  });
});
