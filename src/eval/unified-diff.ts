/** A line-based unified diff (longest common subsequence, three lines of context), as `diff -u` prints it. */

export type Operation = { kind: 'same' | 'removed' | 'added'; line: string };

/** The line edits from `before` to `after`, removals before additions within a change. */
export function diffLines(before: readonly string[], after: readonly string[]): Operation[] {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const left = before.slice(prefix, before.length - suffix);
  const right = after.slice(prefix, after.length - suffix);
  const columns = right.length + 1;
  // lengths[i][j]: LCS of left[i..] and right[j..].
  const lengths = new Int32Array((left.length + 1) * columns);
  for (let row = left.length - 1; row >= 0; row--) {
    for (let column = right.length - 1; column >= 0; column--) {
      lengths[row * columns + column] =
        left[row] === right[column] ? (lengths[(row + 1) * columns + column + 1] as number) + 1 : Math.max(lengths[(row + 1) * columns + column] as number, lengths[row * columns + column + 1] as number);
    }
  }
  const result: Operation[] = before.slice(0, prefix).map((line) => ({ kind: 'same', line }));
  let row = 0;
  let column = 0;
  while (row < left.length || column < right.length) {
    if (row < left.length && column < right.length && left[row] === right[column]) {
      result.push({ kind: 'same', line: left[row++] as string });
      column++;
    } else if (row < left.length && (column === right.length || (lengths[(row + 1) * columns + column] as number) >= (lengths[row * columns + column + 1] as number))) {
      result.push({ kind: 'removed', line: left[row++] as string });
    } else {
      result.push({ kind: 'added', line: right[column++] as string });
    }
  }
  for (const line of before.slice(before.length - suffix)) result.push({ kind: 'same', line });
  return result;
}

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The diff of two texts; empty when they are equal. */
export function unifiedDiff(before: string, after: string, beforeName: string, afterName: string, context = 3): string {
  const ops = diffLines(splitLines(before), splitLines(after));
  const changed = ops.map((op, index) => (op.kind === 'same' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return '';
  const output = [`--- ${beforeName}`, `+++ ${afterName}`];
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && (changed[end + 1] as number) - (changed[end] as number) <= 2 * context) end++;
    const from = Math.max(0, (changed[start] as number) - context);
    const to = Math.min(ops.length - 1, (changed[end] as number) + context);
    let beforeLine = 1;
    let afterLine = 1;
    for (let index = 0; index < from; index++) {
      if ((ops[index] as Operation).kind !== 'added') beforeLine++;
      if ((ops[index] as Operation).kind !== 'removed') afterLine++;
    }
    const hunk = ops.slice(from, to + 1);
    const beforeCount = hunk.filter((op) => op.kind !== 'added').length;
    const afterCount = hunk.filter((op) => op.kind !== 'removed').length;
    output.push(`@@ -${beforeCount === 0 ? beforeLine - 1 : beforeLine},${beforeCount} +${afterCount === 0 ? afterLine - 1 : afterLine},${afterCount} @@`);
    for (const op of hunk) output.push(`${op.kind === 'same' ? ' ' : op.kind === 'added' ? '+' : '-'}${op.line}`);
    start = end + 1;
  }
  return `${output.join('\n')}\n`;
}
