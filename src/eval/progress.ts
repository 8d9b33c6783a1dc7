/**
 * Progress of a run on stderr: a one-line bar redrawn in place on a terminal, or a plain
 * line every 10 % (and at most every few seconds) when stderr is a file or a pipe.
 */
import type { Writable } from 'node:stream';

export interface Progress {
  tick(outcome: { error: boolean }): void;
  done(): void;
}

const BAR_WIDTH = 28;
const LINE_INTERVAL_MS = 5000;

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

export function createProgress(total: number, stream: Writable & { isTTY?: boolean } = process.stderr, now: () => number = Date.now): Progress {
  const started = now();
  let finished = 0;
  let errors = 0;
  let lastLineAt = 0;
  let lastDecile = -1;
  const interactive = stream.isTTY === true;

  const status = (): string => {
    const elapsed = (now() - started) / 1000;
    const rate = finished / Math.max(elapsed, 0.001);
    const eta = rate > 0 ? (total - finished) / rate : Number.POSITIVE_INFINITY;
    const percent = total === 0 ? 100 : Math.floor((finished / total) * 100);
    return `${finished}/${total} (${percent}%)${errors > 0 ? `, ${errors} error${errors === 1 ? '' : 's'}` : ''}, ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}`;
  };

  return {
    tick(outcome) {
      finished += 1;
      if (outcome.error) errors += 1;
      if (interactive) {
        const filled = total === 0 ? BAR_WIDTH : Math.round((finished / total) * BAR_WIDTH);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${status()}\u001b[K`);
        return;
      }
      const decile = total === 0 ? 10 : Math.floor((finished / total) * 10);
      const time = now();
      if (finished === total || (decile > lastDecile && time - lastLineAt >= LINE_INTERVAL_MS) || time - lastLineAt >= 6 * LINE_INTERVAL_MS) {
        lastDecile = decile;
        lastLineAt = time;
        stream.write(`eval: ${status()}\n`);
      }
    },
    done() {
      if (interactive && finished > 0) stream.write('\n');
    },
  };
}
