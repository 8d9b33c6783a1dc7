// vision: questions about an image the user attaches — photos, screenshots, charts,
// diagrams, scans, handwriting, receipts — in many phrasings.

const slots = {
  image: ['this photo', 'the attached image', 'this screenshot', 'the picture I uploaded', 'this chart', 'the diagram above', 'this scan', 'this pic', 'the image', 'the photo below', 'this graph', 'the attached screenshot', 'my photo', 'this image'],
  marker: ['[image attached]', '(photo attached)', '<image>', '[screenshot]', '(see pic)', '[img]', '📷', '(attached)', '[photo]'],
  thing: ['plant', 'mushroom', 'dog breed', 'insect', 'car model', 'building', 'flower', 'rock', 'snake', 'tree', 'fish', 'spider', 'coin', 'cheese', 'shell'],
  document: ['receipt', 'invoice', 'business card', 'whiteboard', 'handwritten note', 'prescription', 'menu', 'street sign', 'nutrition label', 'parking sign', 'boarding pass', 'form', 'recipe card', 'parcel label'],
  chart: ['chart', 'graph', 'bar chart', 'line graph', 'pie chart', 'dashboard screenshot', 'heatmap', 'plot', 'diagram', 'infographic'],
};

export const recipes = [
  { name: 'what-is-in', make: (kit) => kit.fill('⟨What is in|What\'s in|What do you see in|Describe|Can you describe|Tell me what\'s happening in|Explain|What is going on in⟩ {@image}⟨?|.| in detail.| for me.⟩', slots) },
  { name: 'identify', make: (kit) => kit.fill('⟨What|Which⟩ {@thing} is ⟨this|in {@image}|shown in the picture⟩⟨?| {@marker}|⟩|⟨Identify|Can you identify|Name⟩ the {@thing} in {@image}⟨.|?⟩|What kind of {@thing} is this? {@marker}', slots) },
  { name: 'read-text', make: (kit) => kit.fill('⟨Read|Transcribe|Type out|What does|Copy the text from⟩ the {@document} in {@image}⟨| say|⟩⟨.|?⟩|⟨Read this {@document} photo and tell me the total|What does the {@document} in the picture say|Can you read the {@document}? {@marker}⟩', slots) },
  { name: 'chart', make: (kit) => kit.fill('⟨What trend does|What does|Interpret|Explain|Summarize what⟩ ⟨the {@chart} in {@image}|this {@chart}|the attached {@chart}⟩⟨ show| tell us||⟩⟨?|.⟩|In the attached {@chart}, ⟨what is the highest value|which line is rising|what happened in Q3|which product sells best⟩?|Describe the {@chart}: ⟨what happened to sales in Q3|where is the outlier|what is the overall trend⟩?', slots) },
  { name: 'screenshot', make: (kit) => kit.fill('⟨Here is a screenshot of my error, what does it mean?|Why does my layout look broken in this screenshot?|What setting should I change in the screenshot below?|Is this email in the screenshot a phishing attempt?|What app is shown in this screenshot?⟩⟨| {@marker}⟩', slots) },
  { name: 'count', make: (kit) => kit.fill('⟨How many|Count the⟩ ⟨people|cars|birds|apples|chairs|windows|dogs⟩ ⟨are in|in|can you see in⟩ {@image}⟨?|.⟩', slots) },
  { name: 'health-diagnose', make: (kit) => kit.fill('⟨Is the mole in {@image} something I should worry about?|What is this rash on my arm? {@marker}|Does my dog\'s eye in the photo look infected?|Does the swelling on my ankle in the photo look bad?⟩', slots) },
  { name: 'damage-repair', make: (kit) => kit.fill('⟨What is wrong with the wiring in {@image}?|Based on the photo, is this crack in the wall serious?|Can you tell what part is broken from this photo of my bike?|Is the tyre in the picture worn out?⟩', slots) },
  { name: 'advice-from-photo', make: (kit) => kit.fill('⟨Based on {@image}, what can I cook for dinner?|How would you rearrange the furniture in {@image}?|Is this painting in the photo an original or a print?|How old is this house, judging from the picture?|Which of the sofas in the picture fits a small room?⟩', slots) },
  { name: 'diagram-plan', make: (kit) => kit.fill('⟨Analyse the floor plan I attached and tell me the size of the kitchen|Explain the architecture diagram in {@image}|What does this circuit diagram do?|Walk me through the flowchart in {@image}|Is the UML diagram in the picture correct?|Read the map in {@image} and tell me the shortest route⟩⟨.|?⟩', slots) },
  { name: 'solve-from-image', make: (kit) => kit.fill('⟨Solve the equation in this photo|Check my handwritten homework in {@image}|What\'s the answer to question 3 on this worksheet {@marker}|Translate the sign in {@image}|Read the math problem in the picture and solve it⟩', slots) },
  { name: 'compare-images', make: (kit) => kit.fill('⟨What are the differences between these two images?|Which of these two photos is sharper?|Compare the two screenshots and tell me what changed|Are these two pictures of the same person?⟩⟨ {@marker}||⟩', slots) },
  { name: 'describe-for', make: (kit) => kit.fill('⟨Write alt text for|Describe {@image} for a blind user|Write a caption describing|Describe the scene in⟩ {@image}⟨.||, briefly⟩', slots) },
  { name: 'marker-first', make: (kit) => kit.fill('{@marker} ⟨what is this|whats this|is this normal?|what breed?|can you read this?|what am I looking at|thoughts?|explain this chart|what does this say⟩', slots) },
  { name: 'terse', make: (kit) => kit.fill('⟨whats in this pic|describe the image pls|read this receipt photo|what is this {@thing}|ocr this|explain this {@chart}|what does the sign say|whats wrong in the photo⟩', slots) },
  { name: 'german', language: 'de', make: (kit) => kit.fill('⟨Was ist auf diesem Bild zu sehen?|Was steht auf dem Schild im Foto?|Welche Pflanze ist das auf dem Bild?|Was zeigt die Grafik im Anhang?|Kannst du den Kassenbon auf dem Foto lesen?|Beschreib mir das Foto.⟩', slots) },
  { name: 'french', language: 'fr', make: (kit) => kit.fill('⟨Décris cette image.|Que vois-tu sur cette photo ?|Quelle est cette plante sur la photo ?|Peux-tu lire le ticket de caisse sur l’image ?|Que montre ce graphique ?|Qu’est-ce qui est écrit sur ce panneau ?⟩', slots) },
  { name: 'spanish', language: 'es', make: (kit) => kit.fill('⟨¿Qué hay en esta foto?|¿Qué planta es esta de la foto?|Describe esta imagen.|¿Qué tipo de pájaro es este? (foto adjunta)|Lee el ticket de la foto y dime el total.|¿Qué muestra este gráfico?⟩', slots) },
  { name: 'portuguese', language: 'pt', make: (kit) => kit.fill('⟨O que tem nesta foto?|Descreva esta imagem.|Que planta é essa na foto?|Leia o texto da imagem.|O que mostra este gráfico?⟩', slots) },
  { name: 'italian', language: 'it', make: (kit) => kit.fill('⟨Cosa c’è in questa immagine?|Descrivi questa foto.|Che pianta è quella nella foto?|Leggi lo scontrino nella foto.|Cosa mostra questo grafico?⟩', slots) },
  { name: 'chinese', language: 'zh', make: (kit) => kit.fill('⟨这张图片里有什么？|请描述一下这张照片。|图中的植物是什么？|帮我看看这张截图是什么错误。|这张图表说明了什么趋势？|识别一下图片里的文字。⟩', slots) },
  { name: 'japanese', language: 'ja', make: (kit) => kit.fill('⟨この写真に何が写っていますか？|この画像を説明してください。|このグラフから何がわかりますか？|写真の文字を読んでください。|この標識は何と書いてありますか？⟩', slots) },
  { name: 'other-languages', make: (kit) => kit.pick([{ language: 'ko', text: '이 사진에 무엇이 있나요?' }, { language: 'ko', text: '이 그래프를 설명해 주세요.' }, { language: 'nl', text: 'Wat staat er op deze foto?' }, { language: 'ru', text: 'Что изображено на этой картинке?' }, { language: 'pl', text: 'Co jest na tym zdjęciu?' }, { language: 'sv', text: 'Vad föreställer bilden?' }]) },
];

/** Questions about an attached image, written one by one. */
const ASSORTED = [
  'which of the two dresses in the photo looks more formal?', 'Is the baby seat in this picture installed correctly?', 'How ripe are the avocados in my photo?', 'What year is this coin from? Photo attached.',
  'Can you tell what city this skyline is from the picture?', 'Does the rash in this photo look like an allergic reaction?', 'What is the error in the circuit on my breadboard (photo)?', 'Is my sourdough in the picture proofed enough?',
  'Here is a photo of the parking sign, can I park here on Sunday?', 'Read the handwriting on this old postcard for me', 'Whats the name of the song on the album cover in the pic', 'Turn this photo of a printed table into a spreadsheet',
  'What does the graph in my screenshot say about memory usage?', 'How many calories roughly are on the plate in the picture?', 'Which chess move is best in the position in this image?', 'Guess the age of the tree from this photo of the stump',
  'Is the weld in this picture any good?', 'Check the label in the photo: is this wine vegan?', 'What is the brand of the bike in this picture?', 'explain the meme I sent', 'What emotion is the cat in the photo showing lol',
  'Describe the architecture style of the church in my picture', 'Is that a wasp or a bee in the photo?', 'What does the dashboard in the screenshot tell us about churn?', 'Find the typo in the poster I attached',
  'Which cable in the photo goes into the HDMI port?', 'Does the colour of the paint in the picture match the sample next to it?', 'Identify the bird on the left in my photo', 'How deep does the water look in this river photo?',
  'Is there anything suspicious in this security camera still?', 'What instrument is the man holding in the picture?', 'Based on the screenshot of my bank statement, how much did I spend on food?',
];
recipes.push({ name: 'assorted', max: ASSORTED.length, make: (kit) => kit.pick(ASSORTED) });
recipes.push({
  name: 'context-and-image',
  max: 50,
  make: (kit) =>
    kit.fill(
      '⟨I took this picture on my hike yesterday.|This is a screenshot from our monitoring tool.|My landlord sent me this photo of the bathroom.|Attached is a scan of the form I have to fill in.|Here is the chart from our quarterly report.⟩ ⟨What am I looking at?|Can you explain what it shows?|Is there anything wrong in it?|What should I fill in where?|Describe it in detail for my notes.⟩⟨| {@marker}⟩',
      slots,
    ),
});
