// qa: short factual questions and everyday questions with a known answer.

const slots = {
  book: ['Pride and Prejudice', 'War and Peace', 'The Little Prince', 'Don Quixote', 'Frankenstein', 'The Divine Comedy', 'Moby-Dick', 'The Hobbit', 'Things Fall Apart', 'Norwegian Wood', 'The Trial', 'Les Misérables', 'To Kill a Mockingbird'],
  painting: ['the Mona Lisa', 'The Starry Night', 'Guernica', 'The Scream', 'Girl with a Pearl Earring', 'The Birth of Venus', 'The Persistence of Memory', 'the Sistine Chapel ceiling', 'The Night Watch'],
  invention: ['the telephone', 'the light bulb', 'the printing press', 'penicillin', 'the World Wide Web', 'the steam engine', 'the bicycle', 'dynamite', 'the radio', 'the zipper', 'the microwave oven', 'the QR code'],
  event: ['the Berlin Wall fall', 'the Titanic sink', 'World War II end', 'the first moon landing happen', 'the French Revolution start', 'the Roman Empire fall', 'the Chernobyl disaster happen', 'the euro get introduced', 'the Eurotunnel open', 'the Great Fire of London happen'],
  concept: ['photosynthesis', 'inflation', 'a black hole', 'DNA', 'a recession', 'the greenhouse effect', 'an index fund', 'a leap year', 'the placebo effect', 'a solar eclipse', 'dark matter', 'a mortgage', 'the ozone layer', 'a vaccine', 'jet lag', 'compound interest', 'a tsunami', 'the gig economy', 'an allergy'],
  why: ['the sky blue', 'the sea salty', 'cats purr', 'we get hiccups', 'onions make you cry', 'leaves change colour in autumn', 'we yawn', 'the moon look bigger near the horizon', 'bread go stale', 'ice float', 'planes leave white trails', 'my ears pop on a plane', 'we dream'],
  device: ['a microwave', 'a fridge', 'GPS', 'a vaccine', 'noise-cancelling headphones', 'a credit card', 'a heat pump', 'wifi', 'an induction hob', 'a nuclear reactor', 'a touchscreen', 'an electric car battery'],
  pair: ['a crocodile and an alligator', 'baking soda and baking powder', 'a virus and a bacterium', 'weather and climate', 'affect and effect', 'a latte and a flat white', 'England and the UK', 'a turtle and a tortoise', 'an LLC and a corporation', 'stocks and bonds', 'a hurricane and a typhoon', 'jam and jelly', 'a psychologist and a psychiatrist', 'Roth and traditional IRA'],
  food: ['grapes', 'chocolate', 'cooked chicken bones', 'peanut butter', 'avocado', 'cheese', 'raw carrots', 'onions', 'watermelon'],
  animal: ['dogs', 'cats', 'rabbits', 'parrots', 'hamsters', 'horses'],
  superlative: ['the largest island in the world', 'the largest desert on Earth', 'the deepest lake', 'the smallest country', 'the most spoken language', 'the fastest land animal', 'the oldest university in Europe', 'the highest mountain in Europe', 'the biggest planet'],
  acronym: ['DNA', 'NASA', 'HTML', 'UNESCO', 'ISBN', 'PIN', 'LASER', 'NATO', 'SIM', 'VAT', 'GMT', 'CEO', 'MRI', 'ATM'],
};

export const recipes = [
  { name: 'capital', make: (kit) => kit.fill('⟨What is the capital of|What\'s the capital of|capital of|Which city is the capital of|Remind me, what\'s the capital of⟩ {@country}⟨?||⟩', slots) },
  { name: 'country-facts', make: (kit) => kit.fill('⟨What currency do they use in|What language do people speak in|How many people live in|What is the national dish of|Which side of the road do they drive on in|What\'s the time difference between here and|Do I need a visa for|What is the population of⟩ ⟨{@country}|{@city}⟩⟨?|⟩', slots) },
  { name: 'city-facts', make: (kit) => kit.fill('⟨When is the best time to visit|What time zone is|What is|Is it safe to drink tap water in|How cold does it get in winter in|What is the main airport of|Which river flows through⟩ {@city}⟨?| known for?|⟩', slots) },
  { name: 'who-wrote', make: (kit) => kit.fill('⟨Who wrote {@book}|Who is the author of {@book}|who wrote {@book}|In what year was {@book} published|What language was {@book} originally written in⟩⟨?|⟩', slots) },
  { name: 'who-painted-invented', make: (kit) => kit.fill('⟨Who painted {@painting}|Where is {@painting} kept|Who invented {@invention}|When was {@invention} invented|Who discovered penicillin|Who was the first woman to win a Nobel prize|Who was the first person in space⟩⟨?|⟩', slots) },
  { name: 'when-did', make: (kit) => kit.fill('⟨When did|What year did|In which year did|when did⟩ {@event}⟨?||⟩', slots) },
  { name: 'what-is', make: (kit) => kit.fill('⟨What is|What\'s|Can you explain what|Explain|What exactly is|In simple terms, what is|whats⟩ {@concept}⟨?| is?|, in simple terms?|⟩', slots) },
  { name: 'why', make: (kit) => kit.fill('⟨Why is|Why does|Why do|How come|why is⟩ {@why}⟨?||⟩', slots) },
  { name: 'how-works', make: (kit) => kit.fill('⟨How does|How do|Can you explain how|Quick question: how does⟩ {@device} ⟨work|actually work|work, roughly⟩⟨?|⟩', slots) },
  { name: 'difference', make: (kit) => kit.fill('⟨What is the difference between|What\'s the difference between|Difference between|How do you tell apart⟩ {@pair}⟨?|⟩', slots) },
  { name: 'pets-food', make: (kit) => kit.fill('⟨Can|Is it safe for|Is it ok if my⟩ {@animal} ⟨eat|to eat|eats⟩ {@food}⟨?|⟩', slots) },
  {
    name: 'everyday-how-long',
    make: (kit) =>
      kit.fill(
        '⟨How long should I boil an egg for a soft yolk|How long does cooked rice keep in the fridge|How often should I water a cactus|What temperature should a bedroom be at night|How long should pasta rest after cooking|Does ketchup need to go in the fridge|Can you freeze milk|How much sleep does a toddler need|How much water should I drink a day|How long does a flight from Frankfurt to New York take|How often should I change my toothbrush|Is it bad to charge my phone overnight|How long does paint take to dry|Can I put a cast iron pan in the dishwasher|How long is a passport valid⟩⟨?|⟩',
        slots,
      ),
  },
  { name: 'superlative', make: (kit) => kit.fill('⟨What is|Which is|What\'s|Name⟩ {@superlative}⟨?|⟩|How ⟨tall|high|long|old|big|deep|far away⟩ is ⟨Mount Everest|the Eiffel Tower|the Moon|the Great Wall of China|the Amazon river|the Sun|the Mariana Trench⟩⟨?|⟩', slots) },
  { name: 'acronym', make: (kit) => kit.fill('⟨What does {@acronym} stand for|{@acronym} stands for what|What is the meaning of {@acronym}|what is {@acronym} short for⟩⟨?|⟩', slots) },
  { name: 'yes-no-facts', make: (kit) => kit.fill('⟨Is a tomato a fruit or a vegetable|Do penguins have knees|Is Ceres a planet|Do sharks have bones|Can lightning strike the same place twice|Do fish sleep|Is glass a liquid|Are bats blind|Is the Great Wall visible from space|Do camels store water in their humps|Is a whale a fish⟩⟨?|⟩', slots) },
  { name: 'counting-facts', make: (kit) => kit.fill('⟨How many⟩ ⟨teeth does an adult have|planets are in the solar system|countries are in the EU|players are on a football team|strings does a violin have|time zones does Russia have|moons does Mars have|keys are on a piano|hearts does an octopus have|languages are spoken in India⟩⟨?|⟩', slots) },
  { name: 'sports-culture', make: (kit) => kit.fill('⟨Who won the 2010 World Cup|How does offside work in football|Who has the most Grand Slam titles|How long is a marathon|What is a hat-trick|When are the next Olympics|Who directed Jaws|Which band sang Bohemian Rhapsody|How many Oscars did Titanic win|What is the national sport of Canada⟩⟨?|⟩', slots) },
  { name: 'terse', make: (kit) => kit.fill('⟨capital {@country}|boiling point of water|distance to the moon|who invented {@invention}|{@acronym} meaning|population {@city}|{@pair} difference|why {@why}|{@concept}?|author of {@book}⟩', slots) },
  { name: 'german', language: 'de', make: (kit) => kit.fill('⟨Was ist die Hauptstadt von {@country}?|Wer hat ⟨den Buchdruck|das Telefon|die Glühbirne⟩ erfunden?|Wann fiel die Berliner Mauer?|Wie hoch ist die Zugspitze?|Warum ist der Himmel blau?|Wie viele Einwohner hat {@city}?|Dürfen Hunde Schokolade essen?|Was ist der Unterschied zwischen Wetter und Klima?|Wie lange muss ein Ei kochen?⟩', slots) },
  { name: 'french', language: 'fr', make: (kit) => kit.fill('⟨Quelle est la capitale de {@country} ?|Qui a écrit Les Misérables ?|Quand a eu lieu la Révolution française ?|Pourquoi les feuilles tombent-elles en automne ?|Combien d’habitants compte {@city} ?|Quelle est la plus haute montagne d’Europe ?|C’est quoi l’inflation ?|Combien de temps faut-il pour cuire des pâtes ?⟩', slots) },
  { name: 'spanish', language: 'es', make: (kit) => kit.fill('⟨¿Cuál es la capital de {@country}?|¿Quién pintó el Guernica?|¿Cuál es la población de {@city}?|¿Por qué el cielo es azul?|¿Cuándo llegó el hombre a la luna?|¿Qué es la inflación?|¿Los perros pueden comer uvas?|¿Cuál es el río más largo del mundo?⟩', slots) },
  { name: 'portuguese', language: 'pt', make: (kit) => kit.fill('⟨Qual é a capital de {@country}?|Quem descobriu o Brasil?|Quantos estados tem o Brasil?|Por que o mar é salgado?|O que é a inflação?|Quanto tempo dura um voo de Lisboa para São Paulo?⟩', slots) },
  { name: 'italian', language: 'it', make: (kit) => kit.fill('⟨Chi ha scritto la Divina Commedia?|Qual è la capitale di {@country}?|Quanto è alto il Monte Bianco?|Perché il cielo è blu?|Quando è caduto l’Impero romano?|Quanti abitanti ha {@city}?⟩', slots) },
  { name: 'chinese', language: 'zh', make: (kit) => kit.fill('⟨地球到月球有多远？|中国的首都是哪里？|长城有多长？|为什么天空是蓝色的？|谁发明了造纸术？|一年有多少天？|熊猫吃什么？|世界上最高的山是哪座？⟩', slots) },
  { name: 'japanese', language: 'ja', make: (kit) => kit.fill('⟨富士山の高さは何メートルですか？|日本の首都はどこですか？|日本には県がいくつありますか？|なぜ空は青いのですか？|日本で一番長い川は何ですか？|パンダは何を食べますか？⟩', slots) },
  { name: 'other-languages', make: (kit) => kit.pick([{ language: 'ko', text: '한국의 수도는 어디인가요?' }, { language: 'ko', text: '지구에서 가장 큰 바다는 무엇인가요?' }, { language: 'nl', text: kit.fill('Wat is de hoofdstad van {@country}?', slots) }, { language: 'ru', text: 'Сколько планет в Солнечной системе?' }, { language: 'pl', text: 'Kto napisał Pana Tadeusza?' }, { language: 'tr', text: 'Türkiye’nin başkenti neresidir?' }, { language: 'sv', text: 'Hur många invånare har Sverige?' }]) },
];

/** Everyday and factual questions written one by one. */
const ASSORTED = [
  'How hot is the surface of the Sun?', 'How far is Mars from Earth?', 'Who was the first president of the United States?', 'What is the largest organ of the human body?', 'How many continents are there?',
  'Who discovered gravity?', 'What is the chemical symbol for gold?', 'At what temperature does water freeze in Fahrenheit?', 'Which planet is closest to the Sun?', 'What is the smallest bone in the body?',
  'How long does it take light from the Sun to reach Earth?', 'Who composed the Four Seasons?', 'What language is spoken in Brazil?', 'When did the Second World War start?', 'How many hearts does an octopus have?',
  'Why do we have leap years?', 'What is the difference between a comet and an asteroid?', 'Is coffee bad for you?', 'How much caffeine is in an espresso?', 'What\'s a good substitute for buttermilk?',
  'Can you put aluminium foil in the microwave?', 'How long should a cat sleep per day?', 'What is the normal resting heart rate?', 'How do you get rid of hiccups?', 'Does cracking your knuckles cause arthritis?',
  'Why is Venus hotter than Mercury?', 'What does a sommelier do?', 'How does a bill become a law in the US?', 'What is the tallest animal?', 'Which ocean is the largest?', 'What is the currency of Switzerland?',
  'Who painted the ceiling of the Sistine Chapel?', 'What causes the northern lights?', 'How many players are on a basketball team?', 'What is the rarest blood type?', 'Who invented the World Wide Web?',
  'How long do elephants live?', 'What\'s the difference between a latte and a cappuccino?', 'When did the first Walkman come out?', 'Is it safe to swim after eating?', 'Why do onions make you cry?',
  'What does "per se" mean?', 'Is it "affect" or "effect" in "the weather affected my mood"?', 'What is the plural of cactus?', 'When is Chinese New Year this year?', 'What is the speed of sound?',
  'How many calories are in a banana?', 'How many cups are in a litre?', 'What is the longest bone in the human body?', 'Who was Cleopatra?', 'Why did the Titanic sink?', 'What\'s the oldest city in the world?',
  'How do bees make honey?', 'Are tomatoes fruits?', 'Can you freeze cheese?', 'How often should you wash your jeans?', 'How long does jet lag last?', 'What are the symptoms of dehydration?',
  'Do I need a passport to fly within the EU?', 'What\'s the tipping custom in Japan?', 'Which side do you drive on in the UK?', 'What is the best time of year to see cherry blossoms in Kyoto?',
  'Who holds the record for the 100 metres?', 'What is the offside rule in hockey?', 'How many strings does a cello have?', 'What is the main ingredient of hummus?', 'Where does vanilla come from?',
];
recipes.push({ name: 'assorted', max: ASSORTED.length, make: (kit) => kit.pick(ASSORTED) });
recipes.push({
  name: 'with-context',
  max: 60,
  make: (kit) =>
    kit.fill(
      '⟨We are going to {@city} next month with the kids.|My daughter asked me this at dinner and I had no idea.|I was arguing about this with a friend.|Settle a bet for us.|I read something about this in the news today.|Random question while I wait for my train.⟩ ⟨What is {@concept}, in a sentence or two?|Who wrote {@book}?|What is the capital of {@country}?|How does {@device} work?|What is the difference between {@pair}?⟩',
      slots,
    ),
});
