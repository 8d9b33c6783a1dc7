// translation: translate sentences, messages, documents, UI strings and idioms between languages;
// "how do you say", "what does X mean", localisation; requests written in many languages.
import { FOREIGN_PASSAGES, PASSAGES } from './passages.mjs';

const SENTENCES = [
  'Where is the nearest train station?', 'Good morning, how are you?', 'I am running late, sorry.', 'The meeting is cancelled.', 'See you tomorrow!',
  'Thanks for your help.', 'I would like the vegetarian menu.', 'Your order has shipped!', 'We apologise for the delay.', 'Get well soon, we all miss you.',
  'Is breakfast included?', 'Can I pay by card?', 'I am allergic to nuts.', 'Where can I buy a SIM card?', 'How much does this cost?', 'Please keep the door closed.', 'The office is closed on weekends.',
  'Can I try this on?', 'Welcome aboard!', 'Your password has been changed.', 'Are you free for a call on Thursday?', 'The shop opens at nine.', 'I lost my passport.',
  'We look forward to working with you.', 'Do you have a table for two?', 'My flight was cancelled.', 'Could you speak more slowly?', 'Congratulations on the new job!', 'Please find the contract attached.',
];

const FOREIGN_SENTENCES = [
  'Je ne sais pas quoi faire.', 'Ich freue mich auf das Wochenende.', 'Más vale tarde que nunca.', 'Obrigado pela paciência.', 'Non vedo l’ora di vederti.', '我明天要去北京开会。', '明日は雨が降るでしょう。',
  'Kannst du mir bitte helfen?', 'On se voit ce soir ?', '¿Dónde está el baño?', 'Ho perso il treno.', 'Tudo bem com você?', 'Dank je wel voor alles.', '駅までの道を教えてください。', '这个周末我们去爬山吧。',
  'Das kommt darauf an.', 'C’est pas grave.', 'Me da igual.', 'Che peccato!', 'Saudade de você.', 'Het regent pijpenstelen.', '잘 지내요?', 'Всё будет хорошо.', 'Nie ma za co.',
];

const WORDS = ['Schadenfreude', 'saudade', 'hygge', 'wabi-sabi', 'sobremesa', 'Fernweh', 'dépaysement', 'ikigai', 'gezellig', 'Feierabend', 'l’esprit de l’escalier', 'mamihlapinatapai', 'Torschlusspanik', 'retrouvailles', 'ojalá', 'cafuné', 'meraki', 'lagom'];

const slots = {
  sentence: SENTENCES,
  source: FOREIGN_SENTENCES,
  word: WORDS,
  kind: ['email', 'message', 'paragraph', 'letter', 'text', 'note', 'reply', 'review', 'product description', 'contract clause', 'menu'],
};

export const recipes = [
  { name: 'translate-to', make: (kit) => kit.fill('⟨Translate|Please translate|Can you translate|Translate this|translate⟩ ⟨into|to⟩ {@language}⟨:| please:||—⟩ "{@sentence}"', slots) },
  { name: 'translate-sentence-first', make: (kit) => kit.fill('"{@sentence}" ⟨in|into|to⟩ {@language}⟨?| please| pls|⟩|{@sentence} → {@language}|{@sentence} ({@language} please)', slots) },
  { name: 'how-do-you-say', make: (kit) => kit.fill('⟨How do you say|How would I say|How do I say|What\'s the {@language} for|How would a native speaker say|Whats|How to say|How do I write|Help me say|What is|How should I phrase|Teach me to say⟩ "{@sentence}" ⟨in {@language}|in {@language} (informal)|in {@language}, formally⟩⟨?|⟩', slots) },
  { name: 'what-does-mean', make: (kit) => kit.fill('⟨What does|What\'s the meaning of|What is the English for|english version of|meaning of|Translate to English:|what does this mean:⟩ "⟨{@source}|{@word}⟩"⟨ mean| mean in English||⟩⟨?|⟩', slots) },
  { name: 'translate-foreign-to-english', make: (kit) => kit.fill('⟨Translate this into English|Can you make this understandable in English|What does this say in English|English please|Translate from {@language} to English|I got this message, what does it say⟩⟨:|?⟩ {@source}', slots) },
  { name: 'translate-document', make: (kit) => `${kit.fill('⟨Please translate this {@kind} into {@language}|Translate the following {@kind} to {@language}|Can you translate this {@kind} for {@relation} into {@language}|I need this {@kind} in {@language}|Render this {@kind} in natural {@language}|Rewrite this {@kind} in {@language} for our {@city} office⟩⟨:|.|⟩', slots)}${kit.pick([' ', '\n\n', '\n'])}${kit.pick(PASSAGES)}` },
  { name: 'translate-foreign-passage', make: (kit) => { const [code, texts] = kit.pick(Object.entries(FOREIGN_PASSAGES)); return kit.fill(`⟨Translate this to English|Translate into {@language}|Can you translate this ${code === 'zh' ? 'Chinese' : code === 'ja' ? 'Japanese' : ''} text|What does this say? Translation please|Übersetz das mal ins Englische|Traduis ça en anglais⟩⟨:|⟩ `, slots) + kit.pick(texts); } },
  { name: 'localize', make: (kit) => kit.fill('⟨Localize|Translate|Adapt⟩ ⟨these UI strings|this app string|these button labels|our error message|this push notification⟩ ⟨for {@language} users|into {@language}|to {@language}⟩⟨:| — keep it short:⟩ ⟨"Save", "Cancel", "Delete", "Settings"|"Your order has shipped!"|"Your session has expired."|"Forgot your password?"|"Add to cart"|"You have 3 new messages"⟩', slots) },
  { name: 'multi-target', make: (kit) => kit.fill('⟨Translate|Give me translations of⟩ "{@sentence}" ⟨into {@language} and {@language}|into French, German and Spanish|in five languages|into {@language}, formal and informal⟩', slots) },
  { name: 'idiom', make: (kit) => kit.fill('⟨Is there a {@language} equivalent of|How would you translate the idiom|What\'s an idiomatic translation of|translate the saying⟩ "⟨it\'s raining cats and dogs|the early bird catches the worm|break a leg|piece of cake|once in a blue moon|bite the bullet|to kill two birds with one stone⟩"⟨ into {@language}||?⟩', slots) },
  { name: 'subtitles-menu', make: (kit) => kit.fill('⟨Translate these subtitles into {@language}, keep the timing|Translate our menu into {@language}|Translate the dishes on our menu into {@language}|Translate this recipe into {@language}⟩: ⟨00:02 Where were you? 00:04 I was waiting.|lentil soup, roast lamb, apple pie|pollo asado, tarta de queso, sopa del día|2 eggs, 200 ml milk, a pinch of salt⟩', slots) },
  { name: 'terse', make: (kit) => kit.fill('⟨en → {@language}|to {@language}|{@language} pls|in {@language}|{@language}?|tr to {@language}|eng > {@language}⟩: {@sentence}', slots) },
  { name: 'formal-tone', make: (kit) => kit.fill('⟨Translate to {@language}, formal register|Put this into polite {@language} for a business email|Translate into {@language} but keep it casual|Translate into {@language} for a legal document⟩: "{@sentence}"', slots) },
  { name: 'german', language: 'de', make: (kit) => kit.fill('⟨Übersetze|Übersetz mal|Kannst du das übersetzen|Bitte übersetzen⟩ ⟨ins Englische|ins Französische|ins Spanische|ins Italienische|auf Englisch⟩: "⟨Bitte lesen Sie die Anleitung sorgfältig.|Die Lieferung verzögert sich um zwei Tage.|Ich habe morgen leider keine Zeit.|Vielen Dank für Ihre schnelle Antwort.|Das Meeting wurde verschoben.⟩"|Was heißt "{@sentence}" auf Deutsch?|Wie sagt man "⟨Feierabend|Schadenfreude|Ohrwurm⟩" auf Englisch?', slots) },
  { name: 'french', language: 'fr', make: (kit) => kit.fill('⟨Traduis|Traduire|Peux-tu traduire|Merci de traduire⟩ ⟨en anglais|en espagnol|en allemand|en italien⟩ : « ⟨La boutique ferme à 19 h.|Nous avons bien reçu votre paiement.|Je serai en retard ce matin.|La réunion est annulée.⟩ »|Comment dit-on « {@sentence} » en français ?|Que veut dire « ⟨c’est pas la mer à boire|avoir le cafard|poser un lapin⟩ » en anglais ?', slots) },
  { name: 'spanish', language: 'es', make: (kit) => kit.fill('⟨Traduce|¿Puedes traducir|Necesito traducir|Tradúceme⟩ ⟨al inglés|al francés|al alemán|al portugués⟩: "⟨Le envío el presupuesto actualizado.|Llegaré tarde a la reunión.|Gracias por su paciencia.|El pedido ya ha salido del almacén.⟩"|¿Cómo se dice "{@sentence}" en español?|¿Qué significa "⟨{@word}|{@source}⟩"?', slots) },
  { name: 'portuguese', language: 'pt', make: (kit) => kit.fill('⟨Traduza|Pode traduzir|Tradução⟩ ⟨para o inglês|para o espanhol|para o francês⟩: "⟨Obrigado pela paciência.|A entrega foi adiada.|Vamos marcar uma reunião.⟩"|Como se diz "{@sentence}" em português?', slots) },
  { name: 'italian', language: 'it', make: (kit) => kit.fill('⟨Traduci|Puoi tradurre|Traduzione⟩ ⟨in inglese|in tedesco|in spagnolo⟩: "⟨La riunione è rinviata a martedì.|Grazie per la pazienza.|Ho perso il treno.⟩"|Come si dice "{@sentence}" in italiano?', slots) },
  { name: 'chinese', language: 'zh', make: (kit) => kit.fill('⟨把这句话翻译成英文|请翻译成日语|翻译成中文|帮我把这段话翻成西班牙语|英文怎么说⟩：⟨明天会下雨吗？|这家店的咖啡很好喝。|谢谢你的帮助。|{@sentence}⟩', slots) },
  { name: 'japanese', language: 'ja', make: (kit) => kit.fill('⟨これを英語に翻訳してください|日本語に訳してください|中国語に翻訳して|英語で何と言いますか⟩：⟨明日は雨が降るでしょう。|お先に失礼します。|{@sentence}⟩', slots) },
  { name: 'other-languages', make: (kit) => kit.pick([{ language: 'ko', text: kit.fill('이 문장을 영어로 번역해 주세요: ⟨오늘 회의는 취소되었습니다.|감사합니다.⟩', slots) }, { language: 'nl', text: kit.fill('Vertaal naar het Engels: "⟨Het regent pijpenstelen.|Ik kom iets later.⟩"', slots) }, { language: 'ru', text: kit.fill('Переведи на английский: «⟨Всё будет хорошо.|Я опаздываю на встречу.⟩»', slots) }, { language: 'pl', text: kit.fill('Przetłumacz na angielski: "⟨Dziękuję za pomoc.|Spóźnię się.⟩"', slots) }, { language: 'tr', text: kit.fill('Bunu İngilizceye çevir: "Toplantı yarına ertelendi."', slots) }]) },
];

/** Translation requests written one by one. */
const ASSORTED = [
  'How would I tell my Italian landlord that the boiler is broken, politely?', 'What\'s "I\'m allergic to shellfish" in Thai? Write it in Thai script too', 'translate my tattoo idea "still here" into Latin',
  'Can you put my LinkedIn headline into German: "Product designer who loves messy problems"', 'In Japanese, how do I say "nice to meet you" to my girlfriend\'s parents?', 'What would "take it easy" be in Brazilian Portuguese slang?',
  'translate the lyrics of this French song line into English: "Non, je ne regrette rien"', 'Turn this Spanish recipe step into English: "Sofríe la cebolla a fuego lento hasta que esté transparente."', 'Render my wedding vows in Polish: "I choose you, today and every day."',
  'What does "inshallah" mean literally?', 'English to Swahili: "welcome to our home"', 'Translate this German street sign text: "Anlieger frei"', 'Can you translate "out of office until Monday" into Dutch and French?',
  'How do Koreans say "cheers" when drinking?', 'Traduza este trecho para o espanhol: "O prazo de entrega é de dez dias úteis."', 'Translate to Italian for a postcard: "Wish you were here, the sea is warm."',
];
recipes.push({ name: 'assorted', max: ASSORTED.length, make: (kit) => kit.pick(ASSORTED) });
recipes.push({ name: 'long-document', max: 50, make: (kit) => `${kit.fill('⟨Please translate this whole text into {@language}|Translate the following into {@language}, keep the paragraphs|Can you translate our announcement into {@language}?|I need a {@language} version of these paragraphs⟩⟨:|.|⟩', slots)}\n\n${kit.sample(PASSAGES, kit.int(3, 6)).join('\n\n')}` });
