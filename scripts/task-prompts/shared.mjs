// Slot values every category draws on (names, places, topics, times), so that none of them
// is a hint for one category. Pasted texts live in passages.mjs.

export const SHARED = {
  name: ['Anna', 'Ben', 'Carlos', 'Deepa', 'Elif', 'Femi', 'Greta', 'Hiroshi', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Mateo', 'Nadia', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wei', 'Yuki', 'Zara', 'Marta', 'Tom', 'Aisha', 'Lukas', 'Sofia', 'Raj', 'Chloé', 'Diego', 'Hannah', 'Ivan', 'Mei'],
  surname: ['Schmidt', 'García', 'Okafor', 'Nakamura', 'Rossi', 'Dubois', 'Kowalski', 'Patel', 'Andersson', 'Silva', 'Müller', 'Chen', 'Novak', 'Haddad', 'Murphy', 'Jansen', 'Kim', 'Lopez', 'Yilmaz', 'Brown'],
  company: ['Acme Corp', 'Nordwind GmbH', 'Bluefin Analytics', 'Helios Energy', 'Orbit Logistics', 'Greenleaf Foods', 'Kestrel Software', 'Maple & Co', 'Vantage Health', 'Quantum Retail', 'Atlas Insurance', 'Pioneer Labs', 'Silverline Bank', 'Copperfield Media', 'Zenith Motors'],
  city: ['Lisbon', 'Nairobi', 'Osaka', 'Toronto', 'Krakow', 'Lima', 'Melbourne', 'Cairo', 'Oslo', 'Hanoi', 'Denver', 'Seville', 'Munich', 'Lyon', 'Porto', 'Bologna', 'Rotterdam', 'Seoul', 'Chicago', 'Edinburgh', 'Vancouver', 'Istanbul', 'Bangalore', 'Mexico City', 'Cape Town'],
  country: ['Australia', 'Canada', 'Kenya', 'Peru', 'Norway', 'Vietnam', 'Morocco', 'Chile', 'Finland', 'Portugal', 'Japan', 'Brazil', 'Poland', 'Egypt', 'Ireland', 'Indonesia', 'Mexico', 'Greece', 'Iceland', 'Argentina'],
  language: ['French', 'Spanish', 'German', 'Italian', 'Portuguese', 'Japanese', 'Chinese', 'Korean', 'Dutch', 'Polish', 'Turkish', 'Arabic', 'Russian', 'Swedish', 'Hindi', 'Greek', 'Vietnamese', 'Thai', 'Czech', 'Ukrainian', 'Brazilian Portuguese', 'Mandarin', 'Hebrew', 'Indonesian'],
  relation: ['my manager', 'a customer', 'my landlord', 'the hiring team', 'my professor', 'a new colleague', 'our supplier', 'my neighbour', 'the board', 'my sister', 'my team', 'the client', 'my dad', 'our accountant', 'the school', 'my flatmate'],
  weekday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  month: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  time: ['8am', '9:30', '10 am', 'noon', '1pm', '14:00', '3:15 pm', '4pm', '17:30', '6 pm', '7:45pm', '20:00'],
  day: ['today', 'tomorrow', 'next Monday', 'on Friday', 'this weekend', 'next week', 'tonight', 'on the 14th', 'the day after tomorrow', 'first thing tomorrow'],
  topic: [
    'climate change', 'the French revolution', 'remote work', 'quantum computing', 'the housing market', 'sleep', 'electric cars', 'the Roman empire', 'supply chains', 'coral reefs', 'inflation',
    'open source', 'urban gardening', 'the printing press', 'volcanoes', 'AI in healthcare', 'coffee', 'the Apollo program', 'microplastics', 'jazz', 'honeybees', 'the Silk Road', 'minimalism',
    'marathon training', 'social media', 'nuclear power', 'the Renaissance', 'cryptocurrency', 'public transport', 'vaccines', 'chess', 'the deep sea', 'autumn', 'friendship', 'first jobs',
    'moving to a new city', 'the moon', 'rainy Mondays', 'grandparents', 'video games', 'football', 'tea', 'the ocean', 'trains', 'cats', 'dogs', 'winter', 'a broken heart', 'small towns',
  ],
};
