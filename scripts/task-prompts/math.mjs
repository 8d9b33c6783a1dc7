// math: arithmetic, percentages, word problems, algebra, calculus, probability, statistics,
// geometry, number theory, proofs and logic puzzles.

const number = (kit) => String(kit.pick([kit.int(2, 20), kit.int(12, 99), kit.int(100, 999), kit.int(1000, 25000), (kit.int(5, 999) / 10).toFixed(1), (kit.int(100, 9999) / 100).toFixed(2)]));
const small = (kit) => String(kit.int(2, 12));
const list = (kit) => Array.from({ length: kit.int(5, 9) }, () => kit.int(1, 60)).join(', ');

const slots = {
  a: number,
  b: number,
  s: small,
  t: small,
  list,
  pct: (kit) => String(kit.pick([5, 7.5, 10, 12, 15, 18, 20, 25, 30, 33, 40, 65])),
  expression: ['x^3 * sin(x)', 'e^(2x) / x', 'ln(x^2 + 1)', 'sqrt(3x - 5)', 'x^2 * e^-x', 'tan(x) / x', '(2x + 1)^5', 'cos(x)^2', 'x ln x', '1 / (1 + x^2)', 'arctan(2x)', '5x^4 - 3x^2 + 7'],
  limit: ['(1 + 1/n)^n as n goes to infinity', 'sin(x)/x as x goes to 0', '(x^2 - 4)/(x - 2) as x approaches 2', '(3n^2 + n)/(n^2 - 5) as n → ∞', 'x ln x as x → 0+'],
  prove: [
    'the square root of 2 is irrational', 'there are infinitely many primes', '1 + 2 + ... + n = n(n+1)/2', 'the sum of the angles of a triangle is 180 degrees', 'n^3 - n is divisible by 6 for every integer n',
    'every tree with n nodes has n - 1 edges', 'the product of two odd numbers is odd', 'a graph is bipartite iff it has no odd cycle', '2^n > n^2 for n ≥ 5', 'the harmonic series diverges',
    'log2(3) is irrational', 'between any two rationals there is another rational', 'a continuous function on [a, b] attains its maximum', 'the composition of two injective functions is injective',
  ],
  puzzle: [
    'If all bloops are razzies and all razzies are lazzies, are all bloops lazzies?', 'Three boxes are labelled apples, oranges and mixed, and every label is wrong. You may take one fruit from one box. How do you relabel them?',
    'A farmer must cross a river with a wolf, a goat and a cabbage, and the boat holds only one of them. How?', 'You have 8 balls, one is heavier. With a balance scale, how do you find it in two weighings?',
    'A bat and a ball cost 1.10 in total and the bat costs 1.00 more than the ball. How much is the ball?', 'Two people say: A: "we are both liars". B says nothing. A is a knight or a knave — which?',
    'Five pirates split 100 coins by proposal and vote. What does the oldest pirate propose?', 'How many times a day do the hour and minute hands of a clock overlap?',
    'You have a 3-litre and a 5-litre jug. How do you measure exactly 4 litres?', 'A snail climbs 3 m up a 10 m well each day and slips back 2 m each night. When does it get out?',
    'There are 100 lockers and 100 students toggling them; which lockers are open at the end?', 'If it takes 5 machines 5 minutes to make 5 widgets, how long do 100 machines need for 100 widgets?',
  ],
};

export const recipes = [
  { name: 'arithmetic', make: (kit) => kit.fill('⟨What is|What\'s|Calculate|Compute|How much is|Work out|whats|quick:|⟩ {@a} ⟨*|×|times|x|+|plus|-|minus|/|÷|divided by⟩ {@b}⟨?||.| exactly?⟩', slots) },
  { name: 'mixed-expression', make: (kit) => kit.fill('⟨Evaluate|Calculate|What is|Simplify|solve⟩ ⟨({@s} + {@t}) * {@a}|{@a} - {@s}^2 + {@t}|{@s}/{@t} + 3/4|2^{@s} mod {@t}|sqrt({@a}) * {@s}|{@s}! / ({@t} - 1)!|{@a} * ({@s}% of {@b})|log10({@a})⟩⟨?||, step by step⟩', slots) },
  { name: 'percent', make: (kit) => kit.fill('⟨What is|Compute|How much is|Calculate⟩ {@pct}% of {@a}⟨?|.|⟩|If something costs {@a} and is ⟨discounted|marked up|taxed⟩ by {@pct}%, what is the ⟨new|final⟩ price?|{@a} went up to {@b}. What is the percentage change?|What percentage of {@b} is {@a}?|A {@pct}% tip on a bill of {@a} is how much?|Price incl. {@pct}% VAT is {@b}, what was it before VAT?', slots) },
  { name: 'speed-distance', make: (kit) => kit.fill('⟨A train|A car|A cyclist|My bus|A plane|A runner⟩ ⟨travels|covers|goes⟩ {@a} km in {@s} hours. ⟨What is its average speed?|How long for {@b} km at the same speed?|How far in {@t} hours?⟩', slots) },
  { name: 'meet-and-rates', make: (kit) => kit.fill('⟨A boat goes {@a} km downstream in {@s} hours and back upstream in {@t} hours. How fast is the current?|{@s} workers build a wall in {@t} days. How long would {@b} workers take?|A printer prints {@a} pages in {@s} minutes. How long for {@b} pages?|Anna paints a fence in {@s} hours and Ben in {@t} hours; together?⟩', slots) },
  { name: 'money-problems', make: (kit) => kit.fill('⟨I earn {@a} per hour and work {@s} hours a week. How much is that per year?|We split a bill of {@a} between {@s} people and add a {@pct}% tip. How much each?|If I invest {@a} at {@pct}% per year compounded monthly, what is it worth after {@t} years?|A loan of {@b} at {@pct}% over {@t} years: what is the monthly payment?|I save {@a} a month. How long until I have {@b}?|Apples cost {@s} for 3. How much for {@a} apples?|My salary went from {@a} to {@b}. By how many percent did it rise?⟩', slots) },
  { name: 'everyday-word-problem', make: (kit) => kit.fill('⟨Sarah has {@s} apples and buys {@a} more, then gives away half. How many are left?|A recipe for 4 needs {@s} eggs and {@a} g of flour. How much for {@t} people?|A bakery sells {@a} rolls on weekdays and {@pct}% more on Saturdays. How many per week?|A room is {@s} m by {@t} m. How many 0.5 m tiles do I need?|If {@s} pizzas feed {@t} kids, how many pizzas for {@a} kids?|A class has {@a} students and {@pct}% are absent. How many are present?|my kid\'s homework: Tom is {@s} years older than his sister, and together they are {@a}. How old is each?⟩', slots) },
  { name: 'algebra', make: (kit) => kit.fill('⟨Solve for x:|Solve|Find x:|Can you solve|help me solve⟩ ⟨{@s}x + {@t} = {@a}|x^2 - {@s}x + {@t} = 0|{@s}/x = {@t} + 1|2^(x+1) = {@a}|{@s}(x - 2) = {@t}x + {@a}|{@s}x - 7 ≤ {@b}|abs(x - {@s}) = {@t}|log(x) + log(x - {@s}) = 1|x^3 = {@a}⟩⟨.||, and show the steps⟩', slots) },
  { name: 'simplify-factor', make: (kit) => kit.fill('⟨Factor|Simplify|Expand|Factorise⟩ ⟨x^2 + {@s}x + {@t}|(x + {@s})^3|(x^2 - {@t}) / (x - 1)|{@s}x^2 - {@t}x|a^4 - b^4|(2x - {@s})(x + {@t})|x^6 - 1⟩', slots) },
  { name: 'calculus', make: (kit) => kit.fill('⟨What is the derivative of|Differentiate|Find d/dx of|Integrate|Find the integral of|What is the antiderivative of|Find the second derivative of⟩ {@expression}⟨| dx|.|?⟩|Find the limit of {@limit}.|Does the series sum 1/n^{@s} converge?|Find the Taylor series of {@expression} around 0 up to the x^3 term.|Where does f(x) = x^3 - {@s}x have its local maxima and minima?', slots) },
  { name: 'probability', make: (kit) => kit.fill('⟨What is the probability of rolling|What\'s the chance of getting⟩ ⟨two sixes with two dice|a sum of {@s} with two dice|at least one head in {@s} coin flips|three of a kind in a five-card hand⟩?|A bag has {@s} red and {@t} blue balls. What is the probability of drawing two red without replacement?|What is the expected sum of three dice?|A test is 99% accurate and 1 in {@a} people have the disease. If I test positive, what is the chance I have it?|I draw 2 cards from a deck. What is the chance both are aces?|{@s} people in a room: what is the probability two share a birthday?', slots) },
  { name: 'statistics', make: (kit) => kit.fill('⟨What is the mean of|Find the median of|Compute the standard deviation of|What are the mean, median and mode of|Find the variance of|What is the interquartile range of⟩ {@list}⟨?|.⟩|Is a difference of {@s}% significant with n = {@a}? Compute the p-value for a two-sided test.|Calculate the 95% confidence interval for a mean of {@a} with sd {@s} and n = {@b}.|Fit a line through (1, {@s}), (2, {@t}), (3, {@a}) with least squares.', slots) },
  { name: 'combinatorics', make: (kit) => kit.fill('⟨In how many ways can|How many ways can⟩ ⟨{@s} people sit at a round table|you choose {@s} books from {@a}|{@s} kids line up for a photo|you arrange the letters of BANANA|you pick a team of {@s} from {@t}0 people⟩?|How many ⟨4-digit PINs have no repeated digits|subsets does a set of {@s} elements have|diagonals does a {@t}-sided polygon have|handshakes happen when {@a} people all shake hands⟩?', slots) },
  { name: 'geometry', make: (kit) => kit.fill('⟨What is the area of|Find the area of|Calculate the perimeter of|What\'s the volume of|Find the surface area of⟩ ⟨a circle with radius {@s} cm|a triangle with sides {@s}, {@t} and {@s}.5|a cube with side {@t}|a cylinder with radius {@s} and height {@t}|a sphere of diameter {@a} mm|a rectangle of {@s} by {@t} m|a regular hexagon with side {@s}⟩⟨?|.⟩|How long is the diagonal of a {@s} by {@t} rectangle?|An isosceles triangle has a top angle of {@s}0 degrees. What are the other two?|A ladder {@t} m long leans against a wall with its foot {@s} m away. How high does it reach?', slots) },
  { name: 'number-theory', make: (kit) => kit.fill('⟨Is {@a} a prime number?|What is the greatest common divisor of {@a} and {@b}?|Find the lcm of {@s}, {@t} and {@a}.|List the prime factors of {@a}.|Is {@a} divisible by {@s}?|What is {@a} mod {@s}?|What is the last digit of 7^{@a}?|Convert {@a} to binary.|What is 0x{@s}F in decimal?|How many divisors does {@a} have?⟩', slots) },
  { name: 'proof', make: (kit) => kit.fill('⟨Prove that|Show that|Give a proof that|Can you prove|Prove by induction that|I need a rigorous proof that|Explain why⟩ {@prove}⟨.||?| — I am stuck on the inductive step.⟩', slots) },
  { name: 'puzzle', make: (kit) => kit.fill('⟨|Logic puzzle: |Riddle for you: |Brain teaser: |Can you solve this? ⟩{@puzzle}⟨| Explain your reasoning.| Show your reasoning step by step.⟩', slots) },
  { name: 'linear-algebra', make: (kit) => kit.fill('⟨Compute the determinant of|Invert|Multiply|Find the trace of⟩ the matrix [[{@s}, 1], [{@t}, {@s}]]⟨| by [[1, 0], [2, 1]]⟩⟨.|?⟩|Are the vectors ({@s}, 1, 0), (0, {@t}, 1) and (1, 1, 1) linearly independent?|Find the rank of [[1, 2, 3], [{@s}, 5, 6], [7, 8, {@t}]].', slots) },
  { name: 'numeric-conversion', make: (kit) => kit.fill('⟨Convert|How much is|What is⟩ {@a} ⟨miles in km|°F in Celsius|pounds in kilograms|square feet in square metres|litres in gallons|km/h in m/s|days in seconds⟩⟨?|.⟩|How many minutes are in {@s}.5 days?|If I sleep {@s} hours a night, how many hours is that over {@a} days?', slots) },
  { name: 'check-work', make: (kit) => kit.fill('⟨I got {@a} for this, is that right?|Check my answer:|My teacher marked this wrong, why?|Where is my mistake?⟩ ⟨{@s}x + {@t} = {@b}, so x = {@a}.|The derivative of {@expression} is 1.|P(two heads in {@s} flips) = 1/{@s}.|{@s}/{@t} + 1/{@s} = {@a}.⟩', slots) },
  { name: 'german', language: 'de', make: (kit) => kit.fill('⟨Wie viel ist {@a} mal {@b}?|Berechne {@pct} % von {@a}.|Löse die Gleichung {@s}x + {@t} = {@a}.|Ein Zug fährt {@a} km in {@s} Stunden. Wie schnell ist er im Schnitt?|Bestimme die Ableitung von {@expression}.|Wie groß ist die Wahrscheinlichkeit, mit zwei Würfeln eine {@s} zu werfen?|Beweise, dass {@prove}.|Wie hoch ist die Rate für einen Kredit von {@b} € bei {@pct} % über {@t} Jahre?⟩', slots) },
  { name: 'french', language: 'fr', make: (kit) => kit.fill('⟨Combien font {@a} divisé par {@b} ?|Calcule {@pct} % de {@a}.|Résous l’équation x^2 - {@s}x + {@t} = 0.|Quelle est l’aire d’un cercle de rayon {@s} cm ?|Un robinet remplit une baignoire en {@s} minutes, combien de temps pour {@t} baignoires ?|Dérive {@expression}.|Quel est le PGCD de {@a} et {@b} ?|Montre que {@prove}.⟩', slots) },
  { name: 'spanish', language: 'es', make: (kit) => kit.fill('⟨¿Cuánto es {@a} más {@b}?|Calcula el {@pct} % de {@a}.|Resuelve {@s}x - {@t} = {@a}.|¿Cuál es la probabilidad de sacar dos caras al lanzar {@s} monedas?|Un coche gasta {@s} litros cada 100 km, ¿cuánto gasta en {@a} km?|Halla la derivada de {@expression}.|Demuestra que {@prove}.⟩', slots) },
  { name: 'portuguese', language: 'pt', make: (kit) => kit.fill('⟨Quanto é {@a} vezes {@b}?|Calcule {@pct}% de {@a}.|Resolva a equação {@s}x + {@t} = {@a}.|Qual é a área de um triângulo de base {@s} e altura {@t}?|Se um produto custa {@a} e tem {@pct}% de desconto, qual o preço final?⟩', slots) },
  { name: 'italian', language: 'it', make: (kit) => kit.fill('⟨Quanto fa {@a} per {@b}?|Calcola il {@pct}% di {@a}.|Risolvi l’equazione {@s}x + {@t} = {@a}.|Qual è il volume di un cubo di lato {@s}?|Calcola la media di {@list}.⟩', slots) },
  { name: 'chinese', language: 'zh', make: (kit) => kit.fill('⟨{@a}乘以{@b}等于多少？|计算{@a}的百分之{@pct}。|解方程：{@s}x + {@t} = {@a}|一个长方形长{@s}米，宽{@t}米，面积是多少？|一辆车{@s}小时行驶了{@a}公里，平均速度是多少？|求{@expression}的导数。|鸡兔同笼，共有{@a}个头，{@b}只脚，问鸡兔各几只？⟩', slots) },
  { name: 'japanese', language: 'ja', make: (kit) => kit.fill('⟨{@a}割る{@b}はいくつですか？|{@a}の{@pct}パーセントを計算してください。|方程式 {@s}x + {@t} = {@a} を解いてください。|半径{@s}cmの円の面積は？|サイコロを2回振って合計が{@s}になる確率は？⟩', slots) },
  { name: 'other-languages', make: (kit) => kit.pick([{ language: 'ko', text: kit.fill('{@a} 곱하기 {@b}는 얼마인가요?', slots) }, { language: 'ru', text: kit.fill('Реши уравнение {@s}x + {@t} = {@a}.', slots) }, { language: 'nl', text: kit.fill('Hoeveel is {@pct} procent van {@a}?', slots) }, { language: 'pl', text: kit.fill('Ile to jest {@a} razy {@b}?', slots) }]) },
];

/** Word problems and questions written one by one (numbers still vary). */
const ASSORTED = [
  'A shop sells pens at {@s} for 2 euros. How much do {@a} pens cost?', 'The population of a town is {@b} and it shrinks by {@pct}% a year. What will it be in {@t} years?',
  'My phone battery drops {@s}% per hour. It\'s at {@pct}% now; when does it die?', 'Three friends share the rent of {@a} in the ratio 2:3:5. How much does each pay?',
  'A swimming pool is 25 m long, {@t} m wide and 2 m deep. How many litres of water does it hold?', 'If a clock loses {@s} minutes a day, how long until it shows the right time again?',
  'We sold {@a} tickets at 12 euros and {@b} at 8 euros. What was the total revenue?', 'How many tiles of 30 x 30 cm do I need for a floor of {@s} x {@t} metres?',
  'A shirt costs 20% more than a hat. Together they cost {@a}. How much is the hat?', 'I drove at {@s}0 km/h there and {@t}0 km/h back. What was my average speed for the round trip?',
  'A garden is 3 m longer than it is wide and has an area of {@a} square metres. How wide is it?', 'What angle do the hands of a clock make at {@s}:{@t}0?',
  'A cyclist leaves at 9:00 at {@s}0 km/h; a car follows at 10:00 at {@t}0 km/h. When does the car catch up?', 'The average of five numbers is {@s}{@t}. Four of them are 10, 20, 30 and 40. What is the fifth?',
  'How much paint do I need for a wall of {@s} by {@t} metres if one litre covers 8 square metres?', 'A mixture has 30% juice. How much water must I add to {@s} litres to make it 20% juice?',
  'If the exchange rate is 1 EUR = 1.{@s} USD, how many euros is {@a} dollars?', 'What is the expected value of a game where you win {@a} with probability 1/{@s} and lose {@t} otherwise?',
  'An investment doubled in {@s} years. What was the annual growth rate?', 'How many seconds old is someone who is {@t}0 years old?', 'Round {@b} to two significant figures and write it in scientific notation.',
  'Why is the sum of the angles of any quadrilateral 360 degrees?', 'Why is any number to the power of zero equal to 1?', 'What is the intuition behind the chain rule?',
  'Why can\'t you divide by zero?', 'Explain why the sum of the first n odd numbers is n squared.', 'What\'s the difference between a permutation and a combination, with an example?',
  'Is the Monty Hall answer really 2/3? Explain it with numbers.', 'How do I find the inverse of a 3x3 matrix by hand?', 'Can you explain Bayes\' theorem with a worked example?',
  'Find all integer solutions of x^2 - y^2 = {@a}.', 'Sketch the graph of y = x^2 - {@s}x + {@t} and find its vertex.', 'What is the sum of the geometric series 1 + 1/{@s} + 1/{@s}^2 + ...?',
  'Find the equation of the line through ({@s}, {@t}) and (-1, 4).', 'A triangle has sides {@s}, {@t} and 10. Is it right-angled?', 'What is the remainder when 2^100 is divided by {@s}?',
  'Estimate how many piano tuners there are in a city of {@b} people. Show your reasoning.', 'If I walk {@s} km north and {@t} km east, how far am I from where I started?',
  'A recipe uses a ratio of 3 parts flour to 2 parts sugar. How much sugar for {@a} g of flour?', 'What is the angle between the vectors (1, {@s}) and ({@t}, 1)?',
];

recipes.push({ name: 'assorted', max: 200, make: (kit) => kit.fill(kit.pick(ASSORTED), slots) });
recipes.push({
  name: 'multi-part',
  max: 50,
  make: (kit) =>
    kit.fill(
      '⟨A company has {@a} employees and {@pct}% of them work remotely. (a) How many is that? (b) How many if the share doubles?|A shop sold {@a} items in March and {@b} in April. What is the percentage change, and what would May be at the same rate?|A water tank holds {@b} litres and loses {@s}% of its content every day. How much is left after a week, and when is it below half?|A student scored {@s}{@t}, 72 and 88 on three tests. What score does she need on the fourth to average 80?⟩',
      slots,
    ),
});
