// The seeded random source both data generators (scripts/guard-data, scripts/task-prompts)
// draw from: mulberry32, the same sequence as src/core/random.ts, so a seed always
// regenerates the same files.

export function randomKit(seed) {
  let state = seed >>> 0;
  function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }
  const pick = (list) => list[Math.floor(random() * list.length)];
  const chance = (probability) => random() < probability;
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  /** `count` different entries of a list, in random order. */
  function sample(list, count) {
    const copy = [...list];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [copy[index], copy[other]] = [copy[other], copy[index]];
    }
    return copy.slice(0, Math.min(count, copy.length));
  }
  const shuffle = (list) => sample(list, list.length);
  return { random, pick, chance, int, sample, shuffle };
}
