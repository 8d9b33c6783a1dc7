/**
 * Reference problems of a config that failed the schema, so `switchyard validate` reports
 * everything in one run instead of schema problems first and reference problems after the
 * fix. The broken parts are set aside — an unknown key is dropped, a provider, model, route
 * or guard policy with a problem is left out whole, an element of a list is left out, any
 * other bad value is unset (its parent if that is not enough) — and the rest goes through
 * the normal resolution. Its problems are kept except those that only follow from what was
 * set aside ("unknown model X" where X was left out), with list positions as in the file.
 */
import type { z } from 'zod';
import { configSchema, type RawConfig } from './schema.js';

export interface Issue {
  path: string;
  message: string;
}

type Json = Record<string, unknown>;
type Segment = PropertyKey;

/** Maps whose entries are self-contained units, set aside whole when one has a problem. */
const ENTRY_MAPS: readonly (readonly string[])[] = [['providers'], ['models'], ['routes'], ['guards', 'policies']];
const MAX_ROUNDS = 12;

/**
 * The problems resolution finds in what is left of `data` once the schema problems are set
 * aside. `resolve` runs the second loading phase and returns its problems (none when it loads).
 */
export function referenceIssuesDespite(data: unknown, schemaError: z.ZodError, resolve: (raw: RawConfig) => Issue[], formatPath: (path: readonly PropertyKey[]) => string): Issue[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  const repair = new Repair(structuredClone(data) as Json);
  const raw = repair.run(schemaError);
  if (!raw) return [];
  return repair.relevant(resolve(raw), formatPath);
}

class Repair {
  /** Names of providers, models, routes and policies that were left out. */
  private readonly removedNames = new Set<string>();
  /** How often a problem was met at a path: the second time its parent is unset, and so on up. */
  private readonly seen = new Map<string, number>();
  /** For each list that lost elements: the file position of each remaining element. */
  private readonly positions = new Map<string, number[]>();
  private keysWereRemoved = false;

  constructor(private readonly data: Json) {}

  run(error: z.ZodError): RawConfig | undefined {
    let issues = error.issues;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const removals = new Map<string, { list: unknown[]; path: Segment[]; indices: Set<number> }>();
      for (const issue of issues) {
        if (!this.setAside(issue, removals)) return undefined;
      }
      for (const { list, path, indices } of removals.values()) this.removeElements(list, path, indices);
      const parsed = configSchema.safeParse(this.data);
      if (parsed.success) return parsed.data;
      issues = parsed.error.issues;
    }
    return undefined;
  }

  /** Sets aside what one schema problem is about; false when nothing sensible can be. */
  private setAside(issue: z.core.$ZodIssue, removals: Map<string, { list: unknown[]; path: Segment[]; indices: Set<number> }>): boolean {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      const holder = valueAt(this.data, path);
      if (isObject(holder)) for (const key of issue.keys) delete holder[key];
      return true;
    }
    const map = ENTRY_MAPS.find((prefix) => path.length > prefix.length && prefix.every((segment, index) => path[index] === segment));
    if (map) {
      const entry = path.slice(0, map.length + 1);
      const holder = valueAt(this.data, entry.slice(0, -1));
      if (isObject(holder)) delete holder[String(entry.at(-1))];
      this.removedNames.add(String(entry.at(-1)));
      return true;
    }
    const listAt = path.findIndex((segment) => typeof segment === 'number');
    if (listAt > 0) {
      const listPath = path.slice(0, listAt);
      const list = valueAt(this.data, listPath);
      if (Array.isArray(list)) {
        const key = listPath.join('\u0000');
        const removal = removals.get(key) ?? { list, path: listPath, indices: new Set<number>() };
        removal.indices.add(path[listAt] as number);
        removals.set(key, removal);
        return true;
      }
    }
    const key = path.join('\u0000');
    const times = this.seen.get(key) ?? 0;
    this.seen.set(key, times + 1);
    const target = path.slice(0, path.length - times);
    if (target.length === 0) return false;
    const holder = valueAt(this.data, target.slice(0, -1));
    if (!isObject(holder)) return false;
    delete holder[String(target.at(-1))];
    return true;
  }

  private removeElements(list: unknown[], path: Segment[], indices: Set<number>): void {
    const key = path.map(String).join('.');
    const positions = this.positions.get(key) ?? list.map((_, index) => index);
    for (const index of [...indices].sort((left, right) => right - left)) {
      list.splice(index, 1);
      positions.splice(index, 1);
    }
    this.positions.set(key, positions);
    if (key === 'server.api_keys') this.keysWereRemoved = true;
  }

  /** Resolution's problems, without those that only follow from what was set aside. */
  relevant(issues: Issue[], formatPath: (path: readonly PropertyKey[]) => string): Issue[] {
    const mentionsRemoved = (message: string): boolean => /unknown|neither|failed to resolve/.test(message) && [...this.removedNames].some((name) => message.includes(`"${name}"`));
    let kept = issues.filter((issue) => !mentionsRemoved(issue.message));
    // With keys set aside, "no keys beyond loopback" may be an effect of the repair.
    if (this.keysWereRemoved) kept = kept.filter((issue) => issue.path !== 'server.host');
    // "X failed to resolve (see its own errors)" with no problem of X's own left.
    kept = kept.filter((issue) => {
      const match = /^"(.+)" failed to resolve/.exec(issue.message);
      return !match || kept.some((other) => other.path.startsWith(`models.${match[1]}.`) || other.path === `models.${match[1]}`);
    });
    return kept.map((issue) => ({ ...issue, path: this.filePositions(issue.path, formatPath) }));
  }

  /** `eval.schedules[0]` of the repaired config is the file's `eval.schedules[1]` when the first was set aside. */
  private filePositions(path: string, formatPath: (path: readonly PropertyKey[]) => string): string {
    for (const [list, positions] of this.positions) {
      const prefix = `${formatPath(list.split('.'))}[`;
      if (!path.startsWith(prefix)) continue;
      const close = path.indexOf(']', prefix.length);
      const index = Number(path.slice(prefix.length, close));
      const original = positions[index];
      if (original !== undefined) return `${prefix}${original}${path.slice(close)}`;
    }
    return path;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
