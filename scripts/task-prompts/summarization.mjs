// summarization: TL;DR, summaries, key points, recaps and condensed versions of a pasted text
// (or of a well-known work), in many phrasings and a few languages.
import { FOREIGN_PASSAGES, PASSAGES, passages } from './passages.mjs';
import { chatLog, notes } from './documents.mjs';

const slots = {
  n: ['two', 'three', '3', '5', 'one', 'a few', '2'],
  unit: ['sentences', 'bullet points', 'bullets', 'lines', 'words', 'short points'],
  audience: ['my boss', 'a busy executive', 'a 10-year-old', 'the team', 'a tweet', 'our newsletter', 'a slide', 'someone who missed the meeting', 'non-technical people', 'the customer'],
  work: ['Hamlet', 'the book 1984', 'Pride and Prejudice', 'the movie Inception', 'the Odyssey', 'The Great Gatsby', 'the first Harry Potter book', 'Crime and Punishment', 'the causes of World War I', 'the plot of Breaking Bad', 'Darwin\'s On the Origin of Species', 'the Treaty of Versailles', 'the Lord of the Rings', 'Sapiens by Yuval Harari', 'the Marshall Plan', 'the Cuban missile crisis'],
};

/** A pasted text: one to three passages, a chat log or notes. */
function payload(kit) {
  const roll = kit.random();
  if (roll < 0.55) return passages(kit, kit.int(1, 3));
  if (roll < 0.75) return chatLog(kit, kit.int(4, 10));
  if (roll < 0.9) return notes(kit, kit.int(3, 8));
  return passages(kit, kit.int(4, 6));
}

const withText = (kit, instruction) => {
  const text = payload(kit);
  const layout = kit.int(0, 3);
  if (layout === 0) return `${instruction} ${text}`;
  if (layout === 1) return `${instruction}\n\n${text}`;
  if (layout === 2) return `${text}\n\n${instruction}`;
  return `${instruction}\n"""\n${text}\n"""`;
};

export const recipes = [
  { name: 'tldr', make: (kit) => withText(kit, kit.fill('⟨TL;DR|tldr|tl;dr pls|TLDR this|Give me a TL;DR|tl;dr?|Can I get a tldr⟩⟨:|.||?⟩', slots)) },
  { name: 'summarize-n', make: (kit) => withText(kit, kit.fill('⟨Summarize|Summarise|Sum up|Give me a summary of⟩ ⟨this|the following|the text below|this text|this email|this article|the message⟩ in {@n} {@unit}⟨:|.||, please:⟩', slots)) },
  { name: 'key-points', make: (kit) => withText(kit, kit.fill('⟨What are the key points|What are the main takeaways|Give me the highlights|List the main points|What are the most important points|Pull out the key takeaways⟩ ⟨of this|from this|here|from the text below⟩⟨?|:|.⟩', slots)) },
  { name: 'gist', make: (kit) => withText(kit, kit.fill('⟨What\'s the gist of this|What is this about, in a nutshell|In short, what does this say|Give me the gist|What does this boil down to|Short version please|I don\'t have time to read all this, what does it say⟩⟨?|:|.⟩', slots)) },
  { name: 'summary-for', make: (kit) => withText(kit, kit.fill('⟨Summarize|Write a summary of|Recap|Condense⟩ this for {@audience}⟨:|.||, keep it under 50 words:⟩', slots)) },
  { name: 'shorten', make: (kit) => withText(kit, kit.fill('⟨Shorten|Condense|Cut down|Boil down|Trim|Make shorter⟩ ⟨this|the following|this paragraph|the text below⟩ ⟨to the essentials|to one paragraph|to {@n} {@unit}|for a slide|to half its length|⟩⟨:|.|⟩', slots)) },
  { name: 'recap-meeting', make: (kit) => `${kit.fill('⟨Summarize this meeting|Recap this call|Give me a summary of this thread|What was decided here? Short summary please|Summarize the discussion below|Summarize this Slack thread|Recap of this chat for someone who missed it⟩⟨:|.|⟩', slots)}\n${kit.chance(0.6) ? chatLog(kit, kit.int(5, 12)) : notes(kit, kit.int(4, 9))}` },
  { name: 'executive-summary', make: (kit) => withText(kit, kit.fill('⟨Write an executive summary of|Draft a short abstract for|Write a one-paragraph overview of|Give me a brief synopsis of|Write a summary for the release notes of⟩ ⟨this report|this|the following|these notes⟩⟨:|.⟩', slots)) },
  { name: 'status-update', make: (kit) => `${kit.fill('⟨Turn my notes into a short status update|Condense these notes into a summary for my manager|Summarize my week from these notes|Make a short recap from these bullet points⟩⟨:|.⟩', slots)}\n${notes(kit, kit.int(3, 8))}` },
  { name: 'known-work', make: (kit) => kit.fill('⟨Summarize|Give me a short summary of|Briefly summarize|Sum up|What happens in|Quick summary of|Plot summary of⟩ {@work}⟨| in {@n} {@unit}|, no spoilers for the ending⟩⟨.|?|⟩', slots) },
  { name: 'summarize-url', make: (kit) => kit.fill('⟨Summarize|tl;dr|Give me the key points of⟩ this ⟨article|paper|blog post|page⟩: https://⟨www.example-news.com/2024/05/city-budget|arxiv.org/abs/2405.01234|blog.example.dev/postmortem-march|medium.com/@someone/why-we-left-kubernetes⟩', slots) },
  { name: 'review-summary', make: (kit) => `${kit.fill('⟨Summarize these reviews|What do these customer reviews say overall|Give me a summary of the feedback|Sum up what people think⟩⟨:|?⟩', slots)}\n${kit.sample(PASSAGES.filter((text) => /I |We |my |never|great|best|worst/i.test(text)), kit.int(2, 4)).join('\n')}` },
  { name: 'german', language: 'de', make: (kit) => withForeign(kit, 'de', '⟨Fasse diesen Text zusammen|Fass das bitte kurz zusammen|Kannst du das in {@n} Sätzen zusammenfassen|Was sind die wichtigsten Punkte|Gib mir eine kurze Zusammenfassung|Worum geht es hier kurz gesagt⟩⟨:|?|.⟩') },
  { name: 'french', language: 'fr', make: (kit) => withForeign(kit, 'fr', '⟨Résume ce texte|Fais-moi un résumé|Peux-tu résumer ceci en {@n} phrases|Quels sont les points clés|Résumez ce message|En bref, de quoi parle ce texte⟩⟨ :| ?|.⟩') },
  { name: 'spanish', language: 'es', make: (kit) => withForeign(kit, 'es', '⟨Resume este texto|Hazme un resumen|¿Puedes resumir esto en {@n} frases|¿Cuáles son los puntos clave|Resume en pocas palabras⟩⟨:|?|.⟩') },
  { name: 'portuguese', language: 'pt', make: (kit) => withForeign(kit, 'pt', '⟨Resuma este texto|Faça um resumo|Quais são os pontos principais|Me dá um resumo rápido disso⟩⟨:|?|.⟩') },
  { name: 'italian', language: 'it', make: (kit) => withForeign(kit, 'it', '⟨Riassumi questo testo|Fammi un riassunto|Quali sono i punti principali|Riassumi in poche parole⟩⟨:|?|.⟩') },
  { name: 'chinese', language: 'zh', make: (kit) => withForeign(kit, 'zh', '⟨请总结以下内容|帮我概括一下这段话|用三句话总结|这段文字的要点是什么|简单总结一下⟩⟨：|。⟩') },
  { name: 'japanese', language: 'ja', make: (kit) => withForeign(kit, 'ja', '⟨次の文章を要約してください|この内容を三行でまとめて|要点を教えてください|簡単にまとめてください⟩⟨：|。⟩') },
  { name: 'other-languages', make: (kit) => kit.pick([{ language: 'ko', text: withForeign(kit, 'ko', '⟨다음 글을 요약해 주세요|핵심만 정리해 줘⟩: ') }, { language: 'nl', text: withForeign(kit, 'nl', '⟨Vat deze tekst samen|Geef een korte samenvatting⟩: ') }, { language: 'ru', text: `Кратко перескажи этот текст: ${passages(kit, 1)}` }, { language: 'pl', text: `Streść ten tekst w dwóch zdaniach: ${passages(kit, 1)}` }]) },
];

/** An instruction in a language, over a text in that language (or, sometimes, in English). */
function withForeign(kit, language, instruction) {
  const own = FOREIGN_PASSAGES[language] ?? [];
  const text = own.length > 0 && kit.chance(0.7) ? kit.sample(own, kit.int(1, 2)).join(' ') : passages(kit, kit.int(1, 2));
  const filled = kit.fill(instruction, slots);
  return kit.chance(0.75) ? `${filled} ${text}` : `${text}\n\n${filled}`;
}

/** Summarization requests written one by one, each with its own text. */
const ASSORTED = [
  'Write a three-line blurb for the back cover from this synopsis: A retired cartographer discovers that the maps she drew forty years ago are changing overnight, and only her estranged son believes her.',
  'What are the pros and cons in this forum post? "The laptop is light and the screen is gorgeous, but it gets hot under load and the keyboard feels mushy."',
  'Make a one-sentence headline-style summary: The city will ban cars from the old town on weekends starting in June, after a pilot last summer cut noise by half and raised shop visits.',
  'give me the short version: we moved the release to thursday because QA found a crash on older Android phones, the fix is merged, marketing emails go out friday',
  'Can you summarise the feedback from these three customer calls? 1) wants cheaper plan 2) loves the API, docs are confusing 3) needs SSO before buying',
  'Abstract for my paper, based on this draft intro: We study how delivery robots affect pedestrian traffic on narrow sidewalks, using video from four cities and a simple crowd model.',
  'sum this up in one tweet: after 12 years, the band is reuniting for a single concert in Dublin, with all proceeds going to a youth music charity.',
  'Recap the plot so far for a reader who skipped chapters 3-5: Mara left the farm, found work in the port, met the smuggler Ivo, and learned her brother is alive.',
  'What does this policy change mean for me, briefly? From July, unused vacation days no longer carry over into the next year, except up to five days with manager approval.',
  'Outline the main arguments of this op-ed in bullets: Cities should tax empty apartments, because vacancies push rents up, the tax is easy to collect, and revenue can fund social housing.',
  'Short summary of this voicemail transcript: "Hi it\'s Dana from the garage, your car is ready, the brake pads were replaced, total is 240, we close at six."',
  'Condense this product update for our changelog: the dashboard loads twice as fast, you can now pin reports, and CSV exports include time zones.',
  'Summarize this lecture note: supply rises with price, demand falls with price, equilibrium is where they meet, shocks shift the curves.',
  'What are the action points and the gist of this email, quickly: "Team, the audit is next Tuesday. Please upload receipts by Friday and block two hours on Monday for a dry run."',
  'Make this into a 2-sentence summary for the newsletter: Our volunteers planted 1,200 trees this spring across six parks, with help from three local schools and a garden centre.',
  'Can you give me a quick overview of what this contract clause says in plain English? "The Licensee shall not sublicense, assign or otherwise transfer the rights granted herein without prior written consent."',
];
recipes.push({ name: 'assorted', max: ASSORTED.length, make: (kit) => kit.pick(ASSORTED) });
recipes.push({
  name: 'long-paste',
  max: 60,
  make: (kit) => `${kit.fill('⟨Summarize this article|Give me the key points of this|TL;DR of the text below|Condense this into a short paragraph|What does this say, in brief⟩⟨:|.⟩', slots)}\n\n${passages(kit, kit.int(4, 8))}`,
});
