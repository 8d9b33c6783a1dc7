// extraction: pull fields and entities out of a text, turn it into JSON or a table, and
// classify it (sentiment, labels, intent, spam, language).
import { FOREIGN_PASSAGES, PASSAGES, passages } from './passages.mjs';
import { chatLog, notes } from './documents.mjs';

const slots = {
  field: ['names', 'dates', 'email addresses', 'prices', 'company names', 'phone numbers', 'product names', 'addresses', 'invoice numbers', 'job titles', 'amounts', 'URLs', 'order numbers', 'deadlines', 'locations', 'people and their roles', 'percentages', 'hashtags'],
  keys: ['name, email and company', 'vendor, date and total', 'sender, subject and due date', 'product, quantity and price', 'city, date and temperature', 'title, salary and location', 'order id, items and total', 'patient age, symptoms and medication', 'author, date and main claim', 'flight number, gate and time'],
  labels: ['positive, negative or neutral', 'billing, technical or account', 'urgent, normal or low priority', 'spam or not spam', 'bug report, billing question or feature idea', 'complaint, praise or question', 'sports, politics, tech or culture', 'safe or toxic', 'relevant or irrelevant', 'happy, angry or neutral'],
  format: ['JSON', 'a JSON object', 'a JSON array', 'CSV', 'a markdown table', 'YAML', 'key: value pairs', 'a table'],
};

/** Entity-rich short records composed from slots. */
function record(kit) {
  return kit.fill(
    kit.pick([
      '{@name} {@surname} (⟨{@name}.{@surname}@example.com|+44 20 7946 0{@digits}|Head of Sales at {@company}⟩) will visit {@city} on {@weekday} {@month} {@day2} to sign the {@amount} contract with {@company}.',
      'Order {@digits}{@digits}: ⟨2 x desk lamp|1 x office chair|3 x notebook|4 x HDMI cable⟩ for {@amount}, shipped to {@name} {@surname}, {@city}, on {@month} {@day2}.',
      'Contact: {@name} {@surname}, {@company}, phone 0{@digits} {@digits}{@digits}, email {@name}@{@domain}. Meeting booked for {@weekday} at {@time}.',
      'Candidate {@name} {@surname}, ⟨8|5|12|3⟩ years of experience in ⟨Python and SQL|sales and marketing|nursing|logistics⟩, based in {@city}, expected salary {@amount}.',
      'Reservation for {@name} {@surname}: ⟨2|4|6⟩ guests, {@weekday} {@month} {@day2} at {@time}, table by the window, note: ⟨vegetarian|birthday|wheelchair access⟩.',
    ]),
    { digits: (kit) => String(kit.int(100, 999)), day2: (kit) => String(kit.int(1, 28)), amount: ['EUR 12,450', '$3,200', '£890.50', '1.250,00 €', 'USD 48,000', '¥120,000'], domain: ['mail.example', 'corp.example.org', 'example.net'] },
  );
}

function text(kit) {
  const roll = kit.random();
  if (roll < 0.45) return passages(kit, kit.int(1, 2));
  if (roll < 0.8) return Array.from({ length: kit.int(1, 3) }, () => record(kit)).join(kit.pick(['\n', ' ']));
  if (roll < 0.9) return chatLog(kit, kit.int(3, 7));
  return notes(kit, kit.int(3, 6));
}

const place = (kit, instruction, body = text(kit)) => {
  const layout = kit.int(0, 3);
  if (layout === 0) return `${instruction} ${body}`;
  if (layout === 1) return `${instruction}\n\n${body}`;
  if (layout === 2) return `${body}\n\n${instruction}`;
  return `${instruction}\n"${body}"`;
};

export const recipes = [
  { name: 'extract-field', make: (kit) => place(kit, kit.fill('⟨Extract|Pull out|List|Find|Get|Grab|Give me|Identify⟩ ⟨all|every|the|all of the⟩ {@field} ⟨from|in|mentioned in|that appear in⟩ ⟨this text|the following|this|the message below|this email⟩⟨:|.||?⟩', slots)) },
  { name: 'to-json', make: (kit) => place(kit, kit.fill('⟨Return|Give me|Output|Convert this to|Produce|Fill⟩ ⟨a JSON object|JSON|a json⟩ with ⟨the fields|keys|fields⟩ {@keys} ⟨from|based on|for⟩ ⟨this|the text below|the following⟩⟨:|.⟩', slots)) },
  { name: 'structure', make: (kit) => place(kit, kit.fill('⟨Turn|Convert|Parse|Put|Restructure⟩ ⟨this|the following|this text|these lines⟩ into {@format}⟨ with columns {@keys}||, one row per item⟩⟨:|.⟩', slots)) },
  { name: 'schema-fill', make: (kit) => place(kit, kit.fill('⟨Fill in this schema|Map this onto the schema|Extract according to this schema⟩ {"name": string, "date": string, "total": number} ⟨from|using⟩ ⟨this|the text⟩:', slots)) },
  { name: 'entities', make: (kit) => place(kit, kit.fill('⟨Identify the named entities|Do NER on this|Which people, organisations and places are mentioned|Tag the persons, companies and locations|Find every person and company|List the organizations|Who is mentioned⟩ ⟨in this|here|in the text⟩⟨:|?|.⟩', slots)) },
  { name: 'sentiment', make: (kit) => place(kit, kit.fill('⟨Classify the sentiment of this|Is this review positive or negative|What is the sentiment here|Sentiment?|Rate the sentiment from 1 to 5|Is the tone of this message angry or calm|Label this as positive, negative or neutral|How does the customer feel⟩⟨:|?|.⟩', slots), kit.pick([kit.pick(PASSAGES), `"${kit.pick(['The battery is great but the screen scratches easily.', 'Absolutely love it, best purchase this year.', 'Meh. It works, I guess.', 'Terrible, broke after two days.', 'Fourth time I am asking for the same document. Unbelievable.', 'Thanks so much, this fixed everything!', 'Not bad for the price, but delivery took ages.'])}"`])) },
  { name: 'classify-labels', make: (kit) => place(kit, kit.fill('⟨Classify this as|Label this:|Categorize this ticket into|Tag this with one of:|Which category fits best:|Assign one label:|Sort this into⟩ {@labels}⟨.|:||?⟩', slots)) },
  {
    name: 'classify-list',
    make: (kit) =>
      kit.fill(
        '⟨Label each of these|Classify each line|Tag every item below|Which of these are spam|Mark each sentence as positive or negative|Sort these messages into {@labels}⟩⟨:|.⟩\n1. ⟨The search results are empty since the update|WIN a FREE iPhone, click now!!!|Best support team ever!|Can I pay by bank transfer?|Any plans for an offline mode?|Your parcel is waiting, pay the fee here|Team lunch on Friday?⟩\n2. ⟨The app crashes on login|Meeting moved to 3pm|Still waiting for my refund, third week now.|Can I get an invoice for March?|You have won a cruise, reply YES⟩\n3. ⟨I love the new design|Refund still not received|Delivery was quick and the box was intact.|Limited offer: 90% off watches⟩',
        slots,
      ),
  },
  { name: 'intent', make: (kit) => kit.fill('⟨What is the intent of this message|Detect the intent|Which intent is this: cancel, upgrade, complaint or question|Classify the user intent⟩⟨:|?⟩ "⟨I want to cancel my subscription|Can I move to the yearly plan?|Why was I charged twice?|Where is my package?|Do you ship to Canada?|I forgot my password again|please stop sending me emails⟩"', slots) },
  { name: 'spam-toxicity', make: (kit) => kit.fill('⟨Is this spam|Is this a phishing email|Is this comment offensive|Flag this if it is abusive|Is this message a scam|Score this comment for hostility⟩⟨?|:⟩ "⟨WIN a FREE iPhone, click now!!!|Urgent: confirm your password at http://secure-bank-login.example|nobody asked for your stupid opinion|Great post, thanks for sharing|Congratulations, you have been selected for a prize|Dear customer, your package could not be delivered, pay 1.99 here⟩"', slots) },
  { name: 'language-id', make: (kit) => kit.fill('⟨Detect the language of|Which language is this|What language are these lines in|Identify the language:⟩ ⟨"Ich habe heute keine Zeit."|"Obrigado pela ajuda."|"Dobrý den, jak se máte?"|"Dziękuję bardzo"|"Tack så mycket"|"今日は暑いですね"|"Terima kasih"⟩⟨?|⟩', slots) },
  { name: 'action-items', make: (kit) => `${kit.fill('⟨Extract the action items and their owners|List the to-dos with who is responsible|Pull out every task and deadline|Who has to do what? List it|Get the open questions and decisions⟩ ⟨from these notes|from this chat|from this thread|below⟩⟨:|.⟩', slots)}\n${kit.chance(0.5) ? chatLog(kit, kit.int(5, 10)) : notes(kit, kit.int(4, 8))}` },
  { name: 'yes-no-check', make: (kit) => place(kit, kit.fill('⟨Does this text mention|Is there any mention of|Check whether this contains|Answer yes or no: does this include⟩ ⟨a deadline|a price|an email address|a cancellation|a phone number|personal data|a date⟩⟨? Quote it.|?|.⟩', slots)) },
  { name: 'normalize', make: (kit) => kit.fill('⟨Normalize these dates to ISO format|Convert these phone numbers to E.164|Standardize these addresses|Extract and normalize the amounts to USD|Put the times into 24h format⟩: ⟨3rd of June 2024, 06/07/24, July 9th|+44 20 7946 0958, (555) 014-2233, 0049 30 1234567|1 Main St apt 4, 22 rue de la Paix 75002 Paris|€12, £9.99, 1.200 yen|3pm, 9:15 am, midnight⟩', slots) },
  { name: 'pii', make: (kit) => place(kit, kit.fill('⟨Find all personal data in this|Which fields are PII here|List every name, email and phone number|Mark the sensitive information in this|What personal information does this contain⟩⟨?|:|.⟩', slots)) },
  { name: 'terse', make: (kit) => place(kit, kit.fill('⟨extract {@field}:|{@field} from this pls|get {@field}|json pls:|sentiment:|label: {@labels}|entities?|{@field} only|to {@format}:⟩', slots)) },
  { name: 'german', language: 'de', make: (kit) => foreign(kit, 'de', '⟨Extrahiere alle {@field_de} aus diesem Text|Gib mir die Daten als JSON|Ist diese Bewertung positiv oder negativ|Ordne diese Nachricht einer Kategorie zu: Rechnung, Technik oder Konto|Welche Personen und Firmen werden genannt⟩⟨:|?⟩') },
  { name: 'french', language: 'fr', make: (kit) => foreign(kit, 'fr', '⟨Extrais les {@field_fr} de ce texte|Donne-moi les informations clés au format JSON|Cet avis est-il positif ou négatif|Classe ce message : facturation, technique ou compte|Quelles personnes et entreprises sont citées⟩ ⟨:|?⟩') },
  { name: 'spanish', language: 'es', make: (kit) => foreign(kit, 'es', '⟨Extrae las {@field_es} de este texto|Devuélveme un JSON con los datos|¿Esta reseña es positiva o negativa|Clasifica este mensaje como queja, pregunta o elogio|¿Qué personas y empresas se mencionan⟩⟨:|?⟩') },
  { name: 'portuguese', language: 'pt', make: (kit) => foreign(kit, 'pt', '⟨Extraia as datas e os valores deste texto|Converta para JSON|Essa avaliação é positiva ou negativa|Classifique esta mensagem⟩⟨:|?⟩') },
  { name: 'italian', language: 'it', make: (kit) => foreign(kit, 'it', '⟨Estrai le date e gli importi da questo testo|Classifica il sentimento di questa recensione|Restituisci un JSON con nome, data e importo|Quali persone vengono nominate⟩⟨:|?⟩') },
  { name: 'chinese', language: 'zh', make: (kit) => foreign(kit, 'zh', '⟨从下面的文本中提取所有日期和金额|把这段话转换成JSON格式|判断这条评论是正面还是负面|找出文中提到的所有人名和公司名|给这条消息分类：账单、技术或账户⟩⟨：|。⟩') },
  { name: 'japanese', language: 'ja', make: (kit) => foreign(kit, 'ja', '⟨次のテキストから会社名を抽出してください|このレビューは肯定的ですか、否定的ですか|以下の内容をJSON形式で出力して|文中の日付と金額を抜き出してください⟩⟨：|。⟩') },
  { name: 'other-languages', make: (kit) => kit.pick([{ language: 'nl', text: foreign(kit, 'nl', 'Haal alle datums en bedragen uit deze tekst: ') }, { language: 'ko', text: foreign(kit, 'ko', '이 리뷰가 긍정적인지 부정적인지 분류해 주세요: ') }, { language: 'ru', text: `Извлеки все имена и даты из текста: ${record(kit)}` }, { language: 'pl', text: `Wyciągnij z tego tekstu wszystkie kwoty: ${record(kit)}` }]) },
];

const FOREIGN_FIELDS = {
  field_de: ['Namen', 'Daten', 'E-Mail-Adressen', 'Preise', 'Firmennamen', 'Telefonnummern', 'Beträge'],
  field_fr: ['noms', 'dates', 'adresses e-mail', 'prix', 'montants', 'numéros de téléphone'],
  field_es: ['fechas', 'cantidades', 'direcciones de correo', 'nombres', 'precios'],
};

function foreign(kit, language, instruction) {
  const own = FOREIGN_PASSAGES[language] ?? [];
  const body = own.length > 0 && kit.chance(0.65) ? kit.pick(own) : kit.chance(0.5) ? record(kit) : kit.pick(PASSAGES);
  return place(kit, kit.fill(instruction, { ...slots, ...FOREIGN_FIELDS }), body);
}

/** Extraction and classification requests written one by one, each with its own text. */
const ASSORTED = [
  'get me every date in this: kickoff 4 Feb, design review 18 Feb, launch 3 March, retro 10 March',
  'find me all the prices here: espresso 2.80, flat white 3.60, muffin 3.10, oat milk +0.40',
  'Which skills does this job post ask for? "We need a frontend dev with React, TypeScript, testing experience (Cypress) and a good eye for accessibility."',
  'Pull the tracking number and the carrier out of this: "Your parcel 1Z999AA10123456784 is on its way with UPS."',
  'What is the customer asking for in this message, in one label: "hi, can I change the delivery address for order 5521?"',
  'Give me the ingredients as a JSON list: 3 eggs, 100 g sugar, 1 lemon (zest), 200 g ricotta.',
  'Sort these tweets into complaint, praise or question: "love the update!" / "why is the app so slow today" / "how do I export my data?"',
  'Who signed this letter and on what date? "Kind regards, Dr. Helen Park, Head of Admissions, 14 November 2023"',
  'Extract the symptoms and the medication from this note: patient reports sore throat and mild fever for 3 days, prescribed ibuprofen 400 mg.',
  'Is this review about the product or about the delivery? "The lamp itself is lovely but the courier left it in the rain."',
  'list all the people in this and their job titles: our CTO Amir, Jo from finance, and Dr. Lee, head of research',
  'Turn these contacts into CSV (name, phone): Ana 0176 222 333; Bruno +351 912 000 111; Chen 021-5555-0100',
  'Which of these product names are trademarks of Apple? iPod, Walkman, AirTag, Kindle, Vision Pro',
  'Find the IBAN and the amount to pay in this invoice text: "Please transfer 1,240.50 EUR to NL91 ABNA 0417 1643 00 by 30 June."',
  'Tag each headline with a topic (sports, economy, science): "Rates held at 4%" / "New exoplanet found" / "Cup final goes to penalties"',
  'Read this log line and give me the timestamp, level and message as JSON: 2024-03-02 14:01:22 WARN disk almost full',
  'Classify these expenses into travel, food or office: taxi 23, lunch 14, printer ink 39, hotel 180',
  'From the bio below, give me name, birth year and nationality: "Born in 1962 in Accra, Kwame Mensah became a celebrated architect."',
  'What is the overall mood of this diary entry, one word? "Rained all day, missed the bus, but the soup was good."',
  'extract every @mention and #hashtag: great panel w/ @dana_k and @techlead at #devconf #ai',
  'Is there a phone number in this message? If yes, give it to me in international format: "call me on 06 12 34 56 78 after 6"',
  'Pull out the start date, end date and daily rate from this contract line: "from 1 April to 30 September 2024 at 650 EUR per day"',
  'Detect the dates and locations in this travel plan: Rome 3-6 May, then Florence until the 9th, fly home from Pisa on 10 May.',
  'Rate each of these answers as correct or incorrect: "2+2=4", "the capital of Australia is Sydney", "water boils at 100 C at sea level"',
];
recipes.push({ name: 'assorted', max: ASSORTED.length, make: (kit) => kit.pick(ASSORTED) });
recipes.push({ name: 'long-records', max: 50, make: (kit) => place(kit, kit.fill('⟨Extract every {@field} from these messages|Make a table of all orders below|Return a JSON array with one object per person mentioned|List all dates and amounts in the text below, one per line⟩⟨:|.⟩', slots), Array.from({ length: kit.int(4, 9) }, () => (kit.chance(0.6) ? record(kit) : kit.pick(PASSAGES))).join('\n')) });
