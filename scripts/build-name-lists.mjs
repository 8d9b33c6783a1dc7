// Builds the name lists the person-name detector ships (data/pii/first-names.txt and
// data/pii/surnames.txt) from public-domain US Census Bureau name-frequency files:
//   - first names: the 1990 census files dist.male.first and dist.female.first (5,494 names with
//     their share of the population), as copied in mozilla/search-terms-sanitization @ 7bfdeab,
//     assets/names/ (the files are US government works, public domain);
//   - more first names: New York City's popular baby names (NYC Open Data, births 2011-2019 by
//     ethnicity; free to use), as aggregated in ul-mds/gecko-data @ 9b7a073,
//     en_US/given-name-gender-ethnicity.csv (3,271 rows; names given 20+ times are kept), which
//     adds the Hispanic, Asian and recent names the 1990 list lacks;
//   - surnames: the 2010 census surname file (162,253 surnames occurring 100+ times, with
//     counts), as copied in ul-mds/gecko-data @ 9b7a073, en_US/last-name.csv (public domain data;
//     the repository is MIT); the 66,000-odd surnames occurring 300 or more times are kept.
// A name that is also an ordinary lower-case English word (Debian's wamerican word list,
// /usr/share/dict/american-english: `apt-get install wamerican`) is marked with a trailing "*"
// ("will*", "grace*", "brown*"), so the detector asks for more evidence before taking it alone.
// Lines are in order of frequency, most common first. data/pii/english-words.txt holds the
// word list's other words (lower-cased, those of two letters or more that are not in either name
// list; capitalised entries such as "Texas" or "Monday" too), so a capitalised word that is in
// none of the three lists can be read as an unknown surname.
//   Raw files in bench/.tmp/names-raw/ (git-ignored):
//     git -C <mirror> show HEAD:assets/names/dist.male.first > bench/.tmp/names-raw/dist.male.first   (and dist.female.first)
//     git -C <mirror> show HEAD:en_US/last-name.csv > bench/.tmp/names-raw/census2010-last-name.csv
//   node scripts/build-name-lists.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const raw = `${root}bench/.tmp/names-raw/`;
const MIN_SURNAME_COUNT = 300;

const dictionary = new Set(readFileSync('/usr/share/dict/american-english', 'utf8').split('\n').filter((word) => /^[a-z]+$/.test(word)));
const mark = (name) => (dictionary.has(name) ? `${name}*` : name);

const firstShares = new Map();
for (const file of ['dist.male.first', 'dist.female.first']) {
  for (const line of readFileSync(`${raw}${file}`, 'utf8').split('\n')) {
    const [name, share] = line.trim().split(/\s+/);
    if (!name || !/^[A-Z]+$/.test(name)) continue;
    const key = name.toLowerCase();
    firstShares.set(key, (firstShares.get(key) ?? 0) + Number(share));
  }
}
// NYC names after the census ones (their shares are not comparable), most frequent first.
const nyc = new Map();
for (const line of readFileSync(`${raw}nyc-given-name-gender-ethnicity.csv`, 'utf8').split('\n').slice(1)) {
  const [name, , , count] = line.split(',');
  if (!name || !/^[A-Za-z]+$/.test(name)) continue;
  nyc.set(name.toLowerCase(), (nyc.get(name.toLowerCase()) ?? 0) + Number(count));
}
const MIN_NYC_COUNT = 20;
const census = [...firstShares].sort((a, b) => b[1] - a[1]).map(([name]) => name);
const extra = [...nyc].sort((a, b) => b[1] - a[1]).filter(([name, count]) => count >= MIN_NYC_COUNT && !firstShares.has(name)).map(([name]) => name);
const first = [...census, ...extra].map(mark);

const surnames = readFileSync(`${raw}census2010-last-name.csv`, 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  .filter(([name, count]) => name && Number(count) >= MIN_SURNAME_COUNT && /^[A-Za-z' -]+$/.test(name))
  .sort((a, b) => Number(b[1]) - Number(a[1]))
  .map(([name]) => mark(name.toLowerCase()));

const names = new Set([...first, ...surnames].map((name) => name.replace(/\*$/, '')));
const english = [...new Set(readFileSync('/usr/share/dict/american-english', 'utf8').split('\n').filter((word) => /^[A-Za-z]{2,}$/.test(word)).map((word) => word.toLowerCase()))]
  .filter((word) => !names.has(word))
  .sort();
writeFileSync(`${root}data/pii/english-words.txt`, `# English words that are not names in the census lists — Debian's wamerican list (SCOWL; free to use, copy and distribute), lower-cased; built by scripts/build-name-lists.mjs.\n${english.join('\n')}\n`);
const header = (what) => `# ${what} — US Census Bureau name-frequency data (public domain); built by scripts/build-name-lists.mjs. "*": also an ordinary English word.\n`;
writeFileSync(`${root}data/pii/first-names.txt`, header('First names, 1990 census, then New York City baby names 2011-2019 (NYC Open Data)') + first.join('\n') + '\n');
writeFileSync(`${root}data/pii/surnames.txt`, header(`Surnames occurring ${MIN_SURNAME_COUNT}+ times, 2010 census`) + surnames.join('\n') + '\n');
console.log(`first names: ${first.length} (${first.filter((name) => name.endsWith('*')).length} also words); surnames: ${surnames.length} (${surnames.filter((name) => name.endsWith('*')).length} also words)`);
