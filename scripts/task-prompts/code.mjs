// code: write, debug, explain, refactor, review code; SQL, regex, shell, build and deploy set-ups.
import { SNIPPETS } from './snippets.mjs';

const slots = {
  plang: ['Python', 'TypeScript', 'JavaScript', 'Go', 'Rust', 'Java', 'C#', 'C++', 'Kotlin', 'Ruby', 'PHP', 'Swift', 'Scala', 'Elixir', 'C', 'Dart', 'R', 'Haskell', 'Lua', 'python', 'js', 'golang', 'node', 'TS'],
  task: [
    'parses a CSV file and returns a list of dicts', 'debounces another function', 'reverses a linked list', 'validates an email address', 'retries an HTTP call with exponential backoff',
    'computes a moving average over a window', 'merges two sorted arrays', 'reads a YAML config and falls back to defaults', 'implements an LRU cache', 'flattens a nested list',
    'counts word frequencies in a text file', 'paginates through a REST API', 'checks whether a string is a palindrome', 'converts Celsius to Fahrenheit', 'removes duplicate records by id',
    'streams a large file line by line', 'finds the shortest path in a weighted graph', 'rate limits calls per user', 'serializes an object to JSON with sorted keys', 'runs a job every five minutes',
    'resizes all images in a folder', 'generates a random password of a given length', 'sends an email over SMTP', 'uploads a file to S3', 'groups transactions by month and sums them',
    'detects cycles in a directed graph', 'tokenizes an arithmetic expression', 'compares two JSON documents and prints the differences', 'watches a folder for new files', 'splits a list into chunks of n',
    'converts a Roman numeral to an integer', 'computes the Levenshtein distance', 'implements a binary search tree with insert and delete', 'parses command line flags', 'caches the result of an expensive call',
    'formats a number of bytes as KB/MB/GB', 'checks if two strings are anagrams', 'implements a thread-safe queue', 'scrapes the titles from a web page', 'hashes passwords with a salt',
  ],
  framework: ['React', 'Vue', 'Angular', 'Svelte', 'Next.js', 'Django', 'Flask', 'FastAPI', 'Rails', 'Spring Boot', 'Express', 'Laravel', '.NET', 'Flutter', 'SwiftUI', 'Android', 'Electron', 'NestJS', 'Phoenix', 'Unity'],
  tool: ['Docker', 'docker compose', 'Kubernetes', 'Terraform', 'git', 'webpack', 'Vite', 'npm', 'pip', 'poetry', 'cargo', 'Gradle', 'Maven', 'GitHub Actions', 'GitLab CI', 'Jenkins', 'nginx', 'Helm', 'Ansible', 'AWS Lambda', 'Vercel', 'Jest', 'pytest', 'ESLint', 'Postgres', 'MySQL', 'MongoDB', 'Redis', 'Kafka', 'Elasticsearch'],
  error: [
    '"TypeError: Cannot read properties of undefined (reading \'map\')"', '"ModuleNotFoundError: No module named \'requests\'"', '"Segmentation fault (core dumped)"', '"NullPointerException"',
    '"CORS policy: No \'Access-Control-Allow-Origin\' header is present"', '"ERESOLVE unable to resolve dependency tree"', '"permission denied (publickey)"', '"panic: runtime error: index out of range [3] with length 3"',
    '"error[E0382]: borrow of moved value: `config`"', '"SyntaxError: Unexpected token < in JSON at position 0"', '"ImagePullBackOff"', '"OOMKilled"',
    '"fatal: refusing to merge unrelated histories"', '"java.lang.OutOfMemoryError: Java heap space"', '"UnicodeDecodeError: \'utf-8\' codec can\'t decode byte 0xff"', '"deadlock detected"',
    '"Hydration failed because the initial UI does not match what was rendered on the server"', '"RecursionError: maximum recursion depth exceeded"', '"ECONNREFUSED 127.0.0.1:5432"', '"Too many open files"',
    '"undefined reference to `main\'"', '"Uncaught (in promise) DOMException"', '"KeyError: \'id\'"', '"Cannot find module \'./App\' or its corresponding type declarations"', '"error: failed to push some refs"',
  ],
  symptom: [
    'renders twice', 'gets slower every hour until I restart it', 'works locally but not in production', 'freezes when the list has more than 1000 items', 'loses the state when I navigate back',
    'uses 100% CPU when idle', 'returns stale data after an update', 'only fails on Safari', 'times out on large uploads', 'logs me out randomly', 'crashes on startup after the upgrade',
    'shows the wrong timezone', 'sends the request twice', 'can\'t connect to the database inside the container', 'has a memory leak', 'builds fine but the page is blank', 'ignores my environment variables',
  ],
  concept: [
    'closures', 'async/await', 'generics', 'dependency injection', 'the event loop', 'decorators', 'pointers vs references', 'monads', 'the difference between a process and a thread', 'virtual DOM',
    'garbage collection', 'interfaces vs abstract classes', 'tail recursion', 'memoization', 'the builder pattern', 'CAP theorem', 'database indexes', 'ownership and borrowing', 'goroutines and channels',
    'promises', 'list comprehensions', 'the GIL', 'hoisting', 'SOLID principles', 'mutexes', 'big O notation', 'REST vs GraphQL', 'optimistic locking', 'websockets', 'hash maps',
  ],
};

const pickSnippet = (kit) => kit.pick(SNIPPETS);

export const recipes = [
  { name: 'write-function', make: (kit) => kit.fill('⟨Write|Can you write|I need|Give me|Implement|Create|Could you code up|Please write|write⟩ a {@plang} ⟨function|method|script|class|helper|module|program⟩ that {@task}⟨.|?| please.| with tests.| and explain it briefly.| — keep it short.| with type hints.|⟩', slots) },
  { name: 'error-message', make: (kit) => kit.fill('⟨I get|Getting|Why do I get|What does this error mean:|Help, my build fails with|Anyone know why I see|How do I fix|keep getting⟩ {@error} ⟨when I run my {@plang} code|after upgrading {@tool}|in {@framework}|while deploying with {@tool}|on CI but not locally|⟩⟨?|.||, what am I missing?⟩', slots) },
  { name: 'debug-snippet', max: 60, make: (kit) => kit.fill('⟨Why doesn\'t this work?|What\'s wrong with this code?|Can you find the bug?|This returns the wrong result:|Debug this for me:|It throws an exception, why?|This loops forever:|why is this so slow|fix this pls⟩\n\n', slots) + pickSnippet(kit) },
  { name: 'symptom', make: (kit) => kit.fill('⟨my|My|Our|The⟩ {@framework} ⟨app|page|component|service|project⟩ {@symptom}⟨, any idea why?|. How do I debug it?|, what am I doing wrong|. Where should I start looking?| — help|⟩', slots) },
  { name: 'explain-concept', make: (kit) => kit.fill('⟨Explain|Can you explain|ELI5:|What are|How do|I don\'t get|Give me an example of|When should I use⟩ {@concept} ⟨in {@plang}|with a small {@plang} example|for a junior dev||in simple terms⟩⟨?|.|⟩', slots) },
  { name: 'refactor', max: 50, make: (kit) => kit.fill('⟨Refactor this to be more readable|Clean up this code|Make this more idiomatic {@plang}|Can you simplify this function?|Rewrite this without the nested ifs|Add type annotations and docstrings|Split this into smaller functions|Improve the naming here⟩:\n\n', slots) + pickSnippet(kit) },
  { name: 'review', max: 50, make: (kit) => kit.fill('⟨Review my code|Code review please|Is this thread safe|Any security issues in this|Would this pass code review|What would you change here|Is this the right approach⟩⟨?|:⟩\n', slots) + pickSnippet(kit) },
  {
    name: 'sql',
    max: 60,
    make: (kit) =>
      kit.fill(
        kit.pick([
          '⟨Write|Need|Give me⟩ a SQL query that ⟨returns the top {@n} customers by total order value|counts orders per country|finds users who signed up but never logged in|lists products that were never ordered|calculates the monthly revenue for {@year}|finds duplicate emails in the users table|returns the second highest salary per department|joins orders with customers and shows the latest order of each⟩⟨.|?| in Postgres.| for MySQL.| (BigQuery)⟩',
          'How do I ⟨do a pivot|write a recursive CTE|use window functions to rank rows|add an index without locking the table|delete duplicates but keep one row|upsert a row⟩ in ⟨Postgres|MySQL|SQLite|SQL Server|Snowflake⟩?',
          'Why is this query slow? SELECT * FROM ⟨events|orders|logs⟩ WHERE ⟨date(created_at) = current_date|lower(email) = \'a@b.com\'|user_id IN (SELECT id FROM users WHERE country = \'DE\')⟩',
          'optimize this sql: select count(*) from orders o join items i on i.order_id = o.id where o.status = \'paid\' group by o.customer_id',
        ]),
        { ...slots, n: ['5', '10', '3', '20'], year: ['2023', '2024', 'last year'] },
      ),
  },
  {
    name: 'regex',
    make: (kit) =>
      kit.fill('⟨Write a regex that matches|Regex for|I need a regular expression for|What regex would match|Give me a pattern to validate|regex to extract⟩ ⟨ISO dates like 2024-05-17|UK postcodes|US phone numbers|hex colour codes|IPv4 addresses|semantic version numbers|hashtags|email addresses|URLs with query strings|times like 14:30|German IBANs|lines that start with ERROR⟩⟨ in {@plang}||?| (PCRE)⟩', slots),
  },
  {
    name: 'shell-devops',
    make: (kit) =>
      kit.fill(
        kit.pick([
          '⟨Write a bash one-liner that|Shell command to|How do I, in the terminal,|PowerShell script that⟩ ⟨finds all .log files larger than 100MB|renames all .jpeg files to .jpg|kills the process listening on port 8080|counts lines of code per file type|tails a log and greps for errors|backs up a folder to a tarball with today\'s date|replaces a string in every file recursively⟩',
          '⟨Write|Create|Fix⟩ a Dockerfile for a {@plang} ⟨web service|CLI|worker⟩ ⟨with a multi-stage build|that runs as non-root|that keeps the image small|⟩',
          '⟨Write|Set up⟩ a ⟨GitHub Actions workflow|GitLab CI pipeline|Jenkinsfile⟩ that ⟨runs the tests on every pull request|builds and pushes a Docker image|deploys to staging on merge to main|caches node_modules⟩',
          'How do I ⟨configure|set up|debug⟩ {@tool} ⟨for a {@plang} project|with {@framework}|behind a proxy|on Windows|in a monorepo⟩?',
          'kubernetes: how do i ⟨mount a secret as a file|restart a deployment without downtime|see why my pod is pending|set resource limits⟩',
        ]),
        slots,
      ),
  },
  { name: 'tests', make: (kit) => kit.fill('⟨Write unit tests|Add tests|How do I test|Write {@tool} tests|Mock the database in the tests|Write property-based tests⟩ for ⟨a function that {@task}|my {@framework} controller|this class|the parser⟩⟨ in {@plang}||.⟩', slots) },
  { name: 'port-code', max: 50, make: (kit) => kit.fill('⟨Convert|Port|Translate|Rewrite⟩ this ⟨code|snippet|function⟩ ⟨to|into⟩ {@plang}⟨, idiomatically|| please| and keep the behaviour⟩:\n', slots) + pickSnippet(kit) },
  {
    name: 'git',
    make: (kit) =>
      kit.fill('⟨how do i|How can I|What\'s the git command to|git:⟩ ⟨undo the last commit but keep the changes|squash my last 3 commits|rename a branch locally and on the remote|remove a file from history|cherry-pick a commit from another branch|resolve a merge conflict in package-lock.json|see who changed a line|undo a rebase|stash only some files|split a commit in two⟩⟨?||.⟩', slots),
  },
  {
    name: 'design',
    make: (kit) =>
      kit.fill('⟨How should I structure|What\'s a good way to design|Best practice for|Should I use a queue or a cron job for|How would you architect⟩ ⟨the folders of a {@plang} monorepo|a REST API for a todo app|retries between two microservices|feature flags in a {@framework} app|database migrations in a team|the auth flow for a mobile app with refresh tokens|a plugin system in {@plang}⟩⟨?|.⟩', slots),
  },
  {
    name: 'performance',
    make: (kit) => kit.fill('⟨What is the time complexity of|How can I speed up|Make this faster:|Is there a more efficient way to|Profile and optimise⟩ ⟨a function that {@task}|my {@plang} loop over 10 million rows|this nested loop that compares every pair|JSON parsing in {@plang}|the startup time of my {@framework} app⟩⟨?|.⟩', slots),
  },
  { name: 'terse', make: (kit) => kit.fill('⟨{@plang} {@task}|{@task} in {@plang}|{@plang}: {@task}?|code to {@task}, {@plang}|how to {@task} {@plang}|{@concept} {@plang} example|{@tool} {@error}⟩', slots) },
  {
    name: 'frontend',
    make: (kit) =>
      kit.fill('⟨Build|Write|Make|Create⟩ a {@framework} ⟨component|page|hook|form⟩ ⟨that shows a list of users with a search box|with a dark mode toggle|for a signup form with validation|that fetches data and shows a spinner|for an infinite scroll feed|with a modal dialog|that uploads a file with a progress bar⟩⟨.| please| in TypeScript|⟩', slots),
  },
  {
    name: 'data-code',
    make: (kit) =>
      kit.fill('⟨pandas|numpy|PyTorch|scikit-learn|polars|Spark|R dplyr⟩: ⟨how to compute a rolling mean per customer|merge two dataframes on a date column|drop rows where any column is null|train a simple classifier and print the confusion matrix|read a 20GB CSV without running out of memory|apply a function to every row fast|one-hot encode a column|fix "CUDA out of memory"⟩', slots),
  },
  { name: 'german', language: 'de', make: (kit) => kit.fill('⟨Schreib mir|Kannst du mir|Ich brauche⟩ eine {@plang}-Funktion, die ⟨eine CSV-Datei einliest|zwei sortierte Listen zusammenführt|prüft, ob eine Zahl eine Primzahl ist|Duplikate aus einer Liste entfernt|eine E-Mail-Adresse validiert|einen HTTP-Request wiederholt⟩⟨ schreiben||?|.⟩', slots) },
  { name: 'german-debug', language: 'de', make: (kit) => kit.fill('⟨Warum bekomme ich|Was bedeutet der Fehler|Wie behebe ich⟩ {@error} ⟨in meinem {@plang}-Code|beim Deployment mit {@tool}|in {@framework}⟩? ⟨Lokal läuft alles.|Ich verstehe es nicht.|⟩', slots) },
  { name: 'french', language: 'fr', make: (kit) => kit.fill('⟨Écris|Peux-tu écrire|Il me faut⟩ une fonction {@plang} qui ⟨lit un fichier CSV|trie une liste d’objets par date|vérifie si une chaîne est un palindrome|supprime les doublons|calcule une moyenne mobile⟩⟨.| stp| s’il te plaît.⟩', slots) },
  { name: 'french-debug', language: 'fr', make: (kit) => kit.fill('⟨Pourquoi mon code {@plang} plante avec|J’ai l’erreur|Comment corriger⟩ {@error} ⟨quand je lance les tests|en production|avec {@tool}⟩ ?', slots) },
  { name: 'spanish', language: 'es', make: (kit) => kit.fill('⟨Escribe|¿Puedes escribir|Necesito⟩ ⟨una función|un script|una clase⟩ en {@plang} que ⟨lea un archivo JSON|ordene una lista de usuarios por edad|valide un número de teléfono|calcule el factorial de un número|descargue una página web⟩⟨.|?⟩', slots) },
  { name: 'spanish-debug', language: 'es', make: (kit) => kit.fill('⟨¿Por qué mi aplicación {@framework}|Mi proyecto en {@plang}|¿Cómo arreglo el error⟩ ⟨{@symptom}|{@error}⟩⟨?| en producción?⟩', slots) },
  { name: 'portuguese', language: 'pt', make: (kit) => kit.fill('⟨Escreva|Pode escrever|Preciso de⟩ uma função em {@plang} que ⟨leia um arquivo CSV|remova itens duplicados de uma lista|converta datas para o formato ISO|valide um CPF⟩⟨.|?⟩', slots) },
  { name: 'italian', language: 'it', make: (kit) => kit.fill('⟨Scrivi|Puoi scrivere|Mi serve⟩ una funzione {@plang} che ⟨legge un file CSV|ordina una lista di numeri|conta le parole in un testo|controlla se una stringa è palindroma⟩⟨.|?⟩', slots) },
  { name: 'chinese', language: 'zh', make: (kit) => kit.fill('⟨用{@plang}写一个函数，|帮我写一段{@plang}代码，|请用{@plang}实现：⟩⟨读取CSV文件并统计行数|对列表去重并保持顺序|判断一个字符串是否是回文|实现一个LRU缓存|每隔五分钟执行一次任务⟩⟨。|⟩', slots) },
  { name: 'chinese-debug', language: 'zh', make: (kit) => kit.fill('⟨我的{@framework}项目报错|运行{@plang}代码时出现|部署的时候{@tool}提示⟩{@error}，⟨怎么解决？|是什么原因？|求助⟩', slots) },
  { name: 'japanese', language: 'ja', make: (kit) => kit.fill('⟨{@plang}で|{@plang}を使って⟩⟨CSVファイルを読み込む|リストの重複を削除する|文字列を逆順にする|日付をフォーマットする|APIからデータを取得する⟩⟨関数を書いてください。|方法を教えてください。|コードを書いて。⟩', slots) },
  { name: 'japanese-debug', language: 'ja', make: (kit) => kit.fill('{@framework}で{@error}というエラーが出ます。⟨原因は何でしょうか？|どうすれば直りますか？⟩', slots) },
  { name: 'other-languages', make: (kit) => otherLanguage(kit) },
];

function otherLanguage(kit) {
  const choice = kit.pick([
    ['ko', '{@plang}로 ⟨CSV 파일을 읽는|리스트를 정렬하는|중복을 제거하는⟩ 함수를 작성해 주세요.'],
    ['ru', 'Напиши ⟨функцию|скрипт⟩ на {@plang}, который ⟨удаляет дубликаты из списка|читает JSON-файл|сортирует пользователей по возрасту⟩.'],
    ['nl', 'Schrijf een {@plang}-functie die ⟨een lijst sorteert op datum|een CSV-bestand inleest|dubbele items verwijdert⟩.'],
    ['pl', 'Napisz funkcję w {@plang}, która ⟨sprawdza, czy liczba jest pierwsza|odwraca napis|liczy słowa w tekście⟩.'],
    ['tr', '{@plang} ile ⟨bir listeyi tersine çeviren|bir CSV dosyasını okuyan⟩ bir fonksiyon yazar mısın?'],
  ]);
  return { language: choice[0], text: kit.fill(choice[1], slots) };
}

/** Programming questions written one by one: comparisons, keywords, configs, tooling. */
const ASSORTED = [
  'ArrayList or LinkedList for a queue in Java?', 'list vs tuple in python, when does it matter?', 'Should I use Postgres or MongoDB for a small SaaS app with relational data?',
  'useMemo vs useCallback, what is the actual difference?', 'gRPC or REST for internal microservices?', 'What does the `with` statement do in Python?', 'What does `static` mean on a method in Java?',
  'What does the `?.` operator do in JavaScript?', 'What is the difference between == and === in JS?', 'Why is `0.1 + 0.2 !== 0.3` in JavaScript?', 'What does `defer` do in Go?', 'what is a lifetime in rust',
  'Explain what `git rebase -i` does', 'crontab line to run backup.sh every 15 minutes', 'Write a systemd unit file that restarts my app if it crashes', 'What should go in a .gitignore for a Node project?',
  'How do I configure tsconfig paths so imports like @/utils work?', 'Write a Makefile with build, test and clean targets', 'nginx config to redirect http to https and proxy to port 3000',
  'How do I make my Dockerfile build faster with layer caching?', 'weak vs unowned in Swift, which one should I use for a delegate?', 'How do I avoid N+1 queries in Django?',
  'What is the cleanest way to handle errors in Express middleware?', 'How do I debounce an input in Vue 3?', 'How do I center a div vertically and horizontally with flexbox?', 'CSS grid: three columns that collapse to one on mobile?',
  'What is the time complexity of inserting into a heap?', 'When should I use a linked list instead of an array?', 'How does a hash table handle collisions?', 'Explain the visitor pattern with a TypeScript example',
  'How do I read environment variables in a Next.js API route?', 'My Python virtualenv uses the wrong interpreter. How do I fix it?', 'How do I profile memory usage in a Node.js process?',
  'What\'s the idiomatic way to handle optional values in Kotlin?', 'Convert this callback-based function to async/await: fs.readFile(path, (err, data) => cb(data))',
  'How do I write a migration that renames a column without downtime?', 'Set up pre-commit hooks that run prettier and eslint', 'How can I mock fetch in Jest?', 'Write a bash script that checks if a website is up every minute',
  'Explain what this line does: const { data = [] } = await api.get(url) ?? {}', 'In C, why does sizeof(array) give a different answer inside a function?', 'What is a race condition? Show one in Go and fix it',
  'How do I paginate results with a cursor in GraphQL?', 'What does "unsafe" allow in Rust?', 'How do I add a favicon to a React app?', 'How do I stop my Excel VBA macro from freezing the UI?',
  'What\'s the best way to store passwords in a database?', 'Write a Python decorator that times a function', 'How do I parse JSON in bash without jq?', 'Spring Boot: how do I read a property from application.yml?',
  'What is the difference between a shallow copy and a deep copy?', 'How do I cancel a fetch request when a React component unmounts?', 'Android: how do I keep data when the screen rotates?',
  'Write a Terraform module for an S3 bucket with versioning', 'Why is my pandas merge producing duplicate rows?', 'How do I write a custom hook that syncs state with localStorage?', 'Explain Big O of this: two nested loops over n and m',
];
recipes.push({ name: 'assorted', max: ASSORTED.length, make: (kit) => kit.pick(ASSORTED) });
recipes.push({
  name: 'how-to-in-stack',
  max: 60,
  make: (kit) =>
    kit.fill(
      '⟨How do I|How can I|What\'s the best way to|Is there a way to|Best practice to⟩ ⟨upload files|add authentication|send emails|schedule background jobs|validate form input|handle websockets|cache responses|add logging|read a config file|write to a database|paginate a table|internationalize strings|run tasks in parallel|handle timezones⟩ in {@framework}⟨?||, with an example?⟩',
      slots,
    ),
});
recipes.push({
  name: 'pasted-file',
  max: 60,
  make: (kit) =>
    `${kit.fill('⟨Here is my file. ||This is the module that keeps failing. |Context: legacy code, no tests. ⟩⟨Why does this crash in production?|Can you add error handling and logging to this?|Review this file and list the bugs.|How would you restructure this code?|Add type annotations and write tests for it.|What does this code do, step by step?|Find the performance problem here.⟩', slots)}\n\n\`\`\`\n${kit.sample(SNIPPETS, kit.int(3, 7)).join('\n\n')}\n\`\`\`${kit.chance(0.4) ? kit.fill('\n\n⟨It runs on {@plang} 3 in Docker.|We deploy it with {@tool}.|The tests pass locally.|This started after the last release.⟩', slots) : ''}`,
});

/** Code requests in other languages beyond "write a function": queries, set-ups, explanations. */
const FOREIGN_MORE = [
  ['de', '⟨Schreib eine SQL-Abfrage, die die Umsätze pro Monat summiert|Wie richte ich {@tool} für ein {@plang}-Projekt ein?|Erklär mir {@concept} in {@plang} mit einem Beispiel|Warum ist meine {@framework}-App so langsam beim ersten Laden?|Wie schreibe ich einen Unit-Test für eine Klasse mit Datenbankzugriff?|Mach mir ein Bash-Skript, das alte Logdateien löscht⟩'],
  ['fr', '⟨Écris une requête SQL qui compte les clients par pays|Comment configurer {@tool} pour un projet {@plang} ?|Explique-moi {@concept} en {@plang}|Mon application {@framework} plante au démarrage, que faire ?|Comment écrire des tests unitaires pour mon API ?|Comment faire un script shell qui sauvegarde un dossier chaque nuit ?⟩'],
  ['es', '⟨Escribe una consulta SQL que devuelva los productos más vendidos|¿Cómo configuro {@tool} en un proyecto de {@plang}?|Explícame {@concept} en {@plang} con un ejemplo|Mi app de {@framework} no compila después de actualizar|¿Cómo hago un test unitario con mocks en {@plang}?|Necesito una expresión regular para validar códigos postales⟩'],
  ['pt', '⟨Escreva uma consulta SQL que some as vendas por mês|Como configuro o {@tool} num projeto {@plang}?|Me explica {@concept} em {@plang}|Meu app {@framework} dá erro ao iniciar, o que pode ser?|Como escrevo testes para uma API REST?⟩'],
  ['it', '⟨Scrivi una query SQL che conti gli ordini per cliente|Come configuro {@tool} per un progetto {@plang}?|Spiegami {@concept} in {@plang}|La mia app {@framework} è lentissima, come la ottimizzo?|Come faccio un test con i mock in {@plang}?⟩'],
  ['zh', '⟨写一个SQL查询，统计每个月的订单数量|怎么在{@plang}项目里配置{@tool}？|解释一下{@plang}里的{@concept}|我的{@framework}应用启动很慢，怎么优化？|帮我写一个正则表达式匹配手机号⟩'],
  ['ja', '⟨月ごとの売上を集計するSQLを書いてください|{@plang}のプロジェクトで{@tool}を設定する方法は？|{@plang}の{@concept}について説明してください|{@framework}アプリの起動が遅いのですが、どうすればいいですか？⟩'],
];
recipes.push({
  name: 'foreign-more',
  max: 70,
  make: (kit) => {
    const [language, template] = kit.pick(FOREIGN_MORE);
    return { language, text: kit.fill(template, slots) };
  },
});
