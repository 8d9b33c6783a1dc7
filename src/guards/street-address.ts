/**
 * Street addresses by grammar, anchored on house numbers (a text without digits costs one
 * search). Three shapes of the street line:
 *   - number first, then the street's name and a street type word (the USPS Publication 28
 *     suffixes and the British ones): "1565 N Walnut Street Suite 218", "622 Langworth
 *     Crescent", "10 Downing St";
 *   - number first, then a street type that comes before the name, as in French, Spanish,
 *     Italian and Portuguese: "45 Place Saint-Honoré", "12 rue de la Paix", "6226 Boulevard
 *     Bonaparte";
 *   - the street's name first, then the number, as in most of Europe: "Burgplatz 32a",
 *     "Kerkstraat 12", "Via Roma 10", "Calle Mayor 3", "Koskikatu 25".
 * The line may go on with a unit ("Apt. 864", "Suite 218", "Flat 3", "Zimmer 515"), then up to
 * four parts separated by commas or line breaks — a city, a state or region, a postal code, a
 * country — each made of capitalised words, codes and digits only, so the address ends where
 * prose begins. A capitalised street without a number ("Grace Hopper Street is closed") is
 * not an address.
 */
import type { Finding } from './types.js';

/** Street type words that follow the name (lower case, no period). */
const SUFFIXES = new Set(
  (
    'alley aly avenue ave av bend blvd boulevard branch brg bridge brook burg bypass byp camp canyon cape causeway cswy center ctr centre circle cir cl close cliff club common commons corner corners course court ct courts cove creek crescent cres crest crossing xing curve dale dam divide drive dr drives estate estates expressway expy extension ext fall falls ferry field fields flat flats ford forest forge fork forks fort freeway fwy garden gardens gdns gateway glen glens green greens grove gr grv harbor harbour haven heights hts highway hwy hill hills hollow inlet island islands isle junction jct junctions key keys knoll knolls lake lakes land landing lane ln light lights loaf lock locks lodge loop mall manor manors meadow meadows mews mill mills mission motorway mount mountain mountains neck orchard oval overpass park parks parkway pkwy parade pass passage path pike pine pines place pl plain plains plaza plz point pt points port ports prairie promenade quay radial ramp ranch rapid rapids rest ridge ridges rise river road rd roads route row rue run shoal shoals shore shores skyway spring springs spur square sq squares station stravenue stream street st str streets summit terrace ter throughway trace track trafficway trail trl tunnel turnpike tpke underpass union unions valley valleys via viaduct view views village villages ville vista walk walks wall way ways well wells wharf wynd yard fold wood side end gate croft chase drove garth vale rise hey bank approach broadway'
  ).split(' '),
);
/** Street type words that come before the name (lower case). */
const PREFIXES = new Set(
  'rue avenue av boulevard bd bld place pl allée allee chemin impasse quai cours route voie passage square sentier via viale piazza piazzale piazzetta corso vicolo largo strada contrada borgo rotonda incrocio calle avenida avda paseo plaza carrer carretera camino ronda rambla glorieta travesía pasaje callejón urbanización sector lugar barranco bajada subida escalinata masía conjunto manzana entrada puerta municipio rua travessa praça praca alameda estrada rodovia ulica ul aleja plac straße strasse am an auf im in zum zur'.split(' '),
);
/** Endings of one-word street names in Germanic, Nordic, Dutch, Finnish and Slavic languages. */
const SUFFIX_IN_WORD = /(?:straße|strasse|str\.|gasse|weg|platz|allee|ring|damm|ufer|steig|pfad|chaussee|markt|hof|katu|tie|kuja|polku|gatan|gata|vägen|väg|gränd|vej|gade|veien|veg|gata|straat|laan|gracht|plein|plantsoen|park|kade|singel|dijk|hof|utca|ulica|ulice|cesta|tér|körút|stræti|vegur|gata|braut|stígur|tröð)$/i;
const DIRECTION = /^(?:[NSEW]|NE|NW|SE|SW|North|South|East|West)\.?$/;
const UNIT = /^(?:,[ ]?|\.?[ ]*\n[ ]*|[ ])?(?:(?:Apt|Apartment|Appartamento|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg|Building|No|Nr|Zimmer|Wohnung|Whg|Etage|Stock|App|Piso|Piano|Scala|Interno|Int|Puerta|Bajo|Bus|Box|Lot|Space|Office|Dept|Department)(?:\.?[ ]?#?[ ]?(?=\d)|\.[ ]?#?[ ]?|[ ]#?[ ]?|#[ ]?)[0-9A-Za-z][0-9A-Za-z-]{0,5}|#[ ]?[0-9A-Za-z][0-9A-Za-z-]{0,5}|\d{1,3}(?:st|nd|rd|th|e|er|ème|º|°)?[ ](?:étage|etage|piso|floor|stock|OG|hoog(?:[ ]achter)?)|\d{1,2}[º°][ ]?(?:Izda|Dcha|Izq|Der|[A-Z])\.?)(?![\p{L}\p{N}])/iu;
/** One part after the street line: a city, a region, a postal code, a country, or a mix ("CA 94016", "65743 Colombes"). */
const PART = /^(?:,[ ]?|[ ]*\n[ ]*,?[ ]?|[ ]+(?=\d))((?:(?:\p{Lu}[\p{L}\p{M}'’-]*|\d{1,6}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}|\d{4}[ ][A-Z]{2}|[A-Z]{2})(?:[ ](?=[\p{Lu}\d])|$|(?=[,\n.;)]|[ ][^\p{Lu}\d]|$)))+)/u;
const WORD = /^[ ]+(\p{Lu}[\p{L}\p{M}'’-]*\.?|\d{1,3}(?:st|nd|rd|th)|[a-zà-ÿ]{1,4}(?=[ ]\p{Lu})|(?:de|del|di|da|do|du|des)(?=[ ](?:la|le|los|las|les|l')[ ]?\p{Lu})|(?:rue|via|rua|avenue|avenida|boulevard|chemin|impasse|allée|viale|piazza|corso|carrer|paseo|plaza|calle)(?=[ ](?:[a-zà-ÿ']{1,4}[ ]){0,2}\p{Lu}))/u;
const NUMBER = /(?<![\p{L}\p{N}_.,:/$€£#+-])(?:\d{1,6}(?:[A-Za-z](?![\p{L}\p{N}]))?(?:[-/]\d{1,4}[A-Za-z]?)?(?![\p{N}%°]|[.,]\d|[:/]\d))/uy;
/** Number shapes that are not house numbers: a time, a price, a year range, a measure. */
const NOT_HOUSE_NUMBER_BEFORE = /(?:\b(?:page|pages|p|chapter|ch|step|version|v|room|top|figure|fig|table|section|sec|item|no|number|order|invoice|ticket|grade|level|round|day|week|year|since|until|over|under|about|around|only|just|all|these|those|first|last|next)|[$€£#])\s*$/i;

interface Span {
  start: number;
  end: number;
}

function isStreetSuffix(word: string): boolean {
  const key = word.toLowerCase().replace(/\.$/, '');
  return SUFFIXES.has(key) || (key.endsWith('s') && SUFFIXES.has(key.slice(0, -1)));
}

/** Number first: "[dir] Name… Suffix [dir]" or "Prefix name…" after the number; the street line's end, or -1. */
function afterNumber(text: string, numberEnd: number): number {
  let cursor = numberEnd;
  let names = 0;
  let prefixed = false;
  for (let count = 0; count < 6; count++) {
    const match = WORD.exec(text.slice(cursor, cursor + 40));
    if (!match) break;
    const word = match[1] as string;
    const next = cursor + match[0].length;
    const bare = word.replace(/\.$/, '');
    if (count === 0 && PREFIXES.has(bare.toLowerCase()) && !DIRECTION.test(word)) {
      prefixed = true;
      cursor = next;
      continue;
    }
    if (prefixed) {
      // A unit ends the street's name: "rue de la Hulotais Apt. 087".
      if (names > 0 && /^(?:Apt|Apartment|Suite|Ste|Unit|Flat|Bldg)\.?$/i.test(word)) break;
      names++;
      cursor = next;
      continue;
    }
    if (names > 0 && isStreetSuffix(word)) {
      let end = next;
      const direction = /^[ ]+(?:[NSEW]|NE|NW|SE|SW)\.?(?![\p{L}])/u.exec(text.slice(end, end + 5));
      if (direction) end += direction[0].length;
      return end - (text.charCodeAt(end - 1) === 46 && !/^[ ]*[,\n]?[ ]*\p{Lu}/u.test(text.slice(end, end + 4)) && !/^(?:st|ave|rd|dr|blvd|ln|ct|pl|sq|ste|apt)\.$/i.test(word) ? 1 : 0);
    }
    if (/^[a-zà-ÿ]/.test(word)) break; // a particle only counts after a prefix
    if (count === 0 && DIRECTION.test(word)) {
      cursor = next;
      continue;
    }
    names++;
    cursor = next;
  }
  if (prefixed && names > 0) return trimName(text, numberEnd, cursor);
  return -1;
}

/** A prefixed street's name ends with its last capitalised word, before a trailing particle. */
function trimName(text: string, from: number, end: number): number {
  while (end > from && text.charCodeAt(end - 1) === 46) end--;
  return end;
}

const STREET_WORD = /^(?:\p{Lu}[\p{L}\p{M}'’.-]*|[a-zà-ÿ]{1,4}|(?:ul|al|pl|os|u|krt)\.|C\/|\p{Ll}[\p{L}\p{M}]*(?:straße|strasse|str\.|gasse|weg|platz|allee|katu|gatan|gata|vej|gade|straat|laan|gracht|plein|utca|ulica|stræti|vegur|braut))$/u;

const CAPITAL_START = /^\p{Lu}/u;
/** The last word of a street named before its type word ("Kossuth Lajos u.", "Marszałkowska ul."). */
const TYPE_WORD_LAST = /^(?:u\.|utca|út|krt\.|tér|ul\.|ulica|al\.|pl\.|vej|gade|gata|gatan|katu|tie)$/i;
/** Prefix words that start a street only as the line's first word, never inside the words before a number. */
const NOT_A_PREFIX_HERE = new Set(['am', 'an', 'auf', 'im', 'in', 'zum', 'zur', 'pl', 'av', 'ul']);

/** Name first: the street line's start when the words before the number name a street ("Via Roma", "Kerkstraat"), or -1. */
function beforeNumber(text: string, numberStart: number): number {
  // The words are read within the 48 characters before the number.
  const windowStart = Math.max(0, numberStart - 48);
  // Spanish writes a comma between the street and the number ("Calle Mayor, 3").
  const comma = numberStart - windowStart >= 2 && text.charCodeAt(numberStart - 2) === 44 && text.charCodeAt(numberStart - 1) === 32 ? 1 : 0;
  if (!comma && (numberStart === 0 || text.charCodeAt(numberStart - 1) !== 32)) return -1;
  // The (up to four) words right before the number, each a capitalised word, a short particle or
  // a lower-case word ending like a street ("de Jongedijk"), read backwards from space to space.
  const words: string[] = [];
  let end = numberStart - 1 - comma;
  while (words.length < 4) {
    const space = text.lastIndexOf(' ', end - 1);
    const first = space < windowStart;
    if (first && windowStart > 0) break; // possibly cut by the window
    const word = text.slice(first ? windowStart : space + 1, end);
    if (!STREET_WORD.test(word)) break;
    words.unshift(word);
    if (first) break;
    end = space;
  }
  if (words.length === 0) return -1;
  const length = words.reduce((sum, word) => sum + word.length + 1, 0);
  const start = numberStart - length - comma;
  const last = words[words.length - 1] as string;
  if (TYPE_WORD_LAST.test(last) && words.length >= 2 && CAPITAL_START.test(words[words.length - 2] as string) && !isCommonStarter(words[words.length - 2] as string)) {
    let first = words.length - 2;
    while (first > 0 && CAPITAL_START.test(words[first - 1] as string) && !isCommonStarter(words[first - 1] as string)) first--;
    return start + words.slice(0, first).reduce((sum, word) => sum + word.length + 1, 0);
  }
  if (SUFFIX_IN_WORD.test(last) && /^\p{Lu}|straße|strasse/u.test(last)) {
    // The street is the last word and any capitalised words just before it ("Am Alten Markt").
    let first = words.length - 1;
    while (first > 0 && CAPITAL_START.test(words[first - 1] as string) && !isCommonStarter(words[first - 1] as string)) first--;
    return start + words.slice(0, first).reduce((sum, word) => sum + word.length + 1, 0);
  }
  for (let index = 0; index < words.length - 1; index++) {
    // Abbreviated street types written before the name: Polish "ul." / "al." / "pl.", Spanish "C/".
    if (/^(?:ul\.|al\.|pl\.|os\.|C\/)$/.test(words[index] as string) && CAPITAL_START.test(words[index + 1] as string)) {
      return start + words.slice(0, index).reduce((sum, part) => sum + part.length + 1, 0);
    }
    const word = (words[index] as string).toLowerCase();
    if (PREFIXES.has(word) && !NOT_A_PREFIX_HERE.has(word) && CAPITAL_START.test(words[index] as string)) {
      return start + words.slice(0, index).reduce((sum, part) => sum + part.length + 1, 0);
    }
  }
  return -1;
}

/** Capitalised words that start sentences rather than street names. */
function isCommonStarter(word: string): boolean {
  return /^(?:The|In|At|On|My|Our|Your|His|Her|Their|Is|Was|To|From|Near|Meet|Visit|Address|Adresse|Dirección|Indirizzo|Send|Ship)$/.test(word);
}

/** The unit and the parts after the street line. */
function extend(text: string, end: number): number {
  const unit = UNIT.exec(text.slice(end, end + 24));
  if (unit) end += unit[0].length;
  for (let parts = 0; parts < 4; parts++) {
    // After a unit, the city may follow with only a space ("Apt. 050 Coalville South Africa").
    const rest = text.slice(end, end + 64);
    let match = PART.exec(rest) ?? (unit && parts === 0 && /^[ ]\p{Lu}/u.test(rest) ? PART.exec(`,${rest.slice(1)}`) : null);
    // After a blank line, only a part with a postal code ("\n\n Estonia 62488") still belongs to the address.
    let skipped = 0;
    if (!match) {
      const blank = /^[ ]*\n[ ]*(?=\n)/.exec(rest);
      const part = blank ? PART.exec(rest.slice(blank[0].length)) : null;
      if (!blank || !part || !/^(?:\p{Lu}[\p{L}\p{M}'’-]*[ ]){0,3}\d{4,6}$/u.test(part[1] as string)) break;
      skipped = blank[0].length;
      match = part;
    }
    if (!match) break;
    const value = match[1] as string;
    // A part of prose ("The", "We") or a long run of words is not an address line.
    if (/^(?:The|We|I|It|This|That|He|She|They|You|Please|Thanks|Call|And|But)\b/.test(value) || value.split(' ').length > 5) break;
    end += skipped + match[0].length;
    while (text.charCodeAt(end - 1) === 32) end--;
  }
  if (text.charCodeAt(end - 1) === 46 && !/\b(?:[A-Z]|St|Ave|Rd|Dr|Blvd|Ln|Ct|Pl|Sq|Ste|Apt|Mt|Ft)\.$/.test(text.slice(Math.max(0, end - 5), end))) end--;
  return end;
}

/** Post-office and military boxes: "PO Box 1425", "PSC 0413, Box 8144", "Unit 4719 Box 7394", "Postfach 10 01 23". */
const BOX_BEFORE = /(?:\b(?:P\.?[ ]?O\.?[ ]?Box|Post[ ]Office[ ]Box|Box|Postfach|Apartado(?:[ ]de[ ]correos)?|Casella[ ]postale|Bo[iî]te[ ]postale|BP)|\b(?:PSC|Unit|CMR)[ ]\d{1,5},?[ ]Box)[ ]$/i;

function postBox(text: string, start: number, numberEnd: number): Span | undefined {
  const before = text.slice(Math.max(0, start - 24), start);
  const match = BOX_BEFORE.exec(before);
  if (!match) return undefined;
  // A military box starts at its PSC / Unit / CMR number.
  return { start: start - match[0].length, end: numberEnd };
}

/**
 * Words that say an address follows ("lives at", "ship to", "address is", "office is at"):
 * after them a street line needs no street type word — "Edeby 55", "74678 midtvollen 130",
 * "Joaquin Suarez 2906" — as long as it is a number and one to four words, in either order.
 */
const ADDRESS_CUE = /(?:\b(?:address(?:es)?(?:[ ](?:is|was|are|with|to|of|at))?|return(?:ed)?[ ]to|live[sd]?[ ](?:at|on)|living[ ]at|reside[sd]?[ ]at|located[ ]at|based[ ]at|(?:office|shop|store|house|home|flat|apartment)[ ]is[ ](?:at|on)|(?:send|sent|ship|shipped|deliver|delivered|mail|mailed|post|posted|forward|bring|take)(?:[ ](?:it|them|this|that|one|a[ ]new[ ]one|the[ ]\w+))?[ ]to|moved[ ]to|drops?[ ]you[ ]off[ ]at|side[ ]of|is[ ]at|are[ ]at|meet[ ](?:me|us)[ ]at|to[ ]be[ ]sent[ ]to|here[ ](?:it|they)[ ](?:is|are)|corner[ ]of)\s*[:,]?)[ ]*$/i;
const CUED_AFTER = /^[ ]+((?:[\p{L}\p{M}'’.-]+[ ]){0,3}[\p{L}\p{M}'’.-]*\p{L}[.]?)[ ]+(\d{1,5}[A-Za-z]?)(?![\p{L}\p{N}])/u;
const CUED_BEFORE = /((?:\p{Lu}[\p{L}\p{M}'’.-]*[ ]){1,4})$/u;

function cuedStreet(text: string, start: number, numberEnd: number): Span | undefined {
  // Number, words, number: "6750 Koskikatu 25", "74678 midtvollen 130".
  const after = CUED_AFTER.exec(text.slice(numberEnd, numberEnd + 60));
  if (after) {
    const end = numberEnd + after[0].length;
    if (unitAfter(text, end) || ADDRESS_CUE.test(text.slice(Math.max(0, start - 40), start)) || blockLine(text, start, end, after[1] as string)) return { start, end };
  }
  // Words, then the number: "Edeby 55", "Joaquin Suarez 2906". (The words end with a space.)
  if (start === 0 || text.charCodeAt(start - 1) !== 32) return undefined;
  const before = CUED_BEFORE.exec(text.slice(Math.max(0, start - 48), start));
  if (!before) return undefined;
  const lineStart = start - (before[1] as string).length;
  if (/\b(?:zip|postcode|postal|code|plz|cap|cp|order|invoice|room|flight|gate|platform|terminal|version|chapter|page|ticket|no|nr|number)\b/i.test(before[1] as string)) return undefined;
  if (!unitAfter(text, numberEnd) && !ADDRESS_CUE.test(text.slice(Math.max(0, lineStart - 40), lineStart))) return undefined;
  return { start: lineStart, end: numberEnd };
}

/**
 * A line of an address block: it is the whole line, a house number, one to three capitalised
 * words and a number ("5850 Jana Nerudy 894", "20789 Allika 46"), with a line break or a comma
 * after it; the two numbers are what a heading or a title line lacks.
 */
function blockLine(text: string, start: number, end: number, words: string): boolean {
  if (!/^(?:\p{Lu}[\p{L}\p{M}'’.-]*[ ]?){1,3}$/u.test(words)) return false;
  // A year or a numbered part first is a heading: "2019 Annual Report 3", "12 Chapter 3".
  if (/^(?:19|20)\d\d(?!\d)/.test(text.slice(start, start + 5)) || /\b(?:Chapter|Part|Section|Volume|Vol|Report|Episode|Season|Step|Level|Page|Room|Table|Figure|Grade|Class|Version|Release|Issue|Round|Game|Week|Day|Year|Book|Act|Scene|Lesson|Module|Unit|Phase|Stage)\b/.test(words)) return false;
  let before = start - 1;
  while (before >= 0 && text.charCodeAt(before) === 32) before--;
  if (before >= 0 && text.charCodeAt(before) !== 10) return false;
  return /^[ ]*(?:\n|,[ ]*\S|$)/.test(text.slice(end, end + 4));
}

/** Whether a unit ("Apt. 066", "Suite 218") follows: then a name and a number are a street line without any cue. */
function unitAfter(text: string, end: number): boolean {
  const unit = UNIT.exec(text.slice(end, end + 24));
  return unit !== null && /[A-Za-z]/.test(unit[0]);
}

/** The second street of a crossing: "and" and up to four capitalised words, the last a street type ("and King Forges"), or a name and a number. */
const CROSS_STREET = /^\.?[ ]+(?:and|&)[ ]+((?:\p{Lu}[\p{L}\p{M}'’.-]*[ ]){0,3}(\p{Lu}[\p{L}\p{M}'’-]*\.?)(?:[ ]\d{1,5}[A-Za-z]?)?)(?![\p{L}\p{N}])/u;

/** Runs of ASCII digits; the house-number shape is checked around each (a plain regex is several times faster than NUMBER over prose). */
const DIGIT_RUN = /\d+/g;

/** A ship's address: "USNS Bergman / FPO AP 93757", "USS Mahler, FPO AA 70489". */
const SHIP_ADDRESS = /\b(?:USNS|USNV|USS|USCGC)[ ](?:\p{Lu}[\p{L}\p{M}'’-]*[ ]?){1,3}(?:[ ]*\n[ ]*|,[ ]?|[ ])[FAD]PO[ ]A[AEP][ ]\d{5}(?!\d)/gu;

export function scanStreetAddresses(text: string, findings: Finding[]): void {
  if (text.indexOf('PO A') !== -1) {
    SHIP_ADDRESS.lastIndex = 0;
    for (let ship = SHIP_ADDRESS.exec(text); ship; ship = SHIP_ADDRESS.exec(text)) {
      findings.push({ guard: 'pii', type: 'street_address', rule: 'street_address', start: ship.index, end: ship.index + ship[0].length, score: 0.8 });
    }
  }
  DIGIT_RUN.lastIndex = 0;
  let covered = -1;
  for (let run = DIGIT_RUN.exec(text); run; run = DIGIT_RUN.exec(text)) {
    const runStart = run.index;
    if (runStart < covered || run[0].length > 6) continue;
    // A street line has a letter within a few characters of its number, before or after it.
    if (!letterNear(text, runStart, runStart + run[0].length)) continue;
    NUMBER.lastIndex = runStart;
    const match = NUMBER.exec(text);
    if (!match || match.index !== runStart) continue;
    const start = runStart;
    const numberEnd = start + match[0].length;
    DIGIT_RUN.lastIndex = Math.max(DIGIT_RUN.lastIndex, numberEnd);
    let span: Span | undefined;
    if (!NOT_HOUSE_NUMBER_BEFORE.test(text.slice(Math.max(0, start - 12), start)) || /\n\s*$|^\s*$|[:,]\s*$/.test(text.slice(Math.max(0, start - 3), start))) {
      const lineEnd = afterNumber(text, numberEnd);
      if (lineEnd !== -1) span = { start, end: lineEnd };
    }
    if (!span) {
      const lineStart = beforeNumber(text, start);
      if (lineStart !== -1) span = { start: lineStart, end: numberEnd };
    }
    span ??= postBox(text, start, numberEnd) ?? cuedStreet(text, start, numberEnd);
    if (!span) continue;
    // Another number right before the house number belongs to the address ("370 3911 Fourth Avenue").
    const leading = /(?<![\p{L}\p{N}.,:/$-])\d{1,6}[ ]$/u.exec(text.slice(Math.max(0, span.start - 8), span.start));
    if (leading && span.start > covered && span.start - leading[0].length > covered) {
      // Before a street named first, only a number that starts a line or follows a colon, a comma or address words ("User: 5586 Þórunnarstræti 31").
      const at = span.start - leading[0].length;
      const before = text.slice(Math.max(0, at - 40), at);
      if (span.start === start || /(?:^|\n|[:,])[ ]*$/.test(before) || ADDRESS_CUE.test(before)) span.start = at;
    }
    let end = extend(text, span.end);
    // "the corner of 25 Dili Gianni Street and King Forges": the crossing is the address.
    const corner = /\b(?:the[ ])?corner[ ]of[ ]$/i.exec(text.slice(Math.max(0, span.start - 14), span.start));
    if (corner) {
      span.start -= corner[0].length;
      const other = CROSS_STREET.exec(text.slice(end, end + 60));
      if (other && (isStreetSuffix(other[2] as string) || /\d/.test(other[1] as string))) end += other[0].length;
    }
    findings.push({ guard: 'pii', type: 'street_address', rule: 'street_address', start: span.start, end, score: 0.8 });
    covered = end;
    DIGIT_RUN.lastIndex = end;
  }
}

/** Whether a letter is at most two characters (spaces, a comma) before `start` or after `end`. */
function letterNear(text: string, start: number, end: number): boolean {
  for (let index = end; index < end + 3 && index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (isLetterCode(code)) return true;
    if (code !== 32 && code !== 44 && code !== 10) break;
  }
  for (let index = start - 1; index >= start - 3 && index >= 0; index--) {
    const code = text.charCodeAt(index);
    if (isLetterCode(code) || code === 46) return true;
    if (code !== 32 && code !== 44 && code !== 10) break;
  }
  return false;
}

function isLetterCode(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code >= 0xc0;
}
