/**
 * Test values built at run time: realistic keys are never written out literally (secret
 * scanners on the repository would flag them), and card numbers and IBANs get their check
 * digits computed here.
 */
import { readFileSync } from 'node:fs';
import { GatewayError } from '../../src/core/errors.js';

/** A deterministic pseudo-random string over `alphabet`. */
export function token(alphabet: string, length: number, seed = 1): string {
  let state = seed >>> 0;
  let result = '';
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    result += alphabet[(state >>> 8) % alphabet.length];
  }
  return result;
}

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function luhnComplete(partial: string): string {
  let sum = 0;
  let double = true;
  for (let index = partial.length - 1; index >= 0; index--) {
    let value = Number(partial[index]);
    if (double) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
    double = !double;
  }
  return partial + String((10 - (sum % 10)) % 10);
}

export function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export interface JsonlRow {
  text: string;
  split?: string;
  [key: string]: unknown;
}

export function readJsonl(path: URL): JsonlRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonlRow);
}

export const DATA = new URL('../../data/guard/', import.meta.url);

/** The GatewayError `run` throws (a guard's refusal); anything else thrown, or nothing, fails the test. */
export function thrownGatewayError(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a guardrail_violation');
}
