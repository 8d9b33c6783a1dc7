import { describe, expect, it } from 'vitest';
import { plausibleCardPrefix } from '../../src/guards/checksums.js';
import { PiiDetector } from '../../src/guards/pii.js';
import { luhnComplete } from './helpers.js';

const detector = new PiiDetector();

/** The values found in `text`, as "type:value". */
function found(text: string, types?: readonly string[]): string[] {
  return detector
    .scan(text)
    .filter((finding) => !types || types.includes(finding.type))
    .map((finding) => `${finding.type}:${text.slice(finding.start, finding.end)}`);
}

describe('payment cards of every network', () => {
  const cards: Array<[string, string]> = [
    ['Visa 13', luhnComplete('422222222222')],
    ['Visa 16', luhnComplete('411111111111111')],
    ['Visa 19', luhnComplete('401288888888188')],
    ['Mastercard 51-55', luhnComplete('555555555555444')],
    ['Mastercard 2-series', luhnComplete('222300004840001')],
    ['Amex', luhnComplete('37144963539843')],
    ['Discover', luhnComplete('601111111111111')],
    ['Discover 644', luhnComplete('644564456445644')],
    ['Diners 14', luhnComplete('3056930902590')],
    ['Diners 36', luhnComplete('3622720627166')],
    ['JCB 16', luhnComplete('353011133330000')],
    ['JCB 15 (2131)', luhnComplete('21310000000000')],
    ['JCB 15 (1800)', luhnComplete('18000000000000')],
    ['Maestro 12', luhnComplete('50180000000')],
    ['Maestro 19', luhnComplete('675964982643845')],
    ['UnionPay 16', luhnComplete('620000000000000')],
    ['UnionPay 19', luhnComplete('624000000000000000')],
  ];

  it.each(cards)('%s is found written compact and in groups of four', (_name, number) => {
    expect(plausibleCardPrefix(number)).toBe(true);
    expect(found(`charge it to ${number} please`, ['credit_card'])).toEqual([`credit_card:${number}`]);
    const grouped = number.replace(/(\d{4})(?=\d)/g, '$1 ');
    expect(found(`card: ${grouped}.`, ['credit_card'])).toEqual([`credit_card:${grouped}`]);
  });

  it('leaves Luhn-invalid numbers, unknown prefixes, too-short runs, versions and prices alone', () => {
    const invalid = luhnComplete('353011133330000').replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
    for (const text of [`card ${invalid}`, `id ${luhnComplete('90000000000000')}`, `ref ${luhnComplete('50180000')}`, 'version 10.0.19045.3693', 'total $4,111,111,111.11', 'ISBN 978-3-16-148410-0']) {
      expect(found(text, ['credit_card'])).toEqual([]);
    }
  });
});

describe('phone numbers through the numbering plans', () => {
  it('takes extensions, dotted North American numbers and international numbers any shape', () => {
    expect(found('office (415) 555-2671 x4587, thanks', ['phone'])).toEqual(['phone:(415) 555-2671 x4587']);
    expect(found('call 212-555-0147 ext. 22 after lunch', ['phone'])).toEqual(['phone:212-555-0147 ext. 22']);
    expect(found('Call 930.167.3943 now', ['phone'])).toEqual(['phone:930.167.3943']);
    expect(found('reach me at +447700 921 916 today', ['phone'])).toEqual(['phone:+447700 921 916']);
    expect(found('mobile: +33 371037359', ['phone'])).toEqual(['phone:+33 371037359']);
    expect(found('345-899-3560x4587 is the desk', ['phone'])).toEqual(['phone:345-899-3560x4587']);
  });

  it('takes a national number without "+" in an unusual grouping only after a phone word', () => {
    expect(found('call back on 357 032 079 after five', ['phone'])).toEqual(['phone:357 032 079']);
    expect(found('the batch 357 032 079 shipped', ['phone'])).toEqual([]);
    expect(found('Call the function with the ID 4242 4242 and the port 8080.', ['phone'])).toEqual([]);
  });

  it('takes numbers after answering, message and voicemail words as after a phone word', () => {
    expect(found("They're not answering at 78 651 450", ['phone'])).toEqual(['phone:78 651 450']);
    expect(found('Please stop the messages to 71-33-52-22.', ['phone'])).toEqual(['phone:71-33-52-22']);
    expect(found('Left a voicemail on 374 780 163 yesterday.', ['phone'])).toEqual(['phone:374 780 163']);
    expect(found('My new number is 99 668472.', ['phone'])).toEqual(['phone:99 668472']);
    expect(found('Your order number is 99 668472.', ['phone'])).toEqual([]);
    // The same digits without those words are a count or an amount.
    expect(found('The population grew to 78 651 450 last year.', ['phone'])).toEqual([]);
    expect(found('Log each message as json: 2024-03-02 14:01:22 warn disk almost full', ['phone'])).toEqual([]);
    expect(found('message sent 02.03.2024 14 times', ['phone'])).toEqual([]);
  });

  it('takes a seven-digit local number only right after a phone word, grouped 3-4 or 3-2-2', () => {
    expect(found('Phone:\n467 3395\n\nE-mail:', ['phone'])).toEqual(['phone:467 3395']);
    expect(found('Name: Kamila\nPhone: 451 5986', ['phone'])).toEqual(['phone:451 5986']);
    expect(found('no message on my registered 668-5702. Could you check?', ['phone'])).toEqual(['phone:668-5702']);
    expect(found('call me on 555 12 34 tonight', ['phone'])).toEqual(['phone:555 12 34']);
    for (const text of ['Invoice 467 3395 is overdue.', 'Phone order 467 3395 shipped.', 'The total was 467 3395 units.', 'Phone: 012 3456', 'tel 4673 395', 'call 467.33-95', 'call 167 3395']) {
      expect(found(text, ['phone']), text).toEqual([]);
    }
  });

  it('takes a phone in brackets and national groupings without a trunk 0 anywhere', () => {
    expect(found('Sent by Anna (905-674-3793) yesterday.', ['phone'])).toEqual(['phone:905-674-3793']);
    expect(found('I am at (99) 645-791 until six.', ['phone'])).toEqual(['phone:(99) 645-791']);
    expect(found('Details: (71) 4233-6306', ['phone'])).toEqual(['phone:(71) 4233-6306']);
    expect(found('Ask for Tom, 60-56-85-91, after lunch.', ['phone'])).toEqual(['phone:60-56-85-91']);
    expect(found('I am at 21 284 698 2548 today.', ['phone'])).toEqual(['phone:21 284 698 2548']);
    expect(found('Details: 51 516 33 75', ['phone'])).toEqual(['phone:51 516 33 75']);
    expect(found('Try 780 6326 (home) after six.', ['phone'])).toEqual(['phone:780 6326']);
    expect(found('99 668472 is my cell.', ['phone'])).toEqual(['phone:99 668472']);
  });

  it('leaves thousands, lists, tables, sums, SSN shapes and cited years alone', () => {
    for (const text of [
      'The population grew to 78 651 450 last year.',
      'scores: 10 20 30 40 in four rounds',
      'row: 100 250 75 1200 3 45',
      'so 400-80-275 = 45 are left',
      'she saved 1200-300-150-45 = 705 dollars',
      'The sample SSN 979-47-2405 is not a real number.',
      'Smith (2019) 123-145 showed it.',
      'between 10-12-14 and 16',
      'on 12-10-2023 14 people came',
      'Smith (2019) 123 145 678 showed it.',
    ]) {
      expect(found(text, ['phone']), text).toEqual([]);
    }
  });

  it('leaves dates, versions, ZIP+4 codes and order numbers alone', () => {
    for (const text of ['on 2023-10-12 at 10:30', 'version 1.2.3.4', 'ZIP 02134-1234', 'order 4155552671', '12.10.2023', '+02 6109 11879096']) {
      expect(found(text, ['phone'])).toEqual([]);
    }
  });
});

describe('person names', () => {
  it('finds full names, names after titles and single names after a cue', () => {
    expect(found('Please ship the order to Aaliyah Corkery today.', ['person'])).toEqual(['person:Aaliyah Corkery']);
    expect(found('Dear Mrs. Okonkwo, your appointment has moved.', ['person'])).toEqual(['person:Okonkwo']);
    expect(found('Ask Dr. Anneliese Brandt before Monday.', ['person'])).toEqual(['person:Anneliese Brandt']);
    expect(found('The patient, Luis Alberto Ramírez, reports chest pain.', ['person'])).toEqual(['person:Luis Alberto Ramírez']);
    expect(found('According to Noë T. van Iersel, the figures are final.', ['person'])).toEqual(['person:Noë T. van Iersel']);
    expect(found('Hi Sven, could you send me the slides?', ['person'])).toEqual(['person:Sven']);
    expect(found('My name is Kofi and I need help.', ['person'])).toEqual(['person:Kofi']);
    expect(found('Krisztián Szöllösy listed his top 20 songs.', ['person'])).toEqual(['person:Krisztián Szöllösy']);
    expect(found('Emma Bins lives next door.', ['person'])).toEqual(['person:Emma Bins']);
  });

  it('finds names before a possessive, after lower-case titles, in lists of people and before ", who"', () => {
    expect(found("The verses from Yuri Bulgakov's Cautionary Tales.", ['person'])).toEqual(['person:Yuri Bulgakov']);
    expect(found("I'd like to join accounts with ms. Marcela", ['person'])).toEqual(['person:Marcela']);
    expect(found('Our 3 founders: Kónya, Becker and Vasquez.', ['person'])).toEqual(['person:Kónya', 'person:Becker', 'person:Vasquez']);
    expect(found('A paper written by Smith, Jones and Brown.', ['person'])).toEqual(['person:Smith', 'person:Jones', 'person:Brown']);
    expect(found('Write a birthday card for Dasia, who turns 40 on Saturday.', ['person'])).toEqual(['person:Dasia']);
    expect(found('Leif, can I please speak to your boss?', ['person'])).toEqual(['person:Leif']);
    expect(found('Sofia: rollback done\nChloé: I think the import job ran twice', ['person'])).toEqual(['person:Sofia', 'person:Chloé']);
    expect(found('Mail the documents to Rubén Torres Chacón at the office.', ['person'])).toEqual(['person:Rubén Torres Chacón']);
  });

  it('finds a name again where it stands alone, middle-initial names, and names after speech verbs and "assistant to"', () => {
    expect(found("the verses from Faina D. Yefremova's Cautionary Tales. Is there a better example than early Yefremova?", ['person'])).toEqual(['person:Faina D. Yefremova', 'person:Yefremova']);
    expect(found('Asya spent a year as the assistant to Asya Godina.', ['person'])).toEqual(['person:Asya', 'person:Asya Godina']);
    expect(found('Gerth had given Gerth his address.', ['person'])).toEqual(['person:Gerth', 'person:Gerth']);
    expect(found("I'm so jealous! said Maslin to Antonio", ['person'])).toEqual(['person:Maslin', 'person:Antonio']);
    expect(found('Dexter lives on Ziegelgasse 19.', ['person'])).toEqual(['person:Dexter']);
    expect(found("As promised, here's Matej's address:", ['person'])).toEqual(['person:Matej']);
    expect(found("Don't go to town, Derrick!", ['person'])).toEqual(['person:Derrick']);
    expect(found('She named him Frank', ['person'])).toEqual(['person:Frank']);
    expect(found("What's your name? Jildau S Bouts", ['person'])).toEqual(['person:Jildau S Bouts']);
    expect(found('Ken N. Fukuda\n\n3037 ul. Północna 73', ['person'])).toEqual(['person:Ken N. Fukuda']);
    expect(found('Sven Hedlund\n\n85199 Avda. Rio Nalon 58', ['person'])).toEqual(['person:Sven Hedlund']);
  });

  it('does not take places, regions and firms again as names', () => {
    for (const text of [
      'The orchestra serves Southern Austria and Western Poland.',
      'The people of South Carolina sent delegates; Carolina then voted.',
      'Capital flowed from Latin America. America then recovered.',
      'The Czech Border Force detained him.',
      'I invest with Russell Investments.',
      'He flew to Costa Rica last May.',
      'Key points: the Key West trip is off.',
      'Rose Hill is a park. Rose is in bloom.',
    ]) {
      expect(found(text, ['person']), text).toEqual([]);
    }
  });

  it('finds names in text written all in lower case', () => {
    expect(found('follow up with patricia desrosiers in a couple of months.', ['person'])).toEqual(['person:patricia desrosiers']);
    expect(found('i lost my card. my name is lena andersson.', ['person'])).toEqual(['person:lena andersson']);
    expect(found('follow up with benjamin a seiler next week', ['person'])).toEqual(['person:benjamin a seiler']);
    expect(found('hi, my name is patricia', ['person'])).toEqual(['person:patricia']);
    expect(found('aksel kristensen\nsewer pipe cleaner', ['person'])).toEqual(['person:aksel kristensen']);
    expect(found('bertram m. jørgensen\n\nsoldier', ['person'])).toEqual(['person:bertram m. jørgensen']);
    for (const text of ['hello world', 'npm install', 'docker compose', 'lodash debounce', 'rose garden', 'les numéros']) {
      expect(found(text, ['person']), text).toEqual([]);
    }
  });

  it('leaves lists of towns and firms, question words, foreign words and streets named after people alone', () => {
    for (const text of [
      'We toured Paris, Lyon and Nice.',
      'Hey, What is 15% of 592?',
      'Hello, Why is the sky blue?',
      'Kubernetes, can you restart the pod?',
      'descreva esta imagem',
      'extrais les numéros de téléphone de ce texte',
      'the regex for german ibans',
      'I live at Camino Carolina Bahena López s/n.',
      'Brucker Bundesstrasse is closed.',
      'the job will run at mark time',
    ]) {
      expect(found(text, ['person']), text).toEqual([]);
    }
    expect(found('Lopez, Santos and Coleman is a design agency based in Espoo.', ['person'])).not.toContain('person:Coleman');
  });

  it('leaves places, organisations, products and capitalised phrases alone', () => {
    for (const text of [
      'The Jordan River flows into the Dead Sea.',
      'Apple Park is in Cupertino, California.',
      'Take the Victoria Line to Brixton and change for the bus.',
      'Lincoln Park and Harvard University are nearby.',
      'Johnson & Johnson reported earnings above expectations.',
      'Mount Vernon overlooks the Potomac River.',
      'Austin, Texas has grown quickly since 2010.',
      'We visited Upton Keeling last summer.',
      'Use Visual Studio Code with the Python extension.',
      'Grace Hopper Street is closed for repairs.',
      'The Golden Gate Bridge opened in 1937.',
      'Will you review the draft? May I ask why?',
    ]) {
      expect(found(text, ['person']), text).toEqual([]);
    }
  });
});

describe('street addresses', () => {
  it('an address that runs on into a phone keeps the part before it, with few findings or many', () => {
    const block = '20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488\n 555 201 7788';
    const expected = ['street_address:20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488', 'phone:555 201 7788'];
    expect(found(block, ['street_address', 'phone'])).toEqual(expected);
    // Over 64 findings the overlaps are resolved on a map of the text: the same outcome.
    const many = `${Array.from({ length: 70 }, (_, index) => `user${index}@example.com`).join(' ')}\n${block}`;
    expect(found(many, ['street_address', 'phone'])).toEqual(expected);
    expect(found(many, ['email'])).toHaveLength(70);
  });

  it('finds address blocks, ships, lower-case prefixes and the postal code after a blank line', () => {
    expect(found('William Hughes\n\n20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488', ['street_address'])).toEqual(['street_address:20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488']);
    expect(found('Megan Carey\nUSNS Bergman\nFPO AP 93757\nMobile: 555', ['street_address'])).toEqual(['street_address:USNS Bergman\nFPO AP 93757']);
    expect(found('it is 143 31 rue de la Hulotais Apt. 087 SAINT-PRIEST France', ['street_address'])).toEqual(['street_address:143 31 rue de la Hulotais Apt. 087 SAINT-PRIEST France']);
    expect(found('808 Kálmán Imre u. 12.\n Apt. 762\n Zalakaros', ['street_address'])).toEqual(['street_address:808 Kálmán Imre u. 12.\n Apt. 762\n Zalakaros']);
    expect(found('Please return to 72134 Coronilla 3599 in case of an issue.', ['street_address'])).toEqual(['street_address:72134 Coronilla 3599']);
  });

  it('leaves votes, rows, headings and paragraphs after an address alone', () => {
    for (const text of ['149 to 42 in the House and 42 to 10 in the Senate', 'If parents 1 and 2 in row II have another child', '2019 Annual Report 3\nnext', 'Chapter 12 Part 3\nThe story']) {
      expect(found(text, ['street_address']), text).toEqual([]);
    }
    expect(found('Ship it to 742 Evergreen Terrace\n\nKind regards, Ann', ['street_address'])).toEqual(['street_address:742 Evergreen Terrace']);
  });

  it('finds US, British and European street lines with their unit, city, region and postal code', () => {
    expect(found('Ship it to 742 Evergreen Terrace, Springfield, OR 97403 please.', ['street_address'])).toEqual(['street_address:742 Evergreen Terrace, Springfield, OR 97403']);
    expect(found('Our office: 1565 N Walnut Street Suite 218, East Ole', ['street_address'])).toEqual(['street_address:1565 N Walnut Street Suite 218, East Ole']);
    expect(found('Deliver to 18 Rue des Martyrs, 75009 Paris.', ['street_address'])).toEqual(['street_address:18 Rue des Martyrs, 75009 Paris']);
    expect(found('Bitte an Schönhauser Allee 36, 10435 Berlin schicken.', ['street_address'])).toEqual(['street_address:Schönhauser Allee 36, 10435 Berlin']);
    expect(found('Il negozio è in Via Garibaldi 12, 20121 Milano.', ['street_address'])).toEqual(['street_address:Via Garibaldi 12, 20121 Milano']);
    expect(found('Invoice address: Keizersgracht 123, 1015 CJ Amsterdam', ['street_address'])).toEqual(['street_address:Keizersgracht 123, 1015 CJ Amsterdam']);
    expect(found('Mail the form to PO Box 1425, Topeka, KS 66601.', ['street_address'])).toEqual(['street_address:PO Box 1425, Topeka, KS 66601']);
    expect(found('He lives at Edeby 55 with his parents.', ['street_address'])).toEqual(['street_address:Edeby 55']);
  });

  it('finds crossings, abbreviated street types written first, Icelandic streets and a number before a street named first', () => {
    expect(found('send a new one to the corner of Kuusiku 7 and Alexander Flat? I am away', ['street_address'])).toEqual(['street_address:the corner of Kuusiku 7 and Alexander Flat']);
    expect(found("It's in the corner of 35 Pentelis Str. and Waechter Turnpike", ['street_address'])).toEqual(['street_address:the corner of 35 Pentelis Str. and Waechter Turnpike']);
    expect(found('User: Hanne and ul. Więckowskiego Stefana 28', ['street_address'])).toEqual(['street_address:ul. Więckowskiego Stefana 28']);
    expect(found('The title refers to C/ Señores Curas 88 street in Villafranca.', ['street_address'])).toEqual(['street_address:C/ Señores Curas 88']);
    expect(found('User: 5586 Þórunnarstræti 31, Arnsdorf, Germany', ['street_address'])).toEqual(['street_address:5586 Þórunnarstræti 31, Arnsdorf, Germany']);
    // A year before a street named first stays out of it.
    expect(found('In 2019 Kerkstraat 12 was sold.', ['street_address'])).toEqual(['street_address:Kerkstraat 12']);
    // A unit word glued to letters is a word ("boxes"), not a unit; "Apt. B" and "Apt5" are units.
    expect(found('I have 3 boxes at Kerkstraat 12 boxes', ['street_address'])).toEqual(['street_address:Kerkstraat 12']);
    expect(found('Ship to 12 Main Street Apt. B, Springfield', ['street_address'])).toEqual(['street_address:12 Main Street Apt. B, Springfield']);
  });

  it('leaves prices, versions, postal codes alone, quantities and streets without a number alone', () => {
    for (const text of ['Prices start at $1,299 for the base model.', 'Version 4.12.1 broke the login flow.', 'The ZIP code 90210 belongs to Beverly Hills.', 'Add 2 cups of flour and 3 Granny Smith apples.', 'Grace Hopper Street was renamed last year.', 'Read chapter 7 before Friday.', 'Windows 10 and Python 3 are installed.', 'Room 304 is booked from 9 to 12.', 'Meet me at the corner of the room.', 'Turn at the corner of 5th and Main.', 'The ul. 5 rule applies.']) {
      expect(found(text, ['street_address']), text).toEqual([]);
    }
  });
});

describe('dates of birth, passport and licence numbers', () => {
  it('finds them right after the words that name them', () => {
    expect(found('Patient DOB 03/14/1962, allergic to penicillin.', ['date_of_birth'])).toEqual(['date_of_birth:03/14/1962']);
    expect(found('I was born on July 4, 1985 in a small town.', ['date_of_birth'])).toEqual(['date_of_birth:July 4, 1985']);
    expect(found('Geburtsdatum: 02.11.1978', ['date_of_birth'])).toEqual(['date_of_birth:02.11.1978']);
    expect(found('Passport number: X4829173', ['passport'])).toEqual(['passport:X4829173']);
    expect(found('my passport no is 533380006 and it expires', ['passport'])).toEqual(['passport:533380006']);
    expect(found("Driver's license: D123-4567-8901", ['driver_license'])).toEqual(['driver_license:D123-4567-8901']);
    expect(found('DL# S530-4471-9982 issued in Illinois', ['driver_license'])).toEqual(['driver_license:S530-4471-9982']);
  });

  it('leaves the same shapes alone without those words', () => {
    for (const text of ['The meeting is on 03/14/1962 in the archive.', 'Ticket X4829173 was closed.', 'Build D123-4567-8901 passed.', 'The passport office opens at 9.']) {
      expect(found(text, ['date_of_birth', 'passport', 'driver_license']), text).toEqual([]);
    }
  });
});
