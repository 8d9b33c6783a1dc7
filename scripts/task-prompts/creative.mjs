// creative: stories, poems, songs, jokes, slogans, names, speeches, toasts, captions,
// dialogue and world-building.

const slots = {
  genre: ['poem', 'short story', 'haiku', 'limerick', 'song', 'fairy tale', 'sonnet', 'bedtime story', 'rap verse', 'piece of flash fiction', 'ballad', 'free verse poem', 'fable', 'ghost story', 'love letter', 'monologue', 'two-sentence horror story', 'nursery rhyme', 'short play', 'ode'],
  subject: [
    'a lighthouse keeper', 'a lost robot', 'two rival chefs', 'a dragon who hates gold', 'a time traveller stuck in 1920', 'an old fisherman', 'a cat who runs a bakery', 'a shy astronaut', 'the last tree in a city',
    'a detective afraid of the dark', 'a penguin who wants to fly', 'my grandmother\'s kitchen', 'a haunted vending machine', 'a retired superhero', 'a friendship between a fox and a crow', 'the first day of school',
    'a village where it never stops snowing', 'a mail carrier on the last day of work', 'a giraffe who is afraid of heights', 'a barista who can read minds', 'a town that forgot its name', 'a message in a bottle', 'my dog',
    'a spaceship crew that wakes up too early', 'a tired office printer', 'the moon falling in love with the sea', 'a knight who is scared of horses', 'an AI that wants to paint', 'a bakery at 4am',
  ],
  mood: ['funny', 'sad', 'hopeful', 'dark', 'whimsical', 'romantic', 'nostalgic', 'creepy', 'uplifting', 'bittersweet', 'absurd', 'cozy', 'epic', 'melancholic'],
  style: ['in the style of Dr. Seuss', 'like Edgar Allan Poe', 'as a noir detective', 'in Shakespearean English', 'like a nature documentary narrator', 'as a pirate', 'in the voice of a grumpy old man', 'like a 1950s radio ad', 'as if written by a toddler', 'in rhyming couplets', ''],
  business: ['coffee shop', 'dog-walking business', 'bakery', 'yoga studio', 'bike repair shop', 'tea shop', 'podcast about {@topic}', 'app about {@topic}', 'vegan food truck', 'bookstore', 'cleaning company', 'IT consultancy', 'escape room', 'plant shop'],
  occasion: ['my best friend\'s wedding', 'my dad\'s 60th birthday', 'a colleague\'s farewell', 'our team\'s product launch', 'my sister\'s graduation', 'a retirement party', 'our 10th anniversary', 'Christmas', 'a baby shower', 'the end of the school year'],
  length: ['', ' about 300 words', ' under 100 words', ', short', ' of four stanzas', ', no more than 8 lines', ', around 500 words'],
};

export const recipes = [
  { name: 'genre-about', make: (kit) => kit.fill('⟨Write|Can you write|Compose|I\'d love|Give me|Write me|Could you come up with|pls write⟩ a ⟨{@mood} |⟩{@genre} about ⟨{@subject}|{@topic}⟩{@length}⟨.|!||?⟩', slots) },
  { name: 'story', make: (kit) => kit.fill('⟨Tell me a story where|Write a story in which|Write a short story about how|Story idea:|Make up a story:⟩ {@subject} ⟨has to save the day|finds a secret door|meets {@subject}|loses everything|learns to cook|solves a mystery in {@city}⟩⟨.| Make it {@mood}.| For kids.| With a twist ending.⟩', slots) },
  { name: 'opening-line', make: (kit) => kit.fill('⟨Write the opening paragraph of|Give me a first line for|Draft the first page of|Write the prologue of⟩ ⟨a mystery novel set in {@city}|a fantasy epic|a sci-fi thriller about {@topic}|a romance in {@city}|a western|a crime novel⟩⟨.| Make it gripping.| Third person, present tense.|⟩', slots) },
  { name: 'poem-style', make: (kit) => kit.fill('⟨Write|Compose|Create⟩ a {@genre} about {@topic} {@style}⟨.||!⟩', slots) },
  { name: 'slogan', make: (kit) => kit.fill('⟨Come up with|Give me|Brainstorm|Suggest|Write⟩ ⟨5|10|three|some|a few⟩ ⟨slogans|taglines|catchy names|name ideas|mottos⟩ for a {@business}⟨ in {@city}||, something {@mood}⟩⟨.|?|⟩', slots) },
  { name: 'names', make: (kit) => kit.fill('⟨Ideas for a name for|Name suggestions for|What should I call|Brainstorm names for|Give me 10 names for⟩ ⟨my sourdough starter|my new kitten|a desert planet in my sci-fi novel|our pub quiz team|my D&D character, a half-elf bard|a spaceship|my band|a villain who controls the weather|our hackathon project⟩⟨?|.| — something {@mood}⟩', slots) },
  { name: 'jokes', make: (kit) => kit.fill('⟨Tell me a joke about|Make up a pun about|Write a funny limerick about|Give me a dad joke about|I need a one-liner about|Write a knock-knock joke about⟩ ⟨programmers|{@topic}|{@subject}|cats|accountants|Mondays|the weather in {@city}⟩⟨.||!⟩', slots) },
  { name: 'lyrics', make: (kit) => kit.fill('⟨Write song lyrics about|Write a chorus about|Write a rap verse about|Write a verse and a hook for a ⟨country|pop|punk|folk|jazz⟩ song about|Give me lyrics for a lullaby about⟩ ⟨{@topic}|missing {@city}|{@subject}|a rainy bus ride|summer love⟩⟨.| Make it rhyme.|⟩', slots) },
  { name: 'speech-toast', make: (kit) => kit.fill('⟨Write a toast for|I need a speech for|Write a {@mood} speech for|Help me with a short toast for|Write a best man speech for⟩ {@occasion}⟨.|, funny but kind.|, about two minutes long.|⟩', slots) },
  { name: 'card-message', make: (kit) => kit.fill('⟨Write something sweet for|Write a card message for|What should I write in the card for|Write a {@mood} note for⟩ {@occasion}⟨.|?| — it\'s for {@relation}.⟩', slots) },
  { name: 'captions-posts', make: (kit) => kit.fill('⟨Caption for my Instagram post about|Give me a witty tweet about|Write a LinkedIn post announcing|Caption ideas for⟩ ⟨a photo of my new bike|our new office|my trip to {@city}|my dog\'s birthday|finishing my first marathon|the launch of our {@business}⟩⟨, make it funny|, keep it short||⟩', slots) },
  { name: 'dialogue', make: (kit) => kit.fill('⟨Write a dialogue between|Write a scene where|Script a conversation between|Write a funny exchange between⟩ {@subject} and ⟨{@subject}|{@relation}|a tax inspector|a very confused tourist⟩⟨.| Make it {@mood}.|⟩', slots) },
  { name: 'worldbuilding', make: (kit) => kit.fill('⟨Invent|Create|Design|Describe⟩ ⟨a new holiday and how people celebrate it|a magic system for my fantasy novel|an alien species that communicates with colours|a city built on the back of a giant turtle|the religion of a desert people|a backstory for my D&D character, a {@mood} rogue⟩⟨.||, in detail⟩', slots) },
  { name: 'imagine', make: (kit) => kit.fill('⟨Imagine|Pretend|Imagine a world where|Describe in vivid detail what it would be like if⟩ ⟨you are a pirate and describe your ship|plants could talk|cats ran the government|the internet disappeared for a week|you woke up as {@subject}|it rained upwards⟩⟨.||!⟩', slots) },
  { name: 'rewrite-creative', make: (kit) => kit.fill('⟨Rewrite|Retell|Turn⟩ ⟨the story of Little Red Riding Hood|the plot of Romeo and Juliet|my boring job description|a weather forecast|the terms and conditions of a gym⟩ ⟨as a {@genre}|{@style}|as a horror story|as a sports commentary⟩⟨.|⟩', slots) },
  { name: 'ad-copy', make: (kit) => kit.fill('⟨Write a product description for|Write an ad for|Write a radio spot for|Write a funny commercial script for⟩ ⟨a toaster that sounds like a movie trailer|a {@business} run by {@subject}|socks that never get lost|an umbrella for cats|a time machine with a 2-year warranty⟩⟨.|⟩', slots) },
  { name: 'terse', make: (kit) => kit.fill('⟨poem abt {@topic} pls|short story, {@subject}, {@mood} ending|haiku: {@topic}|limerick about {@subject}|{@mood} poem {@topic}|story {@subject} pls|write me a {@genre} abt {@topic}⟩', slots) },
  { name: 'german', language: 'de', make: (kit) => kit.fill('⟨Schreib|Schreibe|Schreib mir bitte|Ich hätte gern⟩ ⟨ein Gedicht über ⟨den Herbst|meine Katze|{@topic}⟩|eine kurze Geschichte über einen ⟨Drachen|Roboter|Leuchtturmwärter⟩|einen Geburtstagsgruß für meine Oma|einen Slogan für ⟨ein Café|eine Bäckerei⟩ in {@city}|eine Rede für die Hochzeit meines Bruders⟩⟨.|!|⟩', slots) },
  { name: 'french', language: 'fr', make: (kit) => kit.fill('⟨Écris|Écris-moi|Peux-tu écrire|Invente⟩ ⟨un poème sur ⟨l’automne|la mer|{@topic}⟩|une berceuse pour mon neveu|une histoire pour enfants avec un dragon|un slogan pour une boulangerie|une blague sur les informaticiens⟩⟨.| !|⟩', slots) },
  { name: 'spanish', language: 'es', make: (kit) => kit.fill('⟨Escribe|Escríbeme|¿Puedes escribir|Inventa⟩ ⟨un poema sobre ⟨el mar|la lluvia|{@topic}⟩|un cuento corto sobre un gato detective|una fábula con moraleja|un eslogan para una cafetería|una canción de cumpleaños⟩⟨.|?|⟩', slots) },
  { name: 'portuguese', language: 'pt', make: (kit) => kit.fill('⟨Escreva|Escreve|Crie⟩ ⟨um poema sobre ⟨saudade|o mar|{@topic}⟩|uma história curta sobre um robô|um slogan para uma padaria|uma letra de música sobre o verão⟩⟨.|⟩', slots) },
  { name: 'italian', language: 'it', make: (kit) => kit.fill('⟨Scrivi|Scrivimi|Inventa⟩ ⟨una poesia sull’estate|una breve storia su un gatto|uno slogan per una gelateria|una filastrocca per bambini|una canzone d’amore⟩⟨.|⟩', slots) },
  { name: 'chinese', language: 'zh', make: (kit) => kit.fill('⟨写一首关于⟨秋天|月亮|大海|故乡⟩的诗|给我写一个关于⟨小猫|机器人|龙⟩的童话故事|帮我想几个咖啡店的名字|写一段关于旅行的散文|讲个笑话⟩⟨。|⟩', slots) },
  { name: 'japanese', language: 'ja', make: (kit) => kit.fill('⟨猫についての俳句を書いてください|桜の詩を書いて|短い物語を作ってください|カフェのキャッチコピーを考えて|子供向けのお話を書いてください⟩', slots) },
  { name: 'other-languages', make: (kit) => kit.pick([{ language: 'ko', text: '가을에 관한 시를 써 주세요.' }, { language: 'nl', text: kit.fill('Schrijf een ⟨gedicht|kort verhaal⟩ over ⟨de zee|een kat⟩.', slots) }, { language: 'ru', text: kit.fill('Напиши ⟨стихотворение|короткий рассказ⟩ про ⟨зиму|кота⟩.', slots) }, { language: 'pl', text: 'Napisz krótki wiersz o jesieni.' }, { language: 'sv', text: 'Skriv en kort dikt om havet.' }]) },
];

/** Creative requests written one by one. */
const ASSORTED = [
  'Write a short poem my grandfather can read at his brother\'s funeral, gentle and not religious', 'A haiku for each season, please', 'Invent a cocktail name and a one-line story for it',
  'Write a goofy theme song for our weekly team meeting', 'Give me a fortune-cookie message that is secretly a warning', 'Write a letter from a house plant to the owner who keeps forgetting to water it',
  'Create a riddle whose answer is "shadow"', 'I need a dramatic opening narration for my YouTube cooking channel', 'Write an acrostic poem with the name ELENA', 'Pitch me three ideas for a children\'s book about recycling',
  'Make up a legend about why the river in our town is green', 'Write a romantic message for our anniversary, we met at a bus stop in the rain', 'Describe a sunset over the desert, purple prose welcome',
  'Write a mock epic poem about losing my keys', 'A short motivational speech for a kids\' football team that lost 7-0', 'Write a story in exactly 50 words about a lighthouse that moves',
  'Give me a witty out-of-office message', 'Write a toast in the style of a Viking chieftain', 'Compose a lullaby about the stars for my nephew', 'Write a villain\'s diary entry the night before the heist',
];
recipes.push({ name: 'assorted', max: ASSORTED.length, make: (kit) => kit.pick(ASSORTED) });
recipes.push({
  name: 'detailed-brief',
  max: 60,
  make: (kit) =>
    kit.fill(
      '⟨Write|I need|Could you write⟩ a {@genre} about {@subject}. ⟨The main character is a {@mood} woman in her sixties who never left {@city}.|It should be set in {@city} in the 1980s.|The audience is kids aged 6 to 8, so keep the words simple.|It is for a writing contest with the theme "{@topic}".|Use lots of dialogue and a surprising ending.⟩ ⟨Keep it under 400 words.|The tone should be {@mood}, not cheesy.|Please avoid clichés like "once upon a time".|Include a small twist in the middle.|End with a line that makes people smile.⟩⟨| Give it a title too.⟩',
      slots,
    ),
});
