// The small toolkit the recipes compose prompts with: a seeded random source and a
// template filler. Templates use ⟨a|b|c⟩ for "one of these" (nestable, an empty option
// is allowed; a template is itself a list of options: "a|b" picks one) and {@name} for a
// slot: a list (one entry is picked and filled in turn), a function of the kit, or a plain
// value. Slots come from the call, then from SHARED. A literal pipe is written ¦.
import { SHARED } from './shared.mjs';

export function createKit(seed) {
  let state = seed >>> 0;
  /** mulberry32 */
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

  function fill(template, slots = {}) {
    let text = `⟨${template}⟩`;
    // Innermost ⟨…⟩ first, so alternatives can nest.
    for (let guard = 0; text.includes('⟨') && guard < 50; guard++) text = text.replace(/⟨([^⟨⟩]*)⟩/g, (_, body) => pick(body.split('|')));
    return text.replace(/¦/g, '|').replace(/\{@(\w+)\}/g, (_, name) => {
      const value = name in slots ? slots[name] : SHARED[name];
      if (value === undefined) throw new Error(`unknown slot {@${name}} in: ${template}`);
      if (typeof value === 'function') return String(value(kit));
      if (Array.isArray(value)) return fill(pick(value), slots);
      return String(value);
    });
  }

  const kit = { random, pick, chance, int, sample, fill };
  return kit;
}
