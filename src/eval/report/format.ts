/** Number formatting shared by the terminal, JSON-adjacent and HTML reports. */

export function percent(value: number | null, digits = 1): string {
  return value === null ? '-' : `${(value * 100).toFixed(digits)}%`;
}

export function dollars(value: number | null): string {
  if (value === null) return '-';
  if (value === 0) return '$0';
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  if (Math.abs(value) >= 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toPrecision(3)}`;
}

export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}s` : `${Math.round(value)}ms`;
}

export function count(value: number): string {
  return value >= 1_000_000 ? `${(value / 1_000_000).toFixed(2)}M` : value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : String(value);
}

/** A plain-text table: text columns (the first `leftColumns`, or those listed) left-aligned, numbers right-aligned. */
export function textTable(header: string[], rows: string[][], leftColumns: number | readonly number[] = 2): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const isLeft = (column: number): boolean => (typeof leftColumns === 'number' ? column < leftColumns : leftColumns.includes(column));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (isLeft(column) ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
