import { describe, expect, it } from 'vitest';
import { OneAtATime } from '../../src/store/one-at-a-time.js';

/** A task whose runs end only when the test says so. */
function gatedTask(): { task: () => Promise<void>; started: number; finish: () => void } {
  const state = {
    started: 0,
    release: [] as (() => void)[],
    task: (): Promise<void> => {
      state.started++;
      return new Promise<void>((resolve) => state.release.push(resolve));
    },
    finish: (): void => state.release.shift()?.(),
  };
  return state;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OneAtATime', () => {
  it('a burst of kicks during a run asks for exactly one more run', async () => {
    const gate = gatedTask();
    const runs = new OneAtATime(gate.task, () => false);
    runs.kick();
    runs.kick();
    runs.kick();
    runs.kick();
    expect(gate.started).toBe(1);
    gate.finish();
    await tick();
    expect(gate.started).toBe(2);
    gate.finish();
    await tick();
    expect(gate.started).toBe(2);
    expect(runs.current).toBeUndefined();
  });

  it('settled() waits for the run in progress and the one it asked for', async () => {
    const gate = gatedTask();
    const runs = new OneAtATime(gate.task, () => false);
    runs.kick();
    runs.kick();
    let settled = false;
    const waiting = runs.settled().then(() => (settled = true));
    gate.finish();
    await tick();
    expect(settled).toBe(false);
    expect(runs.current).toBeDefined();
    gate.finish();
    await waiting;
    expect(settled).toBe(true);
  });

  it('once stopped, kicks start nothing and the asked-for run is dropped', async () => {
    const gate = gatedTask();
    let stopped = false;
    const runs = new OneAtATime(gate.task, () => stopped);
    runs.kick();
    runs.kick();
    stopped = true;
    gate.finish();
    await tick();
    runs.kick();
    expect(gate.started).toBe(1);
  });

  it('a failed run still frees the slot for the next kick', async () => {
    let calls = 0;
    const runs = new OneAtATime(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
    }, () => false);
    runs.kick();
    await runs.current?.catch(() => undefined);
    await tick();
    runs.kick();
    await runs.settled();
    expect(calls).toBe(2);
  });
});
