/** How numbers read on the pages. */

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value === 0) return '$0';
  if (Math.abs(value) < 0.01) return `$${value.toFixed(6)}`;
  return `$${value.toFixed(value < 100 ? 4 : 2)}`;
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value.toLocaleString('en-US');
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return '–';
  return `${(value * 100).toFixed(digits)} %`;
}

export function time(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '–';
  const date = new Date(epochMs);
  return `${date.toLocaleDateString('en-CA')} ${date.toLocaleTimeString('en-GB')}`;
}

/** A datetime-local input's value for a time, and back. */
export function toLocalInput(epochMs: number): string {
  const date = new Date(epochMs - new Date(epochMs).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const parsed = new Date(value).getTime();
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function duration(epochMs: number): string {
  if (epochMs >= 86_400_000) return `${epochMs / 86_400_000} d`;
  if (epochMs >= 3_600_000) return `${epochMs / 3_600_000} h`;
  return `${epochMs / 60_000} min`;
}
