#!/usr/bin/env node
// Adds the lock entries npm leaves out for other platforms' optional packages
// (npm/cli#4828): npm 11 writes only this machine's @rollup/rollup-* / @esbuild/* builds
// into package-lock.json, yet `npm ci` insists on an entry for every package named in an
// optionalDependencies map, so a fresh clone could not `npm ci`. Metadata (os, cpu,
// libc, integrity) comes from `npm view`. Run after changing dependencies:
//   node scripts/complete-lockfile.mjs && npm ci --dry-run
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [location, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    // `npm view name@range` answers one object, or an array when several versions match: take the newest.
    const answer = JSON.parse(execFileSync('npm', ['view', `${name}@${range}`, '--json', 'version', 'os', 'cpu', 'libc', 'license', 'dist.integrity', 'engines'], { encoding: 'utf8' }));
    const meta = Array.isArray(answer) ? answer[answer.length - 1] : answer;
    const record = { version: meta.version };
    if (meta.cpu) record.cpu = meta.cpu;
    if (entry.dev) record.dev = true;
    if (meta.libc) record.libc = meta.libc;
    if (meta.license) record.license = meta.license;
    record.optional = true;
    if (meta.os) record.os = meta.os;
    if (meta.engines) record.engines = meta.engines;
    record.integrity = meta['dist.integrity'];
    packages[`node_modules/${name}`] = record;
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} optional platform package entr${added === 1 ? 'y' : 'ies'} to package-lock.json`);
