// A seeded random source and a template filler for the guard data generators.
// Templates use ⟨a|b|c⟩ for "one of these" (nestable; an empty option is allowed) and
// {name} for a slot: a list (one entry is picked and filled in turn), a function of the kit,
// or a plain value. A literal pipe is written ¦, literal braces {{ and }}.

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
  function sample(list, count) {
    const copy = [...list];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [copy[index], copy[other]] = [copy[other], copy[index]];
    }
    return copy.slice(0, Math.min(count, copy.length));
  }
  function shuffle(list) {
    return sample(list, list.length);
  }

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
