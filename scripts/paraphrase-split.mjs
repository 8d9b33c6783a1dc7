// The split the semantic cache's local embedder is tuned and measured on: paraphrase pairs
// ({origin, similar}) go to the development half when the first byte of the SHA-256 of their
// normalised origin is even, else to the held-out half. Choices (the pair scorer's weights, its
// threshold) are made on the development half only; the held-out half is measured after.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function isDevelopment(origin) {
  const normalised = origin.trim().toLowerCase().replace(/\s+/g, ' ');
  return (createHash('sha256').update(normalised).digest()[0] & 1) === 0;
}

export function readPairs(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

export function splitHalves(pairs) {
  return { dev: pairs.filter((pair) => isDevelopment(pair.origin)), heldout: pairs.filter((pair) => !isDevelopment(pair.origin)), all: pairs };
}
