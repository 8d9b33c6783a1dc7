// A seeded random source and a template filler for the guard data generators.
// Templates use ⟨a|b|c⟩ for "one of these" (nestable; an empty option is allowed) and
// {name} for a slot: a list (one entry is picked and filled in turn), a function of the kit,
// or a plain value. A literal pipe is written ¦, literal braces {{ and }}.

import { randomKit } from '../random-kit.mjs';

export function createKit(seed) {
  const { random, pick, chance, int, sample, shuffle } = randomKit(seed);

  function fill(template, slots = {}, nested = false) {
    let text = `⟨${template.replace(/\{\{/g, '\u0001').replace(/\}\}/g, '\u0002')}⟩`;
    for (let guard = 0; text.includes('⟨') && guard < 50; guard++) text = text.replace(/⟨([^⟨⟩]*)⟩/g, (_, body) => pick(body.split('|')));
    text = text.replace(/\{(\w+)\}/g, (_, name) => {
      const value = slots[name];
      if (value === undefined) throw new Error(`unknown slot {${name}} in: ${template}`);
      if (typeof value === 'function') return String(value(kit));
      if (Array.isArray(value)) return fill(pick(value), slots, true);
      return String(value);
    });
    text = text.replace(/¦/g, '|').replaceAll('\u0001', '{').replaceAll('\u0002', '}');
    return nested ? text : text.replace(/[ \t]{2,}/g, ' ').replace(/ ([,.?!:;])/g, '$1').trim();
  }

  const kit = { random, pick, chance, int, sample, shuffle, fill };
  return kit;
}

/** Words of a text (digits folded), for near-duplicate checks. */
export function wordSet(text) {
  const visible = text.length > 700 ? `${text.slice(0, 350)} ${text.slice(-350)}` : text;
  return new Set(visible.toLowerCase().replace(/\d+/g, '#').match(/[\p{L}\p{N}#_]+/gu) ?? []);
}

export function jaccard(left, right) {
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared || 1);
}

/** FNV-1a of a string, for deterministic splits by group name. */
export function hashOf(text) {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}
