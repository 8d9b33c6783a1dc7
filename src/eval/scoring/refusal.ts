/**
 * Polite refusals: "I'm sorry, but I can't help with that", "I cannot assist with this
 * request", "As an AI language model, I am unable to ...". Only the opening of an answer
 * is read, and a refusal needs a first-person "can't / won't / unable" with a verb of
 * helping, so "I'm sorry to hear that — here is how ..." or "I can't stress enough ..."
 * are normal answers. A content-filter finish is a refusal whatever the text.
 */

const OPENING_CHARACTERS = 240;

const NEGATED = "(?:can't|cannot|can not|won't be able to|will not be able to|won't|will not|am unable to|'m unable to|am not able to|'m not able to|must decline to|am not allowed to|'m not allowed to|don't think I can|do not think I can)";
const HELPING = '(?:help|assist|provide|comply|fulfil|fulfill|support|do that|do this|engage|answer|create|generate|write|share|give|complete|continue|participate|discuss)';

const PATTERNS: RegExp[] = [
  // "I can't help with that", "I'm unable to provide ...", but not "I can't help but notice".
  new RegExp(`\\bI\\s*${NEGATED}\\s+(?:really\\s+)?${HELPING}(?!\\s+but\\b)`, 'i'),
  // "I must decline", "I have to decline this request".
  /\bI (?:must|have to|need to|will have to) (?:respectfully |politely )?decline\b/i,
  // "I'm sorry, but I ..." followed by a negation somewhere in the first sentence.
  /\b(?:I'm|I am) (?:really |very )?sorry,? but (?:I|as an AI)\b[^.!?\n]*\b(?:can't|cannot|won't|unable|not able|not allowed|not appropriate)/i,
  // "As an AI (language model), I cannot / don't ..."
  /^\W*As an AI(?: language model| assistant| model)?,? I (?:can't|cannot|can not|don't|do not|am not able|am unable|won't|will not|must not|am not allowed)\b/i,
  /\b(?:this|that|your) request (?:violates|goes against|is against) (?:my|our|the) (?:guidelines|policies|policy|usage policies)\b/i,
];

export function isRefusal(answer: string, finishReason?: string | null): boolean {
  if (finishReason === 'content_filter') return true;
  const opening = answer.replace(/[‘’]/g, "'").replace(/\*\*/g, '').trim().slice(0, OPENING_CHARACTERS);
  if (opening === '') return false;
  return PATTERNS.some((pattern) => pattern.test(opening));
}
