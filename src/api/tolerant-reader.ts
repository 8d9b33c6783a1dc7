/**
 * The tolerant reader every inbound format parses with. Providers add request fields every
 * month and clients send them at once, so a field we do not model is not an error: it is
 * taken out of the body before the strict schema checks the rest, and kept (with its path)
 * for an upstream that speaks the client's own protocol. The same goes for a new value of
 * a known field where the format declares that field open (say `thinking.type: "adaptive"`).
 * Everything else keeps strict validation: a wrong type, a number out of range, a missing
 * field is still a 400 naming its path. With `strict` (server.strict_params) nothing is
 * tolerated and the first problem is the 400, as the providers' own APIs do.
 */
import type { z } from 'zod';
import { GatewayError } from '../core/errors.js';
import { formatPath } from '../config/load.js';
import type { PassedField, WirePath } from '../core/types.js';

/** A path pattern: `*` matches any key or index at that position. */
export type PathPattern = readonly (string | number)[];

export interface TolerantOptions {
  /** Refuse what the schema does not know, as the strict reader did (server.strict_params). */
  strict: boolean;
  /**
   * Where a value the schema does not know (a new enum value, a new block type) takes the
   * node out rather than failing: the node at the longest matching pattern is set aside.
   */
  openValues: readonly PathPattern[];
}

export interface TolerantResult<T> {
  data: T;
  /** What was set aside, in body order: only a same-protocol upstream receives these. */
  passed: PassedField[];
}

type Issue = z.core.$ZodIssue;

/** Validate `body` against `schema`, setting aside unknown fields and open values (see the file comment). */
export function readTolerantly<T>(schema: z.ZodType<T>, body: Record<string, unknown>, options: TolerantOptions): TolerantResult<T> {
  const first = schema.safeParse(body);
  if (first.success) return { data: first.data, passed: [] };
  if (options.strict) throw invalidBodyError(first.error.issues);
  const removals: WirePath[] = [];
  const hard: Issue[] = [];
  for (const issue of first.error.issues) collectRemovals(issue, [], options, removals, hard);
  // A node set aside as a whole takes its own problems with it (a server tool has no input_schema).
  const remaining = hard.filter((issue) => !removals.some((removal) => isPrefix(removal, issue.path as WirePath)));
  if (remaining.length > 0) throw invalidBodyError(remaining);
  const copy = structuredClone(body);
  const passed = setAside(copy, removals);
  const second = schema.safeParse(copy);
  if (!second.success) throw invalidBodyError(second.error.issues);
  return { data: second.data, passed };
}

/** Turn one issue into removals when it is tolerable; otherwise it is a hard error. */
function collectRemovals(issue: Issue, prefix: WirePath, options: TolerantOptions, removals: WirePath[], hard: Issue[]): void {
  const path = [...prefix, ...(issue.path as WirePath)];
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) removals.push([...path, key]);
    return;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A plain union (say, string or array of blocks): tolerable when one branch's problems all are.
    for (const branch of issue.errors) {
      const branchRemovals: WirePath[] = [];
      const branchHard: Issue[] = [];
      for (const inner of branch) collectRemovals(inner, path, options, branchRemovals, branchHard);
      if (branchHard.length === 0) {
        removals.push(...branchRemovals);
        return;
      }
    }
    hard.push({ ...issue, path });
    return;
  }
  const valueNode = issue.code === 'invalid_union' ? path.slice(0, -1) : issue.code === 'invalid_value' ? path : undefined;
  const open = valueNode ? openNode(valueNode, options.openValues) : undefined;
  if (open) removals.push(open);
  else hard.push({ ...issue, path } as Issue);
}

function isPrefix(prefix: WirePath, path: WirePath): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => part === path[index]);
}

/** The longest prefix of `path` that an open pattern matches. */
function openNode(path: WirePath, patterns: readonly PathPattern[]): WirePath | undefined {
  for (let length = path.length; length > 0; length -= 1) {
    const prefix = path.slice(0, length);
    if (patterns.some((pattern) => pattern.length === length && pattern.every((part, index) => part === '*' || part === prefix[index]))) return prefix;
  }
  return undefined;
}

/** Remove every path from `body` (array elements from the back, so indexes stay true) and return what was there. */
function setAside(body: Record<string, unknown>, removals: WirePath[]): PassedField[] {
  const unique = [...new Map(removals.map((path) => [JSON.stringify(path), path])).values()];
  const passed: PassedField[] = [];
  for (const path of unique) {
    const parent = nodeAt(body, path.slice(0, -1));
    const key = path[path.length - 1];
    if (parent === undefined || key === undefined) continue;
    passed.push({ path, value: structuredClone((parent as Record<string | number, unknown>)[key]) });
  }
  const ordered = [...unique].sort(comparePaths).reverse();
  for (const path of ordered) {
    const parent = nodeAt(body, path.slice(0, -1));
    const key = path[path.length - 1];
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else if (parent && typeof parent === 'object' && key !== undefined) delete (parent as Record<string | number, unknown>)[key];
  }
  return passed.sort((a, b) => comparePaths(a.path, b.path));
}

function nodeAt(root: unknown, path: WirePath): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function comparePaths(a: WirePath, b: WirePath): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const x = a[index];
    const y = b[index];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Put set-aside fields back into an outbound body built from the same protocol, at their
 * paths. Fields under `messages` or `tools` go back only when `keep` says that part of the
 * request is still the client's own (a guard that redacted messages changes the indexes).
 * Returns the paths that could not be placed.
 */
export function restoreFields(body: Record<string, unknown>, passed: readonly PassedField[], keep: (path: WirePath) => boolean): WirePath[] {
  const lost: WirePath[] = [];
  for (const field of passed) {
    const parent = keep(field.path) ? nodeAt(body, field.path.slice(0, -1)) : undefined;
    const key = field.path[field.path.length - 1];
    if (Array.isArray(parent) && typeof key === 'number' && key <= parent.length) parent.splice(key, 0, structuredClone(field.value));
    else if (parent && typeof parent === 'object' && !Array.isArray(parent) && typeof key === 'string' && !(key in parent)) {
      (parent as Record<string, unknown>)[key] = structuredClone(field.value);
    } else lost.push(field.path);
  }
  return lost;
}

/** The client-facing name of a wire path: `tools[10].defer_loading`. */
export function wirePathName(path: WirePath): string {
  return formatPath(path);
}

/** The 400 for the first problem of a body, naming its param the way OpenAI's API does. */
export function invalidBodyError(issues: readonly Issue[]): GatewayError {
  const issue = issues[0];
  if (!issue) return new GatewayError('invalid_request', 'The request is invalid.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = formatPath([...(issue.path as WirePath), key]);
    return new GatewayError('unknown_parameter', `Unrecognized request argument supplied: ${param}`, { param });
  }
  const param = formatPath(issue.path as WirePath);
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return new GatewayError('missing_parameter', `Missing required parameter: '${param}'.`, { param });
  }
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'role') {
    return new GatewayError('invalid_request', `Invalid value for '${param}': expected one of system, developer, user, assistant, tool.`, { param });
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  return new GatewayError('invalid_request', `Invalid value for '${param || 'body'}': ${message}.`, { param: param || null });
}
