// The small toolkit the recipes compose prompts with: a seeded random source and a
// template filler. Templates use ⟨a|b|c⟩ for "one of these" (nestable, an empty option
// is allowed; a template is itself a list of options: "a|b" picks one) and {@name} for a
// slot: a list (one entry is picked and filled in turn), a function of the kit, or a plain
// value. Slots come from the call, then from SHARED. A literal pipe is written ¦.
import { SHARED } from './shared.mjs';
import { randomKit } from '../random-kit.mjs';

export function createKit(seed) {
  const { random, pick, chance, int, sample } = randomKit(seed);

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
