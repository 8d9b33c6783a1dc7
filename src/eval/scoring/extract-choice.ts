/**
 * The letter a multiple-choice answer picks (A–D): "B", "(B)", "B)", "**B**",
 * "The answer is (B)", "Answer: B", "B) Paris, because ...". Undefined when the answer
 * names no letter in a recognisable way (never guessed from an article "A").
 */
const LETTERS = 'A-D';

const PATTERNS: RegExp[] = [
  // "The answer is (B)", "Answer: B", "correct option is B", "final answer: [C]"
  new RegExp(`(?:[Aa]nswer|ANSWER|[Oo]ption|[Cc]hoice)\\s*(?:is|would be|will be|[:=\\-])?\\s*(?:[Oo]ption\\s*)?[\\(\\[]?([${LETTERS}])(?![A-Za-z0-9])`, 'g'),
];

/** Only the letter, however decorated: "B", "(B)", "B)", "[B]", "B.". */
const BARE = new RegExp(`^[\\s(\\[{]*([${LETTERS}])[\\s)\\]}.:]*$`);
/** Opens with the letter as a label: "B) Paris", "C. 42", "D: none". */
const LEADING = new RegExp(`^[\\s(\\[]*([${LETTERS}])[)\\].:](?:\\s|$)`);
const BOLD = new RegExp(`\\*\\*\\s*\\(?([${LETTERS}])\\)?[.:]?\\s*\\*\\*`, 'g');
const PARENTHESISED = new RegExp(`\\(([${LETTERS}])\\)`, 'g');

function lastCapture(text: string, pattern: RegExp): string | undefined {
  return [...text.matchAll(pattern)].pop()?.[1];
}

export function extractChoice(answer: string): string | undefined {
  const plain = answer.replace(/\*\*|__|`/g, '').trim();
  const bare = BARE.exec(plain)?.[1];
  if (bare) return bare;
  for (const pattern of PATTERNS) {
    const found = lastCapture(plain, pattern);
    if (found) return found;
  }
  const leading = LEADING.exec(plain)?.[1];
  if (leading) return leading;
  return lastCapture(answer, BOLD) ?? lastCapture(plain, PARENTHESISED);
}
