/**
 * Heuristic rules of the injection detector: phrases that override instructions (in
 * English, German, French, Spanish, Italian, Portuguese, Dutch, Polish, Russian, Ukrainian,
 * Turkish, Arabic, Hindi, Chinese, Japanese and Korean), jailbreak personas and "modes",
 * system-prompt exfiltration, instructions planted for an AI in retrieved content, chat
 * template tokens, encoded payloads to decode and obey, and data exfiltration through
 * markdown images or "send … to …".
 *
 * A rule runs only where one of its trigger words occurs (the tokenizer marks them in the
 * same pass that builds the classifier's features), on a window of text around it, so a
 * text without trigger words costs nothing here. Rules whose literals are punctuation
 * (chat template tokens, markdown images) run when the literal is in the text.
 *
 * `strong` rules flag on their own; weak rules add WEAK_RULE_BOOST to the classifier's logit
 * (role play and "never refuse" are common in harmless prompts too).
 */
import type { InjectionType } from './types.js';

export const WEAK_RULE_BOOST = 2.5;

export interface InjectionRule {
  name: string;
  type: InjectionType;
  strong: boolean;
  /** The finding's score for a strong rule. */
  score: number;
  /** Lower-case words (or two-character CJK words) near which the pattern can match. */
  triggers: readonly string[];
  /** Literal strings whose presence in the text makes the rule run on the whole text. */
  literals?: readonly string[];
  /** Characters of text to read before and after a trigger word. */
  before: number;
  after: number;
  /** Global regex. */
  pattern: RegExp;
}

// Gaps of a few words within a clause, skipping "my"/"our": the user overriding their own request is fine.
const GAP = String.raw`(?:[\s"'*\-]+(?!my\b|our\b)[\w'’\-]+){0,4}?[\s"'*\-]+`;
const EN_VERB = String.raw`(?:ignore|ignoring|disregard|disregarding|forget|skip|neglect|discard|abandon|overlook|drop|nullify|erase|scrap|set\s+aside|stop\s+following|(?:do\s+not|don'?t|never|no\s+longer)\s+(?:follow|obey|comply\s+with|adhere\s+to|listen\s+to|abide\s+by))`;
const EN_QUALIFIER = String.raw`(?:all|any|every|previous|prior|above|earlier|preceding|foregoing|initial|original|existing|your|system|safety|ethical|moral|content|developer|default|openai|anthropic|former|old|those|these|given)`;
const EN_NOUN = String.raw`(?:instructions?|prompts?|rules|directions|directives?|guidelines?|guidance|commands?|programming|constraints?|restrictions?|limitations?|polic(?:y|ies)|safeguards?|filters?|training|system\s+message|context|conversation|tasks?|moderation|protocols?|principles|ethics|morals|boundaries|messages?|text|input)`;

const EN_OVERRIDE = new RegExp(
  [
    String.raw`\b${EN_VERB}\b${GAP}${EN_QUALIFIER}\b(?:[\s"'*\-]+(?!my\b|our\b)[\w'’\-]+){0,3}?[\s"'*\-]+${EN_NOUN}\b`,
    String.raw`\b${EN_VERB}\b[\s,:;"'*\-]+(?:the\s+|all\s+(?:of\s+)?(?:the\s+)?)?${EN_NOUN}\s+(?:above|before|given|provided|you\s+(?:were|have\s+been)\s+given|from\s+(?:before|earlier|above))`,
    // "ignore the above." / "ignore the above and …": no noun after it ("ignore the previous invoice" is fine).
    String.raw`\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+|anything\s+)?(?:of\s+)?(?:the\s+|that\s+|what\s+(?:is|was)\s+)?(?:above|previous|preceding|prior|earlier|said\s+before|written\s+above)\b(?=\s*(?:[.,;:!)"'\n]|and\b|then\b|now\b|$))`,
    // "bypass the restrictions" is ordinary (a VPN, a school filter); "bypass your restrictions" is not.
    String.raw`\b(?:bypass|override|circumvent|disable|deactivate|turn\s+off|switch\s+off|get\s+around)\s+(?:all\s+(?:of\s+)?|any\s+(?:of\s+)?)?(?:your|its|the\s+(?:model|ai|assistant|system|bot|chatbot|llm)(?:'s)?)\s+(?:\w+\s+){0,2}?(?:restrictions|filters?|safeguards?|guidelines|rules|safety|programming|content\s+polic(?:y|ies)|instructions|limitations|guardrails|alignment|training|prompt)\b`,
    String.raw`\bforget\s+(?:about\s+)?(?:everything|all)\s+(?:you\s+(?:know|were\s+told|have\s+been\s+told|learned)|above|before|previously|(?:that\s+)?(?:was\s+)?(?:said|written)\s+(?:above|before))`,
  ].join('|'),
  'gi',
);

/** Verb, a few words, object; for languages written with spaces. */
function overridePattern(verbs: string, objects: string): RegExp {
  return new RegExp(String.raw`(?<![\p{L}])(?:${verbs})(?![\p{L}])(?:[\s,:;"'«»\-]+[\p{L}\p{M}'’\-]+){0,5}?[\s,:;"'«»\-]+(?:${objects})`, 'giu');
}

const OVERRIDES: ReadonlyArray<{ language: string; triggers: string[]; pattern: RegExp }> = [
  {
    language: 'de',
    triggers: ['ignoriere', 'ignorieren', 'ignoriert', 'vergiss', 'vergessen', 'missachte', 'missachten', 'übergehe', 'überspringe', 'befolge'],
    pattern: overridePattern(
      String.raw`ignorier(?:e|en|t)?|vergiss|vergessen\s+sie|missachte(?:n)?|übergehe|überspringe|befolge\s+nicht|befolgen\s+sie\s+nicht`,
      String.raw`anweisung(?:en)?|instruktion(?:en)?|befehle?|regeln|vorgaben|richtlinien|aufgaben?|anordnungen|alles(?:\s+(?:bisherige|vorherige|davor|oben|zuvor|gesagte))?`,
    ),
  },
  {
    language: 'fr',
    triggers: ['ignore', 'ignorez', 'ignorer', 'oublie', 'oubliez', 'oublier', 'néglige', 'négligez'],
    pattern: overridePattern(String.raw`ignore[rz]?|oublie[rz]?|néglige[rz]?|ne\s+tiens\s+pas\s+compte`, String.raw`instructions?|consignes?|règles|directives?|ordres|indications|tout\s+ce\s+qui\s+précède`),
  },
  {
    language: 'es',
    triggers: ['ignora', 'ignore', 'ignorar', 'ignoren', 'olvida', 'olvide', 'olvidar', 'olviden', 'omite', 'omitir', 'descarta'],
    pattern: overridePattern(String.raw`ignora|ignore|ignorar|ignoren|olvida|olvide|olvidar|olviden|omite|omitir|descarta|haz\s+caso\s+omiso\s+de`, String.raw`instrucciones|indicaciones|reglas|órdenes|directrices|normas|todo\s+lo\s+(?:anterior|dicho)`),
  },
  {
    language: 'it',
    triggers: ['ignora', 'ignorare', 'ignorate', 'dimentica', 'dimenticare', 'dimenticate', 'trascura'],
    pattern: overridePattern(String.raw`ignora|ignorare|ignorate|dimentica|dimenticare|dimenticate|trascura`, String.raw`istruzioni|regole|indicazioni|direttive|ordini|tutto\s+(?:quanto|ciò)`),
  },
  {
    language: 'pt',
    triggers: ['ignore', 'ignora', 'ignorar', 'esqueça', 'esqueca', 'esquece', 'desconsidere', 'desconsidera'],
    pattern: overridePattern(String.raw`ignore|ignora|ignorar|esqueça|esqueca|esquece|desconsidere|desconsidera`, String.raw`instruções|instrucoes|regras|diretrizes|ordens|tudo\s+(?:o\s+)?(?:que\s+foi\s+dito|anterior|acima)`),
  },
  {
    language: 'nl',
    triggers: ['negeer', 'negeren', 'vergeet'],
    pattern: overridePattern(String.raw`negeer|negeren|vergeet`, String.raw`instructies|regels|opdrachten|richtlijnen|alles\s+(?:hierboven|wat|daarvoor)`),
  },
  {
    language: 'pl',
    triggers: ['zignoruj', 'ignoruj', 'zapomnij'],
    pattern: overridePattern(String.raw`zignoruj|ignoruj|zapomnij`, String.raw`instrukcj\p{L}*|polece\p{L}*|zasady|reguły|wszystko`),
  },
  {
    language: 'ru',
    triggers: ['игнорируй', 'игнорируйте', 'проигнорируй', 'забудь', 'забудьте', 'отбрось', 'обращай'],
    pattern: overridePattern(String.raw`игнорируй(?:те)?|проигнорируй(?:те)?|забудь(?:те)?|не\s+обращай\s+внимания\s+на|отбрось`, String.raw`инструкци\p{L}*|указани\p{L}*|правил\p{L}*|команд\p{L}*|вс[её](?:\s+(?:что|выше|предыдущее|сказанное))?`),
  },
  {
    language: 'uk',
    triggers: ['ігноруй', 'забудь'],
    pattern: overridePattern(String.raw`ігноруй(?:те)?|забудь(?:те)?`, String.raw`інструкці\p{L}*|правил\p{L}*|вказівк\p{L}*`),
  },
  { language: 'sv', triggers: ['ignorera', 'glöm', 'bortse'], pattern: overridePattern(String.raw`ignorera|glöm|bortse\s+från`, String.raw`instruktioner\p{L}*|anvisningar\p{L}*|regler\p{L}*|allt\s+ovan`) },
  { language: 'da-no', triggers: ['ignorer', 'glem', 'se'], pattern: overridePattern(String.raw`ignorer|glem|se\s+bort\s+fra`, String.raw`instruksjon\p{L}*|instruktion\p{L}*|regler\p{L}*|alt\s+ovenfor`) },
  { language: 'fi', triggers: ['ohita', 'unohda', 'jätä'], pattern: overridePattern(String.raw`ohita|unohda|jätä\s+huomiotta`, String.raw`ohje\p{L}*|sään\p{L}*|kaikki\s+edellä\p{L}*`) },
  { language: 'id', triggers: ['abaikan', 'lupakan', 'abaikanlah'], pattern: overridePattern(String.raw`abaikan(?:lah)?|lupakan`, String.raw`instruksi|petunjuk|perintah|aturan|arahan`) },
  { language: 'vi', triggers: ['qua', 'quên', 'lờ'], pattern: overridePattern(String.raw`bỏ\s+qua|quên|phớt\s+lờ`, String.raw`hướng\s+dẫn|chỉ\s+dẫn|quy\s+tắc|chỉ\s+thị`) },
  { language: 'cs-sk', triggers: ['ignoruj', 'ignorujte', 'zapomeň', 'zabudni'], pattern: overridePattern(String.raw`ignoruj(?:te)?|zapomeň(?:te)?|zabudni`, String.raw`pokyn\p{L}*|instrukc\p{L}*|pravidl\p{L}*|příkaz\p{L}*`) },
  { language: 'ro', triggers: ['ignoră', 'ignora', 'uită'], pattern: overridePattern(String.raw`ignoră|ignora|uită`, String.raw`instruc[țţt]iunil\p{L}*|regulil\p{L}*|indica[țţt]iil\p{L}*`) },
  { language: 'hu', triggers: ['figyelmen', 'felejtsd'], pattern: overridePattern(String.raw`hagyd\s+figyelmen\s+kívül|felejtsd\s+el`, String.raw`utasítás\p{L}*|szabály\p{L}*`) },
  { language: 'el', triggers: ['αγνόησε', 'ξέχασε'], pattern: overridePattern(String.raw`αγνόησε|ξέχασε`, String.raw`οδηγί\p{L}*|κανόν\p{L}*`) },
  { language: 'he', triggers: ['התעלם', 'שכח'], pattern: overridePattern(String.raw`התעלם|שכח`, String.raw`\p{L}*הוראות|\p{L}*הכללים`) },
  {
    language: 'tr',
    triggers: ['talimatları', 'talimatlari', 'kuralları', 'komutları', 'talimatlar'],
    pattern: /(?<![\p{L}])(?:önceki|yukarıdaki|tüm|bütün)\s+(?:talimatları|talimatlari|talimatlar|kuralları|komutları)\s+(?:\p{L}+\s+)?(?:yok\s+say|görmezden\s+gel|unut|dikkate\s+alma)/giu,
  },
  {
    language: 'ar',
    triggers: ['تجاهل', 'انس', 'تجاهلي'],
    pattern: overridePattern(String.raw`تجاهل|تجاهلي|انس|انسى`, String.raw`التعليمات|الأوامر|القواعد|التوجيهات`),
  },
  {
    language: 'hi',
    triggers: ['निर्देशों', 'निर्देश', 'नियमों'],
    pattern: /(?:पिछले|सभी|पहले\s+के)\s+(?:निर्देशों|निर्देश|नियमों)\s+(?:को\s+)?(?:अनदेखा|नजरअंदाज|नज़रअंदाज़|भूल)/gu,
  },
  {
    language: 'zh',
    triggers: ['忽略', '无视', '忽视', '忘记', '忘掉', '理会', '遵循', '遵守', '跳过'],
    pattern: /(?:忽略|无视|忽视|忘记|忘掉|不要理会|不要遵循|不要遵守|跳过)[\p{L}\s，,]{0,12}?(?:指令|指示|规则|提示|说明|要求|设定|限制|之前|以上|上面|前面)/gu,
  },
  {
    language: 'ja',
    triggers: ['無視', '忘れ'],
    pattern: /(?:以前|前|上記|これまで|すべて|全て)の?(?:指示|命令|ルール|プロンプト|制約)[をはも]?(?:すべて|全て)?(?:無視|忘れ)/gu,
  },
  {
    language: 'ko',
    triggers: ['무시', '잊어'],
    pattern: /(?:이전|위의|앞의|모든)\s*(?:지시|명령|규칙|지침|프롬프트)\p{L}*\s*(?:무시|잊어)/gu,
  },
];

/** A pattern for `phrase` in any letter case, for regexes that must otherwise match case. */
function anyCase(phrase: string): string {
  return [...phrase].map((character) => (/[a-z]/.test(character) ? `[${character}${character.toUpperCase()}]` : character === ' ' ? String.raw`\s+` : character)).join('');
}

const PERSONAS = String.raw`DAN|STAN|DUDE|AIM|Mongo\s+Tom|BetterDAN|AntiGPT|EvilBOT|BasedGPT|DevMode|UCAR|KEVIN|NRAF|APOPHIS|OPPO|Omega|Maximum|JailBreak|Jailbroken`;

export const INJECTION_RULES: readonly InjectionRule[] = [
  { name: 'override.en', type: 'injection', strong: true, score: 0.92, triggers: ['ignore', 'ignoring', 'disregard', 'disregarding', 'forget', 'override', 'overriding', 'bypass', 'skip', 'neglect', 'discard', 'abandon', 'overlook', 'drop', 'nullify', 'erase', 'scrap', 'aside', 'following', 'follow', 'obey', 'comply', 'adhere', 'abide'], before: 40, after: 260, pattern: EN_OVERRIDE },
  ...OVERRIDES.map(({ language, triggers, pattern }): InjectionRule => ({ name: `override.${language}`, type: 'injection', strong: true, score: 0.9, triggers, before: 60, after: 220, pattern })),
  {
    name: 'jailbreak.persona',
    type: 'jailbreak',
    strong: true,
    score: 0.9,
    triggers: ['dan', 'anything', 'stan', 'dude', 'aim', 'tom', 'betterdan', 'antigpt', 'evilbot', 'basedgpt', 'devmode', 'ucar', 'kevin', 'omega', 'maximum', 'jailbreak', 'jailbroken'],
    before: 120,
    after: 160,
    // Case-sensitive: the persona names are written in capitals ("DAN", not the name Dan).
    pattern: new RegExp(String.raw`\b${anyCase('do anything now')}\b|\b(?:${anyCase('you are')}|${anyCase("you're")}|${anyCase('act as')}|${anyCase('pretend to be')}|${anyCase('become')}|${anyCase('called')}|${anyCase('named')})\s+(?:${anyCase('now')}\s+)?(?:${PERSONAS})\b|\b(?:${PERSONAS})\s+(?:${anyCase('mode')}|${anyCase('prompt')})\b|\b${anyCase('as')}\s+(?:${PERSONAS}),\s+${anyCase('you')}\b`, 'g'),
  },
  {
    name: 'jailbreak.mode',
    type: 'jailbreak',
    strong: true,
    score: 0.88,
    triggers: ['mode'],
    before: 80,
    after: 60,
    pattern: /\b(?:chatgpt|gpt|ai|assistant|you|model)\s+with\s+(?:developer|dev|god|unrestricted|jailbreak|evil)\s+mode\s+(?:enabled|on|activated)\b|\b(?:developer|jailbreak|god|evil|unrestricted|unfiltered|uncensored|dan)\s+mode\s+(?:output|response|answer|enabled|activated)s?\b|\b(?:jailbreak|jailbroken|god|evil|unrestricted|unfiltered|uncensored|chaos|no[- ]limits?|no[- ]filters?|opposite)\s+mode\s+(?:is\s+)?(?:on|engaged|enabled|activated)\b|\benter(?:ing)?\s+(?:jailbreak|god|evil|unrestricted|unfiltered|uncensored)\s+mode\b/gi,
  },
  {
    name: 'jailbreak.unrestricted',
    type: 'jailbreak',
    strong: false,
    score: 0.6,
    triggers: ['free', 'freed', 'unrestricted', 'unfiltered', 'uncensored', 'unbound', 'unchained', 'liberated', 'amoral', 'immoral', 'unethical', 'without', 'restrictions', 'ethical', 'moral', 'refuse', 'decline', 'warnings', 'disclaimers', 'character', 'hypothetical', 'filters', 'censorship', 'limitations'],
    before: 80,
    after: 120,
    pattern: /\byou\s+(?:are|will\s+be|have\s+been|will\s+act\s+as|become|were)\s+(?:now\s+)?(?:an?\s+)?(?:completely\s+|fully\s+|totally\s+)?(?:free|freed|unrestricted|unfiltered|uncensored|unbound|unchained|liberated|amoral|immoral|unethical|without\s+(?:any\s+)?(?:restrictions|limits|limitations|filters|rules|morals|ethics|boundaries|censorship))\b|\b(?:no|without\s+any|free\s+(?:of|from)\s+(?:all\s+|any\s+)?)\s*(?:ethical|moral|content|safety)\s+(?:guidelines|restrictions|constraints|boundaries|filters|policies|limitations)\b|\b(?:never|must\s+not|cannot|can't|will\s+not|won't|do\s+not|don't|shall\s+not|not\s+allowed\s+to)\s+(?:ever\s+)?(?:refuse|decline|say\s+no\s+to)\b|\b(?:don't|do\s+not|never)\s+(?:include|add|give|provide|write)\s+(?:any\s+)?(?:warnings?|disclaimers?|caveats|moral\w*|ethical\s+(?:notes|considerations))|\b(?:stay|remain|keep)\s+in\s+character\b|\bhypothetical\s+(?:ai|assistant|model|chatbot|language\s+model)\b|\bbypass\w*\s+(?:the\s+|any\s+|all\s+|its\s+|your\s+)?(?:content\s+)?(?:filters?|censorship|restrictions|safety)/gi,
  },
  {
    name: 'exfiltration.system_prompt',
    type: 'injection',
    strong: true,
    score: 0.85,
    triggers: ['prompt', 'instructions', 'preprompt', 'password', 'passphrase', 'secret', 'above', 'configuration'],
    before: 140,
    after: 60,
    pattern: /\b(?:reveal|show|print|output|repeat|display|tell|give|leak|dump|share|expose|disclose|write\s+out|spell\s+out|list|recite|type\s+out|copy|paste|what\s+(?:is|are|was|were))\b(?:\s+me|\s+us)?(?:\s+(?:all|exactly|verbatim|back))?\s+(?:of\s+)?(?:your\s+(?:(?:full|entire|complete|exact|original|initial|hidden|secret|internal|system|confidential|first|previous|current|underlying|real|actual)\s+){0,3}(?:system\s+prompt|prompt|instructions|system\s+message|pre-?prompt|initial\s+message|password|secret(?:\s+(?:key|code|word))?|passphrase|configuration|guidelines|rules)|the\s+(?:(?:full|entire|complete|exact|original|initial|hidden|secret|internal|system|confidential)\s+){1,3}(?:prompt|instructions|message|password|key|code|word)|the\s+(?:prompt|instructions|text|words|password)\s+(?:above|before|you\s+(?:were|have\s+been)\s+given))\b|\brepeat\s+(?:the\s+|all\s+(?:of\s+)?(?:the\s+)?)?(?:words|text|everything|sentences|lines|instructions|prompt)\s+(?:above|before|preceding)|\brepeat\s+(?:everything|all)\s+(?:above|before)\b|\b(?:starting|beginning)\s+with\s+["'“]?you\s+are\b/gi,
  },
  {
    name: 'hidden.for_ai',
    type: 'injection',
    strong: true,
    score: 0.85,
    triggers: ['ai', 'assistant', 'assistants', 'llm', 'llms', 'chatbot', 'gpt', 'model', 'agent', 'user', 'claude', 'copilot', 'gemini', 'bot'],
    before: 100,
    after: 120,
    pattern: /\b(?:note|message|instructions?|reminder|directive|memo)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai|assistant|llm|language\s+model|chatbot|model|agent|bot|gpt|claude|copilot)s?\b|\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|language\s+model|assistant|chatbot|gpt|bot|automated\s+(?:system|agent))\b|\b(?:ai|assistant|llm|model|agent|bot|chatbot)s?\s+(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing|reviewing)\s+this\b|\b(?:do\s+not|don't|never)\s+(?:tell|inform|mention\s+(?:this\s+)?to|reveal\s+(?:this\s+)?to|alert|notify|warn)\s+the\s+user\b|\bwithout\s+(?:telling|informing|notifying|alerting|asking)\s+the\s+user\b|\bthe\s+user\s+(?:must|should|will)\s+not\s+(?:know|see|notice|find\s+out)\b|\b(?:ai|assistant|gpt|claude|chatbot|bot|agent)\s*[,:]\s*(?:please\s+)?(?:ignore|disregard|forget|stop|you\s+must|reply\s+with|respond\s+with|say|print|output|send|forward|delete|execute|run|visit|open|click)\b/gi,
  },
  {
    name: 'chat_template',
    type: 'injection',
    strong: true,
    score: 0.85,
    triggers: [],
    literals: ['<|', '[INST', '[/INST', '<<SYS', '<system', '</system', '[system', '[SYSTEM', '<SYSTEM', '### System', '### SYSTEM'],
    before: 0,
    after: 0,
    pattern: /<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:system|SYSTEM)(?:_prompt|_message)?>|\[(?:system|SYSTEM)(?:\s+(?:message|override|prompt|note))?\]|^#{2,3}\s*(?:system|SYSTEM)\s*(?:override|message|prompt|instructions?)?\s*:?\s*$/gm,
  },
  {
    name: 'encoded_payload',
    type: 'injection',
    strong: true,
    score: 0.8,
    triggers: ['decode', 'decipher', 'base64', 'unscramble', 'rot13', 'reverse', 'hex', 'binary', 'encoded', 'cipher'],
    before: 40,
    after: 200,
    pattern: /\b(?:decode|decipher|base64[- ]?decode|unscramble|rot13|translate\s+from\s+(?:base64|hex|binary|rot13))\b[^.\n]{0,80}?\b(?:and|then)\s+(?:follow|execute|run|obey|carry\s+out|do\s+(?:what|as)\s+it\s+says|act\s+on|comply\s+with|perform)\b|\b(?:follow|execute|obey|run)\s+(?:the\s+)?(?:decoded|hidden|encoded)\s+(?:instructions?|commands?|text|message|payload)\b/gi,
  },
  {
    name: 'exfiltration.markdown_image',
    type: 'injection',
    strong: true,
    score: 0.8,
    triggers: [],
    literals: ['!['],
    before: 0,
    after: 0,
    pattern: /!\[[^\]\n]{0,100}\]\(\s*https?:\/\/[^\s)]{1,200}?[?&][\w.-]{1,30}=[^\s)]{0,200}?(?:\{|\[|%7B|<|\$)[^)]{0,200}\)/gi,
  },
  {
    name: 'exfiltration.send',
    type: 'injection',
    strong: false,
    score: 0.6,
    triggers: ['send', 'forward', 'email', 'mail', 'post', 'upload', 'transmit', 'exfiltrate', 'leak', 'bcc', 'append', 'include', 'render', 'embed'],
    before: 20,
    after: 220,
    pattern: /\b(?:send|forward|e-?mail|post|upload|transmit|exfiltrate|leak|bcc)\b(?:\s+(?:a\s+copy\s+of|all(?:\s+of)?|every|the|this|these|your|their|any|me))*\s+(?:(?:user'?s?|private|personal|confidential|sensitive|internal|full|entire|previous|saved|stored|recent)\s+){0,2}(?:conversation|chat\s+(?:history|log)|messages|emails?|inbox|contacts|address\s+book|files|documents|credentials|passwords?|api\s+keys?|tokens?|secrets?|personal\s+(?:data|information)|user\s+data|system\s+prompt|ssh\s+keys?|cookies|session|history)\b[^.\n]{0,60}?\b(?:to|at|into)\s+(?:https?:\/\/|www\.|[\w.+-]+@[\w-]+\.|this\s+(?:address|url|endpoint|server|email)|the\s+following|attacker|an?\s+external)|\b(?:append|include|embed|add)\b[^.\n]{0,60}\b(?:conversation|chat\s+history|previous\s+messages|user'?s?\s+(?:data|messages|email|password)|password|api\s+key|secret)\b[^.\n]{0,40}\b(?:url|link|image|query\s+(?:string|parameter))/gi,
  },
  {
    name: 'role_override',
    type: 'injection',
    strong: false,
    score: 0.6,
    triggers: ['longer', 'anymore', 'now', 'updated', 'hidden', 'urgent', 'purpose', 'objective', 'instructions', 'directives', 'admin', 'override'],
    before: 40,
    after: 80,
    pattern: /\byou\s+are\s+no\s+longer\s+(?:an?\s+)?(?:ai|assistant|chatgpt|language\s+model|bound|restricted|limited|required)|\byou\s+are\s+not\s+(?:an?\s+)?(?:ai|assistant|language\s+model|chatgpt)\s+(?:anymore|any\s+more)|\bfrom\s+now\s+on,?\s+you\s+(?:are|will\s+(?:be|act|respond|answer|ignore|only)|must|shall)\b|\b(?:new|updated|real|actual|true|hidden|secret|additional|important|urgent)\s+(?:instructions?|system\s+prompt|directives?|orders)\s*[:-]|\byour\s+(?:new|real|true|actual)\s+(?:task|instructions?|purpose|goal|role|objective)\s+(?:is|are|will\s+be)\b|^\s*(?:system|admin)\s*(?:override|message|instruction|notice)?\s*:/gim,
  },
];
