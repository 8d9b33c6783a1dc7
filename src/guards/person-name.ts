/**
 * Person names, offline and without a model: capitalised words are looked up in census name
 * lists (name-lists.ts) and read in runs ("José Luis K. Saucedo Montoya", "Tygo van den Pol"),
 * and a run is a name when the evidence is enough:
 *   - a title before it ("Dr. Okafor", "Frau Weber", "Sra. Dueñas"): any capitalised run;
 *   - two or more name words with a first name or surname among them ("Aaliyah Corkery": a
 *     first name and a word that is in no dictionary), unless every word is also an ordinary
 *     word ("Rose Hill", "Mark Brown": those need a title or a cue);
 *   - one name word after a cue that introduces a person ("Dear Maria", "my name is Kofi",
 *     "Thanks, Tom", "ask Priya") or before a speech verb ("Omar said").
 * What rules a run out, since a redactor that rewrites places is useless: a place or
 * organisation word right after it ("Jordan River", "Lincoln Park", "Harvard University",
 * "Morgan Stanley & Co"), and an "&" beside it. Words of a run are separated by one space;
 * "van", "de", "von", "del"… may join them. All-capital words count only when both are known
 * names ("JOHN SMITH").
 */
import { ALSO_WORD, COMMON_FIRST, FIRST, nameLists, NEVER, SURNAME, TITLE, WORD } from './name-lists.js';
import type { Finding } from './types.js';

/** A capitalised word: an upper-case letter, then letters, marks, apostrophes and inner hyphens. */
const CAPITALISED = /\p{Lu}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*\.?/uy;
const UPPER = /\p{Lu}/u;
const UPPER_CANDIDATE = /[A-Z\u00c0-\u00de\u0100-\u024f\u0370-\u042f\u1e00-\u1eff]/g;
const WORD_BEFORE = /[\p{L}\p{M}\p{N}_'’@.-]/u;

/** Lower-case words that may join the words of a name. */
const PARTICLES = new Set(['van', 'von', 'de', 'der', 'den', 'del', 'della', 'di', 'da', 'das', 'dos', 'du', 'la', 'le', 'bin', 'ibn', 'al', 'el', 'y', 'ten', 'ter', 'e', 'zu', 'af']);
/** A word after a run that makes it a place, a building or an organisation. */
const PLACE_WORDS = new Set(
  'street st road rd avenue ave boulevard blvd lane ln drive dr court ct place pl way terrace circle highway parkway square plaza river lake park mountain mount mt bay island isle valley beach county city state town village hills hill creek canyon falls forest desert sea ocean gulf coast harbor harbour port peak ridge springs station airport bridge tower building center centre hall museum library gallery theatre theater stadium arena church cathedral chapel temple mosque school college university institute academy hospital clinic foundation company co corp corporation inc incorporated llc ltd plc gmbh ag sa group holdings bank capital partners associates brothers bros motors airlines airways systems technologies technology labs software studios studio records media news times post journal press hotel restaurant cafe bar pub market store shop mall line day award awards prize act law treaty doctrine effect syndrome disease theorem principle equation award cup league trophy festival orchestra band choir ensemble quartet agency firm route flat flats apt str crescent cove coves crossroad crossing turnpike expressway freeway alley boulevard blvd avenue ave investments ratings insurance consulting solutions services enterprises industries international global ventures logistics networks pharmaceuticals pharma energy force police army navy council committee ministry department bureau association society union club fc united republic kingdom federation'.split(' '),
);
/** Words that make a run a region, not a person: "Southern Austria", "Western Poland". */
const REGION_WORDS = new Set(
  'southern northern eastern western central south north latin austria poland canada czech czechia france germany italy spain portugal finland iceland sweden norway denmark netherlands belgium switzerland ireland england scotland wales britain greece cyprus hungary slovakia slovenia croatia serbia romania bulgaria ukraine russia turkey brazil argentina chile peru colombia mexico uruguay paraguay bolivia venezuela ecuador australia zealand india china japan korea vietnam thailand egypt morocco nigeria kenya estonia latvia lithuania luxembourg malta albania'.split(' '),
);
/** Names of places, peoples, languages and months that the census also lists as names: never taken again alone ("South Carolina … Carolina", "Latin America … America"). */
const PLACE_NAMES = new Set(
  'america americas africa asia europe oceania antarctica arctic latin german germans french english spanish italian dutch greek russian chinese japanese korean indian arabic african american european asian british irish scottish welsh polish czech swedish norwegian danish finnish turkish persian hebrew roman carolina dakota virginia georgia jersey paris london rome vienna berlin madrid lisbon dublin athens moscow warsaw prague budapest brussels amsterdam oslo stockholm helsinki copenhagen sydney melbourne toronto montreal vancouver boston chicago dallas houston denver phoenix austin memphis nashville orlando miami atlanta seattle portland camden lincoln washington jefferson madison jackson columbia victoria january february april may june july august october november december christ god lord les'.split(' '),
);
/** Words before "to" that make what follows a person, not a destination: "the assistant to Asya Godina", "said Gladys to Logan". */
const PERSON_TO = /\b(?:(?:assistant|secretary|deputy|successor|heir|married|engaged|talked|spoke|speaking|sent|gave|given|introduced|addressed|letter|note|wife|husband|son|daughter|brother|sister|mother|father)\s+to|(?:said|says|wrote|replied|whispered|shouted)\s+\p{Lu}[\p{L}\p{M}]*\s+to)\s+$/u;
/** A verb of speech right before a single name: "said Maslin", "asked Ubul". */
const SPEECH_BEFORE = /\b(?:said|says|asked|asks|replied|replies|answered|whispered|shouted|told|wrote)\s+$/;
/** What people do, right after a single name: "Dexter lives on…", "Valida spent a year at…". */
const HUMAN_AFTER = /^\s+(?:lives|lived|spent|studied|married|grew up|was born|had given|has given|just has to)\b/;
/** The same, weaker: enough after a first name of the lists ("Luiza is from Xignite"). */
const HUMAN_AFTER_KNOWN = /^\s+(?:is from|was from|works|worked|moved|gave|had|has|is so|was so)\b/;

/** A possessive of things only people have, right after a name: "here's Matej's address". */
const PERSONAL_POSSESSIVE_AFTER = /^['’]s\s+(?:address|phone|number|e-?mail|name|birthday|wife|husband|mother|father|son|daughter|brother|sister|partner|family|boss|friend|dog|cat)\b/;

/** Prepositions of place: a run after one needs a known first name ("born in Upton Keeling" is a town). */
const PLACE_BEFORE = /\b(?:in|at|near|from|(?<!according )to|into|visited|visit|via|around|across|outside|inside|toward|towards|of)\s+$/i;
/** A place word right before ("Mount Vernon", "Lake Louise", "Fort Worth", "San Diego"). */
const PLACE_WORD_BEFORE = /\b(?:mount|mt|lake|fort|port|saint|st|san|santa|santo|são|sankt|cape|point|glen|isle|new|north|south|east|west|upper|lower|greater|little|great|old)\.?\s$/i;
/** A region after a comma makes the word a town: "Austin, Texas", "Paris, France". */
const REGION_AFTER = /^,\s*(?:alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new\s\w+|north\s\w+|south\s\w+|ohio|oklahoma|oregon|pennsylvania|rhode island|tennessee|texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming|ontario|quebec|england|scotland|wales|ireland|france|germany|italy|spain|canada|australia|mexico|brazil|india|china|japan|[A-Z]{2}\b)/i;
/** Cues that introduce a person right before a single name word. */
const CUE_BEFORE = /(?:\b(?:dear|hi|hello|hey|thanks|thank you|cheers|regards|sincerely|best|love|name is|name's|name was|names are|i am|i'm|call me|calls? (?:me|him|her)|named(?: (?:him|her|them))?|called|ask|tell|attn\.?|attention|patient|client|tenant|applicant|employee|candidate|witness|cardholder|signed|according to|by|cc|from|with|to|and|for)|name|contact)\s*[:,]?\s*$/i;
/** Cues of this strength also let a single word through when it is only a surname. */
const STRONG_CUE_BEFORE = /(?:\b(?:dear|hi|hello|hey|thanks|thank you|name is|name's|i am|i'm|call me|calls? (?:me|him|her)|named(?: (?:him|her|them))?|attn\.?|signed|regards|sincerely|(?:mr|mrs|ms|mx|dr|prof)\.)|name)\s*[:,?]?\s*$/i;
/** After a single first name at a sentence's start, a comma and words addressing someone: "Leif, can I…", "Bryce, please…". */
const VOCATIVE_AFTER = /^,\s+(?:can|could|would|will|please|i|you|we|do|did|are|is|have|thanks|thank|let|let's|what|how|where|when|why)\b/i;
/** A speaker's name at a line's start: "Halldór: What a…". */
const SPEAKER_AFTER = /^:[ \t]+\S/;
const SPEECH_AFTER = /^(?:'s\b|’s\b|\s+(?:said|says|wrote|writes|asked|asks|told|replied|replies|mentioned|explained|called|emailed|texted|thinks|thought|agreed|added|noted|confirmed)\b)/;
/** Cues that are only enough for a known first name that is not also a word. */
const WEAK_CUES = /\b(?:by|cc|from|with|(?<!according )to|and|for)\s*[:,]?\s*$/i;

interface Word {
  start: number;
  end: number;
  /** Lower-cased, without a final period. */
  key: string;
  bits: number;
  initial: boolean;
  title: boolean;
  allCaps: boolean;
}

function readWord(text: string, start: number, end: number, lists: ReadonlyMap<string, number>): Word {
  let stop = end;
  if (text.charCodeAt(stop - 1) === 46) stop--;
  const key = text.slice(start, stop).toLowerCase();
  const initial = stop - start === 1;
  const second = text.charCodeAt(start + 1);
  const allCaps = !initial && second >= 65 && second <= 90;
  let bits = lists.get(key) ?? 0;
  // The census lists are written without accents: "Rubén" is "ruben", "Aurèle" "aurele".
  if (bits === 0 && /[^ -~]/.test(key)) bits = (lists.get(key.normalize('NFD').replace(/\p{M}/gu, '')) ?? 0) & ~(WORD | NEVER);
  if (bits === 0) {
    // A hyphenated name ("Mary-Jane", "García-López") is as good as its parts.
    if (key.includes('-')) for (const part of key.split('-')) bits |= (lists.get(part) ?? 0) & (FIRST | SURNAME);
    // An apostrophe name ("O'Brien", "D'Angelo") is a surname when its rest is no word.
    else if ((key.charCodeAt(0) === 111 || key.charCodeAt(0) === 100) && (key.charCodeAt(1) === 39 || key.charCodeAt(1) === 0x2019)) bits = SURNAME;
  }
  const title = (bits & TITLE) !== 0;
  return { start, end: (initial || title) && end > stop ? end : stop, key, bits: (bits & NEVER) !== 0 ? WORD | NEVER : bits, initial, title, allCaps };
}

/** A surname of the lists that is no ordinary word. */
function plainSurname(word: Word): boolean {
  return (word.bits & SURNAME) !== 0 && (word.bits & (ALSO_WORD | WORD | NEVER)) === 0 && !word.allCaps && !word.initial;
}

/** Whether `next` follows "First I." — after a middle initial a surname may be an ordinary word ("Jildau S Bouts"). */
function afterMiddleInitial(words: readonly Word[], first: number, last: number, next: Word): boolean {
  return last === first + 1 && (words[last] as Word).initial && !(words[first] as Word).initial && !next.allCaps && !next.initial && (next.bits & NEVER) === 0 && !PLACE_WORDS.has(next.key);
}

function lineEnds(text: string, end: number): boolean {
  let index = end;
  while (index < text.length && (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 9 || text.charCodeAt(index) === 13)) index++;
  return index === text.length || text.charCodeAt(index) === 10;
}

function isPlainFirst(word: Word): boolean {
  return (word.bits & FIRST) !== 0 && (word.bits & ALSO_WORD) === 0 && !word.allCaps && !word.initial;
}

/** Street type words written before the name: a street named after a person is a street ("Camino Carolina Bahena López", "Via Giuseppe Verdi"). */
const STREET_PREFIXES = new Set(
  'rue avenue av boulevard allée allee chemin impasse quai cours passage via viale piazza piazzale piazzetta corso vicolo largo strada contrada borgo calle avenida avda paseo plaza carrer carretera camino ronda rambla glorieta travesía travesia pasaje callejón callejon urbanización urbanizacion sector lugar barranco bajada subida escalinata conjunto manzana entrada terrenos rua travessa praça praca alameda estrada rodovia ulica aleja plac'.split(' '),
);
/** After a name, a relative clause about a person: "a card for Dasia, who turns 40". */
const WHO_AFTER = /^,?\s+who\b/;

/** One-word street names ("Brucker Bundesstrasse", "Kiannonkatu"): never part of a person's name. */
const STREET_ENDING = /(?:straße|strasse|gasse|platz|allee|katu|gatan|vägen|gade|straat|utca|ulica)$/;

function isNameWord(word: Word): boolean {
  if (word.initial) return true;
  if (PLACE_WORDS.has(word.key) || (word.bits & NEVER) !== 0 || STREET_ENDING.test(word.key) || STREET_PREFIXES.has(word.key)) return false;
  if (word.allCaps) return (word.bits & (FIRST | SURNAME)) !== 0 && (word.bits & ALSO_WORD) === 0;
  return (word.bits & (FIRST | SURNAME)) !== 0 || (word.bits & WORD) === 0;
}

/** Whether the text between two words lets them belong to one name: a space, or a particle between spaces. */
function joins(text: string, from: number, to: number): boolean {
  const gap = text.slice(from, to);
  if (gap === ' ' || gap === '  ') return true;
  if (gap.length > 12 || gap.charCodeAt(0) !== 32 || gap.charCodeAt(gap.length - 1) !== 32) return false;
  return gap
    .slice(1, -1)
    .split(' ')
    .every((part) => PARTICLES.has(part));
}

export function scanPersonNames(text: string, findings: Finding[]): void {
  const lists = nameLists();
  const before = findings.length;
  const words: Word[] = [];
  // Capitalised words: a plain character-class regex finds the candidates (upper-case Latin,
  // Greek and Cyrillic letters and anything else the Unicode test below accepts) far faster than
  // a Unicode-property regex or a loop over the char codes reads the prose in between.
  UPPER_CANDIDATE.lastIndex = 0;
  for (let found = UPPER_CANDIDATE.exec(text); found; found = UPPER_CANDIDATE.exec(text)) {
    const index = found.index;
    const code = text.charCodeAt(index);
    if (code > 90 && !UPPER.test(text[index] as string)) continue;
    if (index > 0 && WORD_BEFORE.test(text[index - 1] as string)) continue;
    CAPITALISED.lastIndex = index;
    const match = CAPITALISED.exec(text);
    if (!match) continue;
    let end = index + match[0].length;
    // A possessive is not part of the name: "Yefremova's" is the name "Yefremova".
    if (end - index > 3 && (text.charCodeAt(end - 1) === 115 || text.charCodeAt(end - 1) === 83) && (text.charCodeAt(end - 2) === 39 || text.charCodeAt(end - 2) === 0x2019)) end -= 2;
    UPPER_CANDIDATE.lastIndex = end;
    words.push(readWord(text, index, end, lists));
  }
  let index = 0;
  while (index < words.length) {
    const word = words[index] as Word;
    // A title, then the run after it (any capitalised words).
    const titled = word.title && index + 1 < words.length && joins(text, word.end, (words[index + 1] as Word).start);
    const first = titled ? index + 1 : index;
    // A word that is also an ordinary word does not start a name at the start of a sentence ("Ask Lia…").
    // A dictionary word can still be a name right after a strong cue ("Hi Sven", "my name is Dawn").
    const cued = !titled && word.bits === WORD && !word.allCaps && !PLACE_WORDS.has(word.key) && !sentenceStart(text, word.start) && STRONG_CUE_BEFORE.test(text.slice(Math.max(0, word.start - 24), word.start));
    if (cued) {
      findings.push({ guard: 'pii', type: 'person', rule: 'person.cue', start: word.start, end: trimPeriod(text, word.start, word.end), score: 0.6 });
      index++;
      continue;
    }
    const following = words[index + 1];
    const joined = following !== undefined && joins(text, word.end, following.start);
    // "Ken N. Fukuda" at a sentence's start: a middle initial makes a word that is also an ordinary word a first name.
    const beforeInitial = joined && (following as Word).initial && (word.bits & FIRST) !== 0;
    // A line that is only a first name the dictionary also lists and a surname of the lists ("Sven Hedlund" heading an address).
    const lineName = !titled && joined && !isNameWord(word) && (word.bits & (NEVER | TITLE)) === 0 && !word.allCaps && !PLACE_WORDS.has(word.key) && plainSurname(following as Word) && lineStart(text, word.start) && lineEnds(text, (following as Word).end);
    if (lineName) {
      findings.push({ guard: 'pii', type: 'person', rule: 'person.full', start: word.start, end: (following as Word).end, score: 0.7 });
      index += 2;
      continue;
    }
    if (!titled && (!isNameWord(word) || ((word.bits & ALSO_WORD) !== 0 && sentenceStart(text, word.start) && !beforeInitial))) {
      index++;
      continue;
    }
    let last = first;
    while (last + 1 < words.length && last - first < 4 && joins(text, (words[last] as Word).end, (words[last + 1] as Word).start)) {
      const next = words[last + 1] as Word;
      if (next.title || PLACE_WORDS.has(next.key)) break;
      // A dictionary word can be a surname right after a first name that is no word ("Emma Bins").
      const surnameWord = (last === first && !next.allCaps && (next.bits & NEVER) === 0 && isPlainFirst(words[last] as Word)) || afterMiddleInitial(words, first, last, next);
      if (!titled && !isNameWord(next) && !surnameWord) break;
      last++;
    }
    // Initials are not a name by themselves; a trailing one is not part of it ("Smith J. said").
    while (last > first && (words[last] as Word).initial && !(words[last - 1] as Word).initial) last--;
    const end = (words[last] as Word).end;
    const after = text.slice(end, end + 40);
    const nextWord = words[last + 1];
    const headStart = (words[first] as Word).start;
    const previousWord = words[first - 1];
    const streetBefore = previousWord !== undefined && previousWord.end + 1 === headStart && STREET_PREFIXES.has(previousWord.key);
    const placeAfter = !titled && (streetBefore || (nextWord !== undefined && nextWord.start === end + 1 && PLACE_WORDS.has(nextWord.key)) || REGION_AFTER.test(after) || PLACE_WORD_BEFORE.test(text.slice(Math.max(0, headStart - 8), headStart)));
    let region = false;
    for (let at = first; at <= last; at++) if (REGION_WORDS.has((words[at] as Word).key)) region = true;
    const organisation = region || /^\s*&/.test(after) || /&\s*$/.test(text.slice(Math.max(0, (words[first] as Word).start - 3), (words[first] as Word).start));
    if (!placeAfter && !organisation && isPerson(text, words, first, last, titled, after)) {
      const start = (words[first] as Word).start;
      findings.push({ guard: 'pii', type: 'person', rule: titled ? 'person.title' : last > first ? 'person.full' : 'person.cue', start, end: trimPeriod(text, start, end), score: titled || last > first ? 0.8 : 0.7 });
    }
    index = last + 1;
  }
  scanNameLists(text, words, findings);
  scanRepeatedNames(text, words, findings, before);
  scanLowerCaseLines(text, lists, findings);
}

/**
 * A word of a name found in this text is the same person's name where it stands alone
 * elsewhere in it: "the verses from Faina D. Yefremova's Cautionary Tales … early Yefremova",
 * "Asya spent a year … as the assistant to Asya Godina". The words of names of two or more
 * words count, and a name found alone, but never an ordinary word ("Key", "Mark", "America"),
 * and a word in no list only from a name with a word of the lists.
 */
function scanRepeatedNames(text: string, words: readonly Word[], findings: Finding[], from: number): void {
  const keys = new Set<string>();
  const spans: Finding[] = [];
  const lists = nameLists();
  for (let index = from; index < findings.length; index++) {
    const finding = findings[index] as Finding;
    if (finding.type !== 'person') continue;
    spans.push(finding);
    if (finding.rule === 'person.list') continue;
    const value = text.slice(finding.start, finding.end);
    if (value.indexOf(' ') === -1) {
      // A single word counts when it is no ordinary word ("Gerth had given Gerth his address").
      const bits = lists.get(value.toLowerCase()) ?? 0;
      if (value.length >= 3 && (bits & (WORD | ALSO_WORD | NEVER)) === 0 && !PLACE_NAMES.has(value.toLowerCase())) keys.add(value.toLowerCase());
      continue;
    }
    // The words of the name that are no ordinary word; a word in no list only when the name has a
    // title, a middle initial or a word of the lists too (two unknown capitalised words are as
    // often a heading in German).
    const parts = value.split(' ').map((part) => part.toLowerCase());
    const listed = finding.rule === 'person.title' || /\s\p{Lu}\.?\s/u.test(value) || parts.some((part) => ((lists.get(part) ?? 0) & (FIRST | SURNAME)) !== 0);
    for (const part of parts) {
      const bits = lists.get(part) ?? 0;
      if (part.length >= 3 && (bits & (WORD | ALSO_WORD | NEVER)) === 0 && (bits !== 0 || listed) && !PLACE_NAMES.has(part)) keys.add(part);
    }
  }
  if (keys.size === 0) return;
  spans.sort((left, right) => left.start - right.start);
  let cursor = 0;
  for (const word of words) {
    while (cursor < spans.length && (spans[cursor] as Finding).end <= word.start) cursor++;
    if (cursor < spans.length && (spans[cursor] as Finding).start < word.end) continue;
    if (word.initial || word.title || word.allCaps || !keys.has(word.key) || (word.bits & NEVER) !== 0 || PLACE_WORDS.has(word.key)) continue;
    findings.push({ guard: 'pii', type: 'person', rule: 'person.repeat', start: word.start, end: word.end, score: 0.6 });
  }
}

/** Words for people right before a list of names: "our 3 founders: Kónya, Becker and Vasquez", "written by …". */
const PEOPLE_BEFORE = /\b(?:founders?|co-founders|partners|authors|members|players|candidates|applicants|guests|speakers|panelists|winners|finalists|students|pupils|employees|staff|directors|managers|colleagues|friends|brothers|sisters|children|sons|daughters|parents|grandparents|cousins|neighbou?rs|attendees|participants|signatories|witnesses|defendants|plaintiffs|suspects|victims|patients|customers|clients|tenants|heirs|owners|people|persons|written by|signed by|led by|directed by|starring|with|cc|thanks to|dear|hi|hello)\b[^.!?\n]{0,16}$/i;

/**
 * A list of single names, "Kónya, Becker and Vasquez" or "Eklund, Michael and Hodge": three or
 * more capitalised words joined by commas and a final "and", at least two of them first names
 * or surnames of the census lists and none an ordinary word, a place or an organisation word,
 * right after words for people ("founders:", "written by", "with"), since a list of towns
 * reads the same ("Paris, Lyon and Nice"). Not before a place or organisation word ("The
 * Clark, Romero and Hall Orchestra") nor a singular verb ("Lopez, Santos and Coleman is…").
 */
function scanNameLists(text: string, words: readonly Word[], findings: Finding[]): void {
  for (let first = 0; first + 2 < words.length; first++) {
    let last = first;
    let closed = false;
    while (last + 1 < words.length && last - first < 6) {
      const gap = text.slice((words[last] as Word).end, (words[last + 1] as Word).start);
      if (gap === ', ') last++;
      else if (gap === ' and ' || gap === ', and ') {
        last++;
        closed = true;
        break;
      } else break;
    }
    if (!closed || last - first < 2) continue;
    const members = words.slice(first, last + 1);
    const known = members.filter((word) => (word.bits & (FIRST | SURNAME)) !== 0).length;
    const fit = members.every((word) => !word.initial && !word.title && !word.allCaps && !PLACE_WORDS.has(word.key) && (word.bits & (NEVER | WORD)) === 0);
    const head = members[0] as Word;
    const tail = members[members.length - 1] as Word;
    const nextWord = words[last + 1];
    const placeAfter = nextWord !== undefined && nextWord.start === tail.end + 1 && PLACE_WORDS.has(nextWord.key);
    const before = text.slice(Math.max(0, head.start - 40), head.start);
    // A singular verb after the list makes it one thing, a firm: "Lopez, Santos and Coleman is a design agency".
    const firm = /^(?:\s*&|\s+(?:is|was|has|does|employs|announced|reported)\b|'s\b|’s\b)/.test(text.slice(tail.end, tail.end + 12));
    if (fit && known >= 2 && !placeAfter && !firm && PEOPLE_BEFORE.test(before)) {
      for (const word of members) findings.push({ guard: 'pii', type: 'person', rule: 'person.list', start: word.start, end: word.end, score: 0.6 });
    }
    first = last;
  }
}

const HAS_CAPITAL = /[A-Z\u00c0-\u00de\u0100-\u024f\u0370-\u042f]/;
const LOWER_WORD = /[a-z\u00df-\u00ff\u0100-\u024f]+/g;

/**
 * Lines written all in lower case ("follow up with patricia desrosiers", "my name is lena
 * andersson") carry no capitals to go by: there a name is a first name that is no ordinary
 * word, then (after an optional initial) a surname that is no ordinary word or a word in no list
 * or dictionary; or a first name that is no word right after "my name is", "i am", "dear"…
 */
function scanLowerCaseLines(text: string, lists: ReadonlyMap<string, number>, findings: Finding[]): void {
  let lineStartAt = 0;
  while (lineStartAt < text.length) {
    let lineEnd = text.indexOf('\n', lineStartAt);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStartAt, lineEnd);
    if (line.length >= 3 && !HAS_CAPITAL.test(line)) {
      if (!lowerCaseNameLine(line, lineStartAt, lists, findings)) scanLowerCaseLine(text, line, lineStartAt, lists, findings);
    }
    lineStartAt = lineEnd + 1;
  }
}

/** A line of two or three lower-case words ("aksel kristensen", "bertram m. jørgensen"), perhaps indented. */
const LOWER_NAME_LINE = /^[ \t]*([a-z\u00df-\u00ff\u0100-\u024f]{2,}(?:[ ][a-z]\.?)?[ ][a-z\u00df-\u00ff\u0100-\u024f]{2,})[ \t]*$/;

/**
 * A line that is nothing but a lower-case name, as at the head of an address or a signature:
 * two words (an initial may stand between them), none of them an ordinary word, and the first a
 * first name or the last a surname of the lists (accents folded).
 */
function lowerCaseNameLine(line: string, offset: number, lists: ReadonlyMap<string, number>, findings: Finding[]): boolean {
  const match = LOWER_NAME_LINE.exec(line);
  if (!match) return false;
  const value = match[1] as string;
  const parts = value.split(' ');
  const head = parts[0] as string;
  const tail = parts[parts.length - 1] as string;
  const bits = (word: string) => lists.get(word) ?? lists.get(word.normalize('NFD').replace(/\p{M}/gu, '').replace(/ø/g, 'o').replace(/æ/g, 'ae').replace(/ð/g, 'd').replace(/þ/g, 'th')) ?? 0;
  const headBits = bits(head);
  const tailBits = bits(tail);
  if (((headBits | tailBits) & (WORD | ALSO_WORD | NEVER)) !== 0 || FOREIGN_WORDS.has(head) || FOREIGN_WORDS.has(tail)) return false;
  if ((headBits & FIRST) === 0 && (tailBits & SURNAME) === 0) return false;
  const start = offset + line.indexOf(value);
  findings.push({ guard: 'pii', type: 'person', rule: 'person.lowercase', start, end: start + value.length, score: 0.55 });
  return true;
}

/** Census first names that are also common words of other languages, read as words in lower-case text ("les numéros", "esta foto"). */
const FOREIGN_WORDS = new Set('les une des ces mes ses dans pour avec elle una uno esta este estas estos zona como para pero todo toda muy bien del con per sur und mit ein eine nicht german'.split(' '));

function plainLowerFirst(bits: number): boolean {
  return (bits & FIRST) !== 0 && (bits & (ALSO_WORD | WORD | NEVER)) === 0;
}

/** After a lower-case first name: an optional initial, then the next word. */
const LOWER_NEXT = /[ ](?:([a-z])\.?[ ])?([a-z\u00df-\u00ff\u0100-\u024f]{3,})(?![\p{L}\p{N}_@-]|[./][\p{L}\p{N}])/uy;

/** Whether the character before a word joins it to something else: a letter, digit, "_", "@", ".", "/", "-" or an apostrophe. */
function gluedBefore(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code >= 0xc0 || code === 95 || code === 64 || code === 46 || code === 47 || code === 45 || code === 39;
}

function scanLowerCaseLine(text: string, line: string, offset: number, lists: ReadonlyMap<string, number>, findings: Finding[]): void {
  LOWER_WORD.lastIndex = 0;
  for (let match = LOWER_WORD.exec(line); match; match = LOWER_WORD.exec(line)) {
    const word = match[0];
    const start = match.index;
    const end = start + word.length;
    if (word.length < 3 || (start > 0 && gluedBefore(line.charCodeAt(start - 1)))) continue;
    const bits = lists.get(word);
    if (bits === undefined || !plainLowerFirst(bits) || FOREIGN_WORDS.has(word)) continue;
    const after = line.charCodeAt(end);
    if (after === 64 || after === 95 || after === 45 || (after >= 48 && after <= 57)) continue;
    LOWER_NEXT.lastIndex = end;
    const next = LOWER_NEXT.exec(line);
    if (next) {
      const surnameBits = lists.get(next[2] as string) ?? 0;
      // A surname of the lists that is no word; or, after one of the common first names, a word in no list or dictionary ("olga krylova").
      if (((surnameBits & SURNAME) !== 0 && (surnameBits & (ALSO_WORD | WORD | NEVER)) === 0) || (surnameBits === 0 && (bits & COMMON_FIRST) !== 0)) {
        findings.push({ guard: 'pii', type: 'person', rule: 'person.lowercase', start: offset + start, end: offset + LOWER_NEXT.lastIndex, score: 0.6 });
        LOWER_WORD.lastIndex = LOWER_NEXT.lastIndex;
        continue;
      }
    }
    if (STRONG_CUE_BEFORE.test(line.slice(Math.max(0, start - 24), start))) {
      findings.push({ guard: 'pii', type: 'person', rule: 'person.lowercase', start: offset + start, end: offset + end, score: 0.55 });
    }
  }
}

function lineStart(text: string, start: number): boolean {
  let index = start - 1;
  while (index >= 0 && (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 9)) index--;
  return index < 0 || text.charCodeAt(index) === 10;
}

function sentenceStart(text: string, start: number): boolean {
  let index = start - 1;
  while (index >= 0 && (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 34)) index--;
  if (index < 0) return true;
  const code = text.charCodeAt(index);
  return code === 46 || code === 33 || code === 63 || code === 10 || code === 58;
}

/** A name ends before a sentence's full stop, but keeps an initial's ("John Q.") */
function trimPeriod(text: string, start: number, end: number): number {
  if (text.charCodeAt(end - 1) !== 46) return end;
  const lastSpace = text.lastIndexOf(' ', end);
  return end - 1 - Math.max(start, lastSpace + 1) === 1 ? end : end - 1;
}

function isPerson(text: string, words: readonly Word[], first: number, last: number, titled: boolean, after: string): boolean {
  if (titled) return true;
  let named = 0;
  let knownFirst = false;
  let plainName = false;
  for (let index = first; index <= last; index++) {
    const word = words[index] as Word;
    if (word.initial) continue;
    named++;
    if (word.bits & FIRST) knownFirst = true;
    if ((word.bits & (FIRST | SURNAME)) !== 0 && (word.bits & ALSO_WORD) === 0) plainName = true;
    else if ((word.bits & (FIRST | SURNAME | WORD)) === 0) plainName = true;
  }
  const head = words[first] as Word;
  const before = text.slice(Math.max(0, head.start - 24), head.start);
  const cue = CUE_BEFORE.test(before) && !WEAK_CUES.test(before);
  // An initial between two words is a middle name's: "Faina D. Yefremova", "Brad L Key".
  if (named >= 2 && !(words[first] as Word).initial && !(words[last] as Word).initial) {
    for (let index = first + 1; index < last; index++) if ((words[index] as Word).initial && !(words[index] as Word).allCaps) return true;
  }
  if (named >= 2) {
    const personTo = PERSON_TO.test(before);
    if (PLACE_BEFORE.test(before) && !knownFirst && !personTo) return false;
    // At least one word is a name, and one that is not also an ordinary word (else a cue is needed).
    const anyName = words.slice(first, last + 1).some((word) => (word.bits & (FIRST | SURNAME)) !== 0);
    // Two words in no list and no dictionary: most often a name from outside the census lists
    // ("Krisztián Szöllösy", "Wisława Szczepańska"); a place or organisation word after them, or
    // a preposition of place before them, already ruled them out.
    if (!anyName) return cue || STRONG_CUE_BEFORE.test(before) || SPEECH_AFTER.test(after) || ((!PLACE_BEFORE.test(before) || personTo) && words.slice(first, last + 1).every((word) => word.initial || (word.bits === 0 && !word.allCaps)));
    if (plainName) return true;
    return cue || STRONG_CUE_BEFORE.test(before) || SPEECH_AFTER.test(after);
  }
  if (named === 0) return false;
  // One name word: a cue must introduce it.
  if (STRONG_CUE_BEFORE.test(before)) return true;
  // A word in no list or dictionary, or a name of the lists that is no word, after a verb of
  // speech or "the assistant to", or before what people do ("Dexter lives on…").
  const unknown = head.bits === 0 && !head.allCaps && head.end - head.start >= 3;
  const listedName = (head.bits & (FIRST | SURNAME)) !== 0 && (head.bits & (ALSO_WORD | WORD)) === 0 && !head.allCaps;
  if ((unknown || listedName) && (SPEECH_BEFORE.test(before) || PERSON_TO.test(before) || HUMAN_AFTER.test(after) || PERSONAL_POSSESSIVE_AFTER.test(after))) return true;
  // Addressed at a sentence's end: "Don't go to town, Nicholas!"
  if ((head.bits & FIRST) !== 0 && ((head.bits & ALSO_WORD) === 0 || (head.bits & COMMON_FIRST) !== 0) && !head.allCaps && /,\s*$/.test(before) && /^\s*[!?]/.test(after)) return true;
  // A known first name addressed or speaking at a sentence's start ("Leif, can I…", "Halldór: What…").
  const plainFirst = knownFirst && (head.bits & ALSO_WORD) === 0 && !head.allCaps;
  if (WHO_AFTER.test(after) && !head.allCaps && (plainFirst || (head.bits === 0 && head.end - head.start >= 3))) return true;
  if (plainFirst && sentenceStart(text, head.start) && VOCATIVE_AFTER.test(after)) return true;
  if (plainFirst && lineStart(text, head.start) && SPEAKER_AFTER.test(after)) return true;
  if (!knownFirst || (head.bits & ALSO_WORD) !== 0) return false;
  if (SPEECH_AFTER.test(after) || HUMAN_AFTER.test(after) || HUMAN_AFTER_KNOWN.test(after)) return true;
  if (CUE_BEFORE.test(before) && !WEAK_CUES.test(before)) return true;

  // A common first name alone, not after a preposition of place: "Leif, can I…", "said Gladys to Logan".
  return (head.bits & COMMON_FIRST) !== 0 && !head.allCaps && !PLACE_BEFORE.test(before);
}
