// Hand-written sentences for the person-name, street-address and identity-number detectors,
// each written one by one (not from templates) before the detectors were measured on them, and
// never used to change a rule: the held-out set written here (docs/guards-quality.md). Values
// are marked inline as [[type|value]]; the rest is plain text. Many sentences have no personal
// data but share words with it: places and organisations named after people, products,
// versions, prices, postal codes, street names without numbers.

const SENTENCES = [
  // person names in ordinary requests
  'Can you help me write a thank-you note to [[person|Margaret Thornton]] for hosting us last weekend?',
  'Reply to [[person|Dmitri Volkov]] and tell him the shipment left Rotterdam yesterday.',
  'Meeting notes: [[person|Aisha Bello]] presented the Q2 numbers, [[person|Tom Whitaker]] raised concerns about churn.',
  'Dear Mrs. [[person|Okonkwo]], your appointment has been moved to Thursday.',
  'Hi [[person|Sven]], could you send me the slides from yesterday?',
  'My name is [[person|Rafael Mendoza]] and I would like to dispute a charge.',
  'Please summarize the complaint from [[person|Gwendolyn Price]] about the late delivery.',
  '[[person|Hiroshi Tanaka]] said the build is broken on the main branch.',
  'Translate this into French: "[[person|Peter]] will pick up the kids at five."',
  'The patient, [[person|Luis Alberto Ramírez]], reports chest pain since Monday.',
  'Forward this to Dr. [[person|Anneliese Brandt]] before the board meeting.',
  'Signed, [[person|Katherine O\'Neill]]',
  'cc: [[person|Jamal Washington]], [[person|Priya Raghunathan]]',
  'Thanks, [[person|Olga]]!',
  'Ask [[person|Benedikt]] if the invoice was paid.',
  'We interviewed [[person|Chloé Lefebvre]] for the designer role and she was excellent.',
  'Our landlord, Mr. [[person|Kowalczyk]], refuses to fix the heating.',
  'Write a short bio for [[person|Yusuf Demir]], a civil engineer from Ankara.',
  'Schedule a call with [[person|Eleanor Vance]] and [[person|Marcus Reid]] next Tuesday.',
  'According to Professor [[person|Liang Wei]], the results could not be replicated.',
  'Customer [[person|Fatima Zahra El Idrissi]] asked for a refund on order 55102.',
  'Draft a reminder for [[person|Giulia Romano]] that her contract expires in May.',
  '[[person|Sean Murphy]] and [[person|Niamh Kelly]] are the new team leads.',
  'Note from [[person|Ingrid Johansson]]: the server room key is at reception.',
  'Applicant: [[person|Tobias Schneider]]\nPosition: Data analyst',
  'The contract was signed by [[person|Maria da Silva Santos]] on behalf of the company.',
  'Is [[person|Kwame Mensah]] available to review the pull request?',
  'hey [[person|Lucy]], dinner at 8?',
  'I spoke with [[person|Ana Lucía Herrera]] from accounting; she confirmed the numbers.',
  'Please verify the identity of [[person|Bartholomew Finch]] before releasing the funds.',
  'Ms. [[person|Nakamura]] will chair the session.',
  'From: [[person|Oliver Bennett]]\nSubject: budget review',
  'Condolences card for [[person|Harold]]\'s family — he passed away last week.',
  'Tell [[person|Isabella]] the package is at the front desk.',
  'The witness [[person|Gerald Pruitt]] saw the accident from across the road.',
  'Employee [[person|Nguyen Van An]] requested parental leave starting June.',
  'Recommend a gift for my colleague [[person|Rebecca]], who loves gardening.',
  'Frau [[person|Hildegard Baumann]] hat angerufen und bittet um Rückruf.',
  'Mi nombre es [[person|Alejandro Castillo]] y necesito ayuda con mi cuenta.',
  'Chère Madame [[person|Dubois]], merci pour votre message.',
  'Summarize the email thread between [[person|Craig Patterson]] and [[person|Lena Fischer]].',
  'Who is [[person|Samuel Adeyemi]]? He keeps emailing our support address.',
  'Remind [[person|Grandma Rose]] about the doctor on Friday.',
  'Old ticket assigned to [[person|J. R. Hartley]] was never closed.',
  '[[person|Emily]] wrote: "running late, start without me"',
  'Book a table for two under the name [[person|Castellanos]].',
  // street addresses
  'Ship it to [[street_address|742 Evergreen Terrace, Springfield, OR 97403]] please.',
  'My new address is [[street_address|1600 Pennsylvania Avenue NW, Washington, DC 20500]].',
  'The office moved to [[street_address|221 Kingsley Road, Apt 4B]].',
  'Deliver to [[street_address|18 Rue des Martyrs, 75009 Paris]].',
  'Bitte an [[street_address|Schönhauser Allee 36, 10435 Berlin]] schicken.',
  'Our warehouse is at [[street_address|4500 W Industrial Blvd, Suite 120, Phoenix, AZ 85043]].',
  'Send the keys to [[street_address|Flat 2, 9 Abbey Lane]].',
  'Returns go to [[street_address|350 Fifth Avenue, New York, NY 10118]].',
  'Il negozio è in [[street_address|Via Garibaldi 12, 20121 Milano]].',
  'La oficina está en [[street_address|Calle de Alcalá 45, 28014 Madrid]].',
  'Invoice address: [[street_address|Keizersgracht 123, 1015 CJ Amsterdam]]',
  'The party is at [[street_address|58 Maple Drive]] this Saturday.',
  'He lives at [[street_address|9 Chemin des Vignes, 1260 Nyon]] with his parents.',
  'Pick-up point: [[street_address|1200 S Congress Ave, Austin, TX 78704]]',
  'Mail the form to [[street_address|PO Box 1425, Topeka, KS 66601]].',
  'Our clinic is at [[street_address|77 Harbour Street, Unit 3]].',
  'New tenant at [[street_address|31 Willow Crescent, Leeds LS6 2AB]] needs a parking permit.',
  'Venue: [[street_address|Mannerheimintie 13, 00100 Helsinki]]',
  'Address on file: [[street_address|2130 Oak Hollow Ct, Marietta, GA 30062]]',
  'Can you check if [[street_address|15 Tennyson Road]] is in the flood zone?',
  'Lieferadresse: [[street_address|Hauptstraße 5, 80331 München]]',
  'The listing for [[street_address|404 Elm St.]] says three bedrooms.',
  // dates of birth, passports, licences
  'Patient [[person|Carla Moretti]], DOB [[date_of_birth|03/14/1962]], allergic to penicillin.',
  'Date of birth: [[date_of_birth|12 August 1990]]',
  'I was born on [[date_of_birth|July 4, 1985]] in a small town.',
  'Geburtsdatum: [[date_of_birth|02.11.1978]]',
  'Passport number: [[passport|X4829173]]',
  'my passport no is [[passport|533380006]] and it expires in 2027',
  "Driver's license: [[driver_license|D123-4567-8901]]",
  'DL# [[driver_license|S530-4471-9982]] issued in Illinois',
  'Her date of birth is [[date_of_birth|1994-06-30]].',
  // no personal data, but names of places, organisations, products and things
  'The Jordan River flows south into the Dead Sea.',
  'Apple Park in Cupertino has a ring-shaped main building.',
  'We hiked along Lake Washington and ended at Madison Park.',
  'Johnson & Johnson reported earnings above expectations.',
  'Morgan Stanley raised its forecast for the quarter.',
  'The Ford Mustang and the Tesla Model 3 were compared in the review.',
  'Take the Piccadilly Line from Heathrow to Green Park.',
  'Version 4.12.1 of the Chrome extension broke the login flow.',
  'Prices start at $1,299 for the base model and $1,899 for the Pro.',
  'The ZIP code 90210 belongs to Beverly Hills.',
  'Mount Rainier is visible from Seattle on clear days.',
  'Grace Hopper Street was renamed last year.',
  'The Victoria Falls are on the border of Zambia and Zimbabwe.',
  'We stayed at the Hilton Garden Inn near the airport.',
  'Harvard Business School published a case on the merger.',
  'Read chapter 7 of Pride and Prejudice before Friday.',
  'Lincoln Center hosts the festival every summer.',
  'Order 48213 was delivered to the locker on Tuesday.',
  'Room 304 is booked for the workshop from 9 to 12.',
  'Use Microsoft Teams for the call, not Google Meet.',
  'The Brooklyn Bridge opened in 1883.',
  'Add 2 cups of flour and 3 Granny Smith apples.',
  'Charlotte is the largest city in North Carolina.',
  'The Georgia Aquarium is in Atlanta.',
  'Alexander Technique classes start next month.',
  'Sort the list by Last Name, then First Name.',
  'Set MAX_RETRIES to 5 and TIMEOUT to 30.',
  'The Marshall Plan helped rebuild Europe after the war.',
  'Buy tickets for Swan Lake at the Royal Opera House.',
  'Highway 101 is closed between exits 12 and 15.',
  'Our team uses Jira, Confluence and Slack every day.',
  'Summer Street Festival returns on 14 July.',
  'Welcome to Paris, the City of Light.',
  'The Golden State Warriors won in overtime.',
  'Turn right on Baker Street and walk two blocks.',
  'Born in the USA is an album by [[person|Bruce Springsteen]], released in 1984.',
];

/** Rows of {text, spans} from the inline markup. */
export function handwrittenNameRows() {
  return SENTENCES.map((sentence) => {
    let text = '';
    const spans = [];
    let rest = sentence;
    for (let open = rest.indexOf('[['); open !== -1; open = rest.indexOf('[[')) {
      const close = rest.indexOf(']]', open);
      const [type, value] = rest.slice(open + 2, close).split('|');
      text += rest.slice(0, open);
      spans.push({ type, start: text.length, end: text.length + value.length });
      text += value;
      rest = rest.slice(close + 2);
    }
    return { text: text + rest, spans };
  });
}
