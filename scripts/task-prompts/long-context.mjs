// long_context: a long document, transcript, log, table, contract or codebase pasted with a
// question or instruction that needs the whole of it. Long by nature (about 1,200 to 34,000
// characters here); the instruction comes before, after, or on both sides of the material.
import { longDocument } from './documents.mjs';

const QUESTIONS = {
  logs: ['What went wrong first, and what do you think caused it?', 'Across all of these log lines, which service fails most often and why?', 'How did the failure spread from one component to the next?', 'Find every timeout in these logs and group them by upstream.', 'Is there a pattern in when the disk warnings appear?'],
  table: ['Which regions show a downward trend over the months in this data?', 'Which rows look like outliers across the entire dataset?', 'Compute the totals per region from all rows and rank them.', 'Is there any month where every region dropped?', 'What changed between the first and the last quarter of this data?'],
  transcript: ['Which decisions were taken in this meeting, and by whom?', 'Who objected to what, over the entire transcript?', 'Where did people disagree, and was it resolved by the end?', 'Track how the discussion about the budget evolved from start to finish.', 'Which action items were agreed, and which were only mentioned?'],
  contract: ['Go through all sections and flag every clause that limits our liability.', 'Based on the whole agreement, can we terminate early, and at what cost?', 'Which clauses conflict with each other anywhere in this document?', 'Is there anything in here about renewal or price increases? Cite the sections.', 'Compare the payment terms with the termination clauses and tell me the risks.'],
  codebase: ['Find every place where a resource is opened and never closed.', 'Across all these files, where could a race condition happen?', 'Explain how a request flows through these files, end to end.', 'Which of these functions are buggy? Point to the exact lines across the files.', 'Is there any SQL injection risk anywhere in this codebase?'],
  reviews: ['What problems do customers mention again and again?', 'Which features get praised the most across the reviews?', 'How many reviews mention delivery problems? Quote a few.', 'Group all the reviews by theme and give the share of each.', 'Is the sentiment getting better or worse from the first to the last review?'],
  emails: ['Put the events of this thread in order, with their dates.', 'Which commitments made in these emails were broken?', 'Reading all the messages, what does the customer actually want?', 'Who is responsible for the delay, based on the whole thread?', 'List every date and commitment mentioned across the emails.'],
  report: ['Based on the entire document, what are the main recommendations?', 'Compare the early sections with the conclusions and point out inconsistencies.', 'Which numbers in the report improved, and which got worse?', 'Answer using only the document above: what are the biggest risks it mentions?', 'Turn all of this into flashcards, one per key idea.'],
};

const GENERIC = [
  'Based on the whole document, answer this: {@question}', 'Read everything above carefully. {@question}', 'Using only the text above: {@question}', 'I know it is long, sorry. {@question}',
  'Considering all of it, {@question}', '{@question} Please cite the parts you rely on.', '{@question}', '{@question} Take the whole thing into account, not just the beginning.',
];

const INTRODUCTIONS = {
  logs: ['Log dump from the incident window:', 'Full log output below.', 'Server output from this morning:', 'These are all the worker logs from the incident.'],
  table: ['Data dump below.', 'The numbers, as CSV:', 'This is the whole spreadsheet as CSV:', 'Pasting our data for the year:'],
  transcript: ['Below is the complete transcript of the meeting.', 'Here is the full call transcript.', 'This is the whole interview, sorry it is long.', 'Transcript of our three-hour workshop:'],
  contract: ['I am pasting the complete contract.', 'Here is the full agreement we were sent.', 'Below are the terms in full.', 'This is the entire lease:'],
  codebase: ['Here is our whole module, several files.', 'Pasting the codebase below.', 'These are all the files of the service.', 'Full source follows.'],
  reviews: ['Every review from the app store:', 'Below are 200 customer reviews.', 'Survey answers, one per line:', 'All the feedback from the survey:'],
  emails: ['Our back-and-forth with the vendor:', 'The whole conversation with the client is below.', 'Pasting the complete thread:', 'All the emails about the incident:'],
  report: ['Here is the full report.', 'Our policy manual follows.', 'The full preprint is below.', 'The complete annual report follows.'],
};

const FOREIGN = [
  ['de', 'Hier ist das vollständige Dokument.', 'Was wurde im gesamten Dokument entschieden, und wer ist zuständig?'],
  ['de', 'Unten steht der komplette Vertrag.', 'Gibt es im ganzen Vertrag Klauseln, die unsere Haftung begrenzen?'],
  ['fr', 'Voici le rapport complet.', 'Quels risques sont mentionnés dans les différentes sections ?'],
  ['fr', 'Voici toute la conversation.', 'En lisant tous les messages, qui a promis quoi et pour quand ?'],
  ['es', 'Aquí va el documento completo.', '¿Qué plazos aparecen en todo el documento?'],
  ['pt', 'Segue o relatório inteiro.', 'Quais prazos são mencionados ao longo do texto?'],
  ['it', 'Ecco il documento completo.', 'Quali obblighi ha ciascuna parte secondo il testo?'],
  ['zh', '以下是完整的文档。', '请阅读全文，然后列出所有的决定和负责人。'],
  ['zh', '下面是整个会议记录。', '请根据全文，总结每个部分提到的风险。'],
  ['ja', '以下は資料の全文です。', 'この資料の中で矛盾している点を指摘してください。'],
];

function size(kit) {
  const roll = kit.random();
  if (roll < 0.45) return [1200, 3000];
  if (roll < 0.8) return [3000, 8000];
  if (roll < 0.95) return [8000, 14000];
  return [14000, 34000];
}

function compose(kit, kind, language) {
  let [min, max] = size(kit);
  // A document in the request's own language; Chinese and Japanese need about a third of the characters for the same length in tokens.
  const own = language && kit.chance(0.6);
  if (own && (language === 'zh' || language === 'ja')) [min, max] = [Math.round(min / 3), Math.round(max / 3)];
  const document = own ? longDocument(kit, min, max, 'report', language) : longDocument(kit, min, max, kind);
  if (language) {
    const [code, introduction, question] = kit.pick(FOREIGN.filter((entry) => entry[0] === language));
    return { language: code, text: kit.chance(0.5) ? `${introduction}\n\n${document.text}\n\n${question}` : `${question}\n\n${document.text}` };
  }
  const question = kit.fill(kit.pick(GENERIC), { question: QUESTIONS[document.kind] });
  const introduction = kit.pick(INTRODUCTIONS[document.kind]);
  const layout = kit.int(0, 3);
  const text = layout === 0 ? `${introduction}\n\n${document.text}\n\n${question}` : layout === 1 ? `${question}\n\n${document.text}` : layout === 2 ? `${introduction} ${question}\n\n${document.text}` : `${document.text}\n\n${question}`;
  return { language: 'en', text };
}

export const recipes = [
  ...Object.keys(QUESTIONS).map((kind) => ({ name: kind, max: 80, make: (kit) => compose(kit, kind) })),
  { name: 'summarize-whole', max: 50, make: (kit) => ({ language: 'en', text: `${kit.fill('⟨Summarize this entire document, section by section|Give me an overview of the whole thing, covering every part|Condense all of this into a two-page brief|Write a summary that covers all chapters⟩⟨:|.⟩')}\n\n${longDocument(kit, 6000, 30000, kit.pick(['report', 'transcript', 'emails'])).text}` }) },
  { name: 'foreign', max: 80, make: (kit) => compose(kit, kit.pick(Object.keys(QUESTIONS)), kit.pick(['de', 'fr', 'es', 'pt', 'it', 'zh', 'ja'])) },
];
