/** Translation-looking output: common words swapped through tiny per-language glossaries. */
import type { SeededRandom } from '../random.js';

type Glossary = Record<string, string>;

const GLOSSARIES: Record<string, Glossary> = {
  french: {
    hello: 'bonjour', good: 'bon', morning: 'matin', the: 'le', a: 'un', is: 'est', are: 'sont', and: 'et', i: 'je', you: 'vous',
    we: 'nous', it: 'il', love: 'aime', like: 'aime', cat: 'chat', dog: 'chien', house: 'maison', day: 'jour', night: 'nuit',
    today: "aujourd'hui", weather: 'temps', beautiful: 'beau', thank: 'merci', thanks: 'merci', where: 'où', what: 'quoi',
    my: 'mon', your: 'votre', friend: 'ami', book: 'livre', water: 'eau', city: 'ville', with: 'avec', of: 'de', in: 'dans',
    not: 'pas', very: 'très', how: 'comment', time: 'temps', world: 'monde', please: "s'il vous plaît", name: 'nom',
  },
  spanish: {
    hello: 'hola', good: 'buen', morning: 'mañana', the: 'el', a: 'un', is: 'es', are: 'son', and: 'y', i: 'yo', you: 'tú',
    we: 'nosotros', it: 'eso', love: 'amo', like: 'gusta', cat: 'gato', dog: 'perro', house: 'casa', day: 'día', night: 'noche',
    today: 'hoy', weather: 'tiempo', beautiful: 'hermoso', thank: 'gracias', thanks: 'gracias', where: 'dónde', what: 'qué',
    my: 'mi', your: 'tu', friend: 'amigo', book: 'libro', water: 'agua', city: 'ciudad', with: 'con', of: 'de', in: 'en',
    not: 'no', very: 'muy', how: 'cómo', time: 'tiempo', world: 'mundo', please: 'por favor', name: 'nombre',
  },
  german: {
    hello: 'hallo', good: 'guten', morning: 'Morgen', the: 'die', a: 'ein', is: 'ist', are: 'sind', and: 'und', i: 'ich', you: 'du',
    we: 'wir', it: 'es', love: 'liebe', like: 'mag', cat: 'Katze', dog: 'Hund', house: 'Haus', day: 'Tag', night: 'Nacht',
    today: 'heute', weather: 'Wetter', beautiful: 'schön', thank: 'danke', thanks: 'danke', where: 'wo', what: 'was',
    my: 'mein', your: 'dein', friend: 'Freund', book: 'Buch', water: 'Wasser', city: 'Stadt', with: 'mit', of: 'von', in: 'in',
    not: 'nicht', very: 'sehr', how: 'wie', time: 'Zeit', world: 'Welt', please: 'bitte', name: 'Name',
  },
  italian: {
    hello: 'ciao', good: 'buon', morning: 'giorno', the: 'il', a: 'un', is: 'è', are: 'sono', and: 'e', i: 'io', you: 'tu',
    we: 'noi', it: 'esso', love: 'amo', like: 'piace', cat: 'gatto', dog: 'cane', house: 'casa', day: 'giorno', night: 'notte',
    today: 'oggi', weather: 'tempo', beautiful: 'bello', thank: 'grazie', thanks: 'grazie', where: 'dove', what: 'cosa',
    my: 'mio', your: 'tuo', friend: 'amico', book: 'libro', water: 'acqua', city: 'città', with: 'con', of: 'di', in: 'in',
    not: 'non', very: 'molto', how: 'come', time: 'tempo', world: 'mondo', please: 'per favore', name: 'nome',
  },
};

const DEFAULT_LANGUAGE = 'french';

export function targetLanguageOf(text: string): string {
  const match = /\b(?:in|into|to)\s+(french|spanish|german|italian)\b/i.exec(text) ?? /\b(french|spanish|german|italian)\b/i.exec(text);
  return match?.[1]?.toLowerCase() ?? DEFAULT_LANGUAGE;
}

/** Word-by-word through the glossary; a wrong answer picks the wrong language or skips words. */
export function pseudoTranslate(source: string, language: string, correct: boolean, random: SeededRandom): string {
  const languages = Object.keys(GLOSSARIES);
  const chosen = correct ? language : random.pick(languages.filter((candidate) => candidate !== language));
  const glossary = GLOSSARIES[chosen] ?? GLOSSARIES[DEFAULT_LANGUAGE] ?? {};
  const translated = source.replace(/[\p{L}']+/gu, (word) => {
    const replacement = glossary[word.toLowerCase()];
    if (!replacement || (!correct && random.chance(0.4))) return word;
    return /^\p{Lu}/u.test(word) ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
  });
  return translated;
}
