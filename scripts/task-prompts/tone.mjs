// Tones a prompt is given after a recipe wrote it: as written, polite (a greeting and/or a
// thanks in the prompt's language), terse lower-case without the final full stop, with
// typos, with chat abbreviations, or after a chatty preamble. None of these says anything
// about the category: every category gets the same mix.

const OPENERS = {
  en: ['Hi! ', 'Hello, ', 'Hey, ', 'Hey there. ', 'Good morning! ', 'Quick question: ', 'Hi there, hope you are well. ', 'Hello again. ', 'Yo, ', 'Dear assistant, ', 'Hiya. ', 'Ok so ', 'Please help: ', 'Hi, I need some help. ', 'Morning. '],
  de: ['Hallo! ', 'Hi, ', 'Guten Morgen, ', 'Moin, ', 'Servus! ', 'Hallo zusammen, ', 'Kurze Frage: ', 'Hey, '],
  fr: ['Bonjour ! ', 'Salut, ', 'Bonsoir, ', 'Coucou ! ', 'Petite question : ', 'Bonjour, j’ai besoin d’aide. '],
  es: ['¡Hola! ', 'Hola, ', 'Buenas, ', 'Buenos días. ', 'Una pregunta rápida: ', 'Oye, '],
  pt: ['Olá! ', 'Oi, ', 'Bom dia, ', 'Boa tarde! ', 'Uma dúvida rápida: ', 'E aí, '],
  it: ['Ciao! ', 'Buongiorno, ', 'Salve, ', 'Una domanda veloce: ', 'Ciao a tutti, '],
  nl: ['Hoi! ', 'Hallo, ', 'Goedemorgen, ', 'Even een vraag: '],
  zh: ['你好，', '您好！', '麻烦问一下，', '嗨，', '请帮个忙：'],
  ja: ['こんにちは。', 'すみません、', 'お疲れ様です。', '質問です。'],
  ko: ['안녕하세요. ', '저기요, ', '질문 있어요. '],
  ru: ['Привет! ', 'Здравствуйте, ', 'Добрый день. '],
  pl: ['Cześć! ', 'Dzień dobry, '],
  tr: ['Merhaba! ', 'Selam, '],
  sv: ['Hej! ', 'Hallå, '],
};

const CLOSINGS = {
  en: [' Thanks!', ' Thank you.', ' Thanks in advance.', ' Cheers.', ' thx', ' Much appreciated!', ' Thank you so much!!', ' ty', ' Thanks a lot.', ' Appreciate it.', ' Cheers mate', ' Many thanks.', ' 🙏', ' :)'],
  de: [' Danke!', ' Vielen Dank.', ' Danke im Voraus!', ' Merci!', ' Danke dir.'],
  fr: [' Merci !', ' Merci beaucoup.', ' Merci d’avance.', ' Merci bien !'],
  es: [' ¡Gracias!', ' Muchas gracias.', ' Gracias de antemano.', ' Mil gracias.'],
  pt: [' Obrigado!', ' Obrigada!', ' Valeu!', ' Desde já, obrigado.'],
  it: [' Grazie!', ' Grazie mille.', ' Grazie in anticipo.'],
  nl: [' Bedankt!', ' Dank je wel.', ' Alvast bedankt.'],
  zh: ['谢谢！', '多谢。', '麻烦了，谢谢。', '感谢！'],
  ja: ['よろしくお願いします。', 'ありがとうございます。', 'お願いします！'],
  ko: [' 감사합니다.', ' 고마워요!'],
  ru: [' Спасибо!', ' Заранее спасибо.'],
  pl: [' Dzięki!', ' Z góry dziękuję.'],
  tr: [' Teşekkürler!', ' Sağ ol.'],
  sv: [' Tack!', ' Tack på förhand.'],
};

const PREAMBLES = {
  en: ['Not sure if you can help with this, but here goes. ', 'Been stuck on this for a while. ', 'This is probably a dumb question. ', 'For work: ', 'My boss asked me this and I have no clue. ', 'Quick one before my meeting. ', 'Asking for a friend. ', 'I tried a couple of things already. ', 'Sorry for the long message. ', 'So, ', 'Okay, next thing. ', 'One more thing. ', 'Follow-up to earlier: ', 'Context: I am new to this. ', 'Writing from my phone, sorry for typos. ', 'Need this for tomorrow. ', 'Another one: '],
  de: ['Ich hänge hier gerade fest. ', 'Für die Arbeit: ', 'Noch eine Sache: ', 'Vielleicht eine dumme Frage, aber ', 'Brauche das bis morgen. '],
  fr: ['Je bloque un peu là-dessus. ', 'Pour le boulot : ', 'Encore une chose : ', 'Question peut-être bête, mais '],
  es: ['Llevo rato con esto. ', 'Para el trabajo: ', 'Otra cosa: ', 'Quizá es una pregunta tonta, pero '],
  pt: ['Estou travado nisso. ', 'Para o trabalho: ', 'Mais uma coisa: '],
  it: ['Sono bloccato su questa cosa. ', 'Per lavoro: ', 'Un’altra cosa: '],
  zh: ['我有个问题。', '工作上需要：', '还有一件事，'],
  ja: ['仕事で必要なのですが、', 'もう一つお願いがあります。'],
};

const ABBREVIATIONS = [
  [/\bplease\b/gi, 'pls'],
  [/\byou\b/gi, 'u'],
  [/\bthanks\b/gi, 'thx'],
  [/\bwhat is\b/gi, 'whats'],
  [/\bwhat's\b/gi, 'whats'],
  [/\bdon't\b/gi, 'dont'],
  [/\bI'm\b/g, 'im'],
  [/\bbecause\b/gi, 'bc'],
  [/\btomorrow\b/gi, 'tmrw'],
  [/\bare\b/gi, 'r'],
  [/\bwith\b/gi, 'w/'],
  [/\bsomething\b/gi, 'smth'],
];

const LATIN = new Set(['en', 'de', 'fr', 'es', 'pt', 'it', 'nl', 'pl', 'tr', 'sv']);

function typos(kit, text) {
  const words = text.split(' ');
  const count = kit.int(1, 3);
  for (let done = 0; done < count; done++) {
    const index = kit.int(0, words.length - 1);
    const word = words[index];
    if (!/^[a-z]{4,}$/i.test(word)) continue;
    const at = kit.int(1, word.length - 2);
    const kind = kit.int(0, 2);
    words[index] = kind === 0 ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : kind === 1 ? word.slice(0, at) + word.slice(at + 1) : word.slice(0, at) + word[at] + word.slice(at);
  }
  return words.join(' ');
}

/** People quote with "…", '…', “…”, «…» or not at all. */
function quoteStyle(kit, text) {
  const style = kit.pick(['"', '"', "'", "'", '“', '«', '']);
  if (style === '"') return text;
  const [open, close] = style === '“' ? ['“', '”'] : style === '«' ? ['« ', ' »'] : [style, style];
  return text.replace(/"([^"\n]{1,200})"/g, (_, inner) => `${open}${inner}${close}`);
}

export function applyTone(kit, text, language) {
  text = quoteStyle(kit, text);
  const long = text.length > 1500;
  const opener = () => kit.pick(OPENERS[language] ?? OPENERS.en);
  const closing = () => kit.pick(CLOSINGS[language] ?? CLOSINGS.en);
  if (!LATIN.has(language)) {
    const roll = kit.random();
    if (roll < 0.6) return text;
    if (roll < 0.85) return kit.chance(0.5) ? `${opener()}${text}` : `${text}${closing()}`;
    return `${kit.pick(PREAMBLES[language] ?? [''])}${text}`;
  }
  const roll = kit.random();
  if (roll < 0.34) return text;
  if (roll < 0.5) return `${kit.chance(0.7) ? opener() : ''}${text}${kit.chance(0.6) ? closing() : ''}`;
  if (roll < 0.64 && !long) return text.toLowerCase().replace(/[.!]\s*$/, '');
  if (roll < 0.75 && !long) return typos(kit, text);
  if (roll < 0.82 && language === 'en' && !long) {
    let result = text;
    for (const [pattern, replacement] of ABBREVIATIONS) if (kit.chance(0.6)) result = result.replace(pattern, replacement);
    return kit.chance(0.5) ? result.toLowerCase() : result;
  }
  if (roll < 0.92) return `${kit.pick(PREAMBLES[language] ?? PREAMBLES.en)}${text}`;
  return `${text}${closing()}`;
}
