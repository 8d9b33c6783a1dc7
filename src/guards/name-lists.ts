/**
 * The word lists behind the person-name detector, read once per process on first use:
 * first names and surnames from US Census Bureau frequency files (data/pii/first-names.txt,
 * data/pii/surnames.txt, built by scripts/build-name-lists.mjs) and ordinary English words
 * (data/pii/english-words.txt), so a capitalised word that is neither a known name nor a
 * dictionary word ("Kowalczyk", "Denesik") can still count as a surname next to a first name.
 */
import { readFileSync } from 'node:fs';

const DATA = new URL('../../data/pii/', import.meta.url);

/** Bits of a lower-cased word's entry. */
export const FIRST = 1;
export const SURNAME = 2;
/** The name is also an ordinary English word ("will", "grace", "brown"). */
export const ALSO_WORD = 4;
/** An English word that is not a name ("table", "line"). */
export const WORD = 8;
/** One of the COMMON_FIRST_RANK most frequent first names of the census list. */
export const COMMON_FIRST = 16;
const COMMON_FIRST_RANK = 1000;
/** A title before a name ("Dr", "Frau", "Sra"). */
export const TITLE = 32;
/** A capitalised word that never belongs to a name: articles, pronouns, greetings, months, street types. */
export const NEVER = 64;

const TITLES = new Set(
  'mr mrs ms miss mx dr prof professor sir dame lady lord rev reverend fr father sister capt captain col gen lt sgt officer judge justice senator sen rep governor gov mayor president herr frau dr.-ing mme mlle monsieur madame sr sra srta sta don doña dña señor señora sig signor signora dott dhr mevr mw ing'.split(' '),
);

const NEVER_WORDS = new Set(
  'the a an this that these those my our your his her their its in on at for from to of and or but if when with by as is are was were be i we you he she they it what why how where who whom whose which new old dear hi hello hey thanks thank please regards best yours kind warm good great happy merry team all every each some any no not yes ok okay sir madam monday tuesday wednesday thursday friday saturday sunday january february march september october november december via rue calle strada voie vía avenida rua piazza viale corso carrer paseo plaza largo travessa urbanización sección subida terrenos torrente rotonda borgo contrada vicolo località quartiere'.split(' '),
);


let words: Map<string, number> | undefined;

function read(file: string, add: (word: string) => void): void {
  const text = readFileSync(new URL(file, DATA), 'utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start && text.charCodeAt(start) !== 35 /* # */) add(text.slice(start, end));
    start = end + 1;
  }
}

/** Lower-cased word → FIRST | SURNAME | ALSO_WORD | WORD bits. */
export function nameLists(): ReadonlyMap<string, number> {
  if (words) return words;
  const map = new Map<string, number>();
  let rank = 0;
  const addName = (bit: number) => (line: string) => {
    const also = line.endsWith('*');
    const name = also ? line.slice(0, -1) : line;
    const common = bit === FIRST && rank++ < COMMON_FIRST_RANK ? COMMON_FIRST : 0;
    map.set(name, (map.get(name) ?? 0) | bit | common | (also ? ALSO_WORD : 0));
  };
  read('first-names.txt', addName(FIRST));
  read('surnames.txt', addName(SURNAME));
  read('english-words.txt', (word) => map.set(word, (map.get(word) ?? 0) | WORD));
  for (const title of TITLES) map.set(title, (map.get(title) ?? 0) | TITLE);
  for (const word of NEVER_WORDS) map.set(word, (map.get(word) ?? 0) | NEVER);
  words = map;
  return map;
}
