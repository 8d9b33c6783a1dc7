/**
 * Abortable waiting: every timer is cleared when the request's signal aborts (client
 * gone, simulator closing), so nothing outlives its request.
 */

/** Resolves true after `ms`, or false as soon as the signal aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when the signal aborts; holds no timer. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Milliseconds a non-streamed answer of `tokens` takes to generate. */
export function generationMs(tokens: number, tokensPerSecond: number): number {
  return Number.isFinite(tokensPerSecond) && tokensPerSecond > 0 ? (tokens * 1000) / tokensPerSecond : 0;
}

/**
 * Emits units 0..count-1 at `tokensPerSecond`, unit i due at i / tps. Units that fall
 * due together (inter-token gaps under 1 ms) are emitted as one group, so no sub-ms
 * timers are scheduled. Returns false when aborted.
 */
export async function paceUnits(
  count: number,
  tokensPerSecond: number,
  signal: AbortSignal,
  emit: (from: number, to: number) => void,
): Promise<boolean> {
  const intervalMs = Number.isFinite(tokensPerSecond) && tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
  const started = performance.now();
  let sent = 0;
  while (sent < count) {
    if (signal.aborted) return false;
    const elapsed = performance.now() - started;
    const due = intervalMs === 0 ? count : Math.min(count, Math.floor(elapsed / intervalMs) + 1);
    if (due > sent) {
      emit(sent, due);
      sent = due;
      continue;
    }
    if (!(await delay(Math.max(1, sent * intervalMs - elapsed), signal))) return false;
  }
  return !signal.aborted;
}
