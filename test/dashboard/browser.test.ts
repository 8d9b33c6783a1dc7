/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the
 * real `switchyard serve`, with simulated traffic on top of 100,000 rows already in the
 * log: login, the overview's numbers against /admin/spend and the log, live updates,
 * filtering and opening requests, admin actions, health. A screenshot of every page goes
 * to reports/dashboard/ (git-ignored), with the overview's render times measured there.
 * Needs `npm run build` (the test suite's command runs it) for bin/ and dist/ui.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillLog } from '../helpers/dashboard-rows.js';
import { countRows } from '../helpers/log-rows.js';
import { spawnServe, type ServeProcess } from '../helpers/serve-process.js';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'sk-admin-browser-test-9876543210';
const BULK_ROWS = 100_000;
const ARTEFACTS = new URL('../../reports/dashboard/', import.meta.url).pathname;

const CONFIG = (dbPath: string): string => `
server: { admin_key: env:ADMIN_KEY }
store:
  sqlite: { path: ${JSON.stringify(dbPath)} }
  flush_interval_ms: 10
  log_content: true
resilience:
  circuit_breaker: { enabled: false }
providers:
  sim:
    type: simulator
    behaviour: { ttft_ms: 0, tokens_per_second: 100000 }
models:
  gpt-5.4:
    provider: sim
    price: { input: 1.75, output: 14 }
  gpt-5.4-mini:
    provider: sim
    price: { input: 0.25, output: 2 }
  deepseek-v4-flash:
    provider: sim
    price: { input: 0.14, output: 0.28 }
routes:
  auto:
    model: gpt-5.4-mini
`;

describe('dashboard in Chromium', () => {
  let directory: string;
  let dbPath: string;
  let serve: ServeProcess;
  let url: string;
  let browser: Browser;
  let userKey: string;
  const timings: Record<string, number> = {};
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };

  const chat = (model: string, content: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userKey}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content }], max_tokens: 16 }),
    });

  /** A context already logged in (the login test does it through the form). */
  async function loggedIn(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${url}/ui/`);
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    return { context, page };
  }

  beforeAll(async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    directory = mkdtempSync(join(tmpdir(), 'switchyard-dashboard-'));
    dbPath = join(directory, 'log.db');
    const started = performance.now();
    // The newest bulk row two hours old: the last hour's view then holds only this file's requests,
    // and its count cannot change as the window slides past bulk rows (one every 5.6 s) during the test.
    fillLog(dbPath, BULK_ROWS, Date.now() - 2 * 3_600_000);
    timings.fill_100k_rows_ms = Math.round(performance.now() - started);
    const configPath = join(directory, 'switchyard.yaml');
    writeFileSync(configPath, CONFIG(dbPath));
    serve = spawnServe(configPath, { ADMIN_KEY });
    url = await serve.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const created = await fetch(`${url}/admin/keys`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'browser-app', team: 'blue' }) });
    userKey = ((await created.json()) as { key: string }).key;
    for (let index = 0; index < 5; index++) expect((await chat('gpt-5.4-mini', `question ${index}`)).status).toBe(200);
    expect((await chat('deepseek-v4-flash', 'a needle in the haystack')).status).toBe(200);
    expect((await chat('auto', 'route me please')).status).toBe(200);
    expect((await chat('gpt-5.4', 'this one fails', { 'x-switchyard-sim': 'error_rate=1;error_status=400' })).status).toBe(400);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    writeFileSync(join(ARTEFACTS, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    console.log('dashboard timings', timings);
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('asks for the admin key, refuses a wrong one, and logs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${url}/ui/`);
    await page.getByLabel('Admin key').fill('not-the-key');
    await page.screenshot({ path: join(ARTEFACTS, 'login.png') });
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 }).toContain('not the admin key');
    expect((await context.cookies()).some((cookie) => cookie.name === 'switchyard_session')).toBe(false);
    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'switchyard_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/ui' });
    // The page's scripts cannot read the session.
    expect(await page.evaluate<string>('document.cookie')).not.toContain('switchyard_session');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Admin key').waitFor();
    expect((await context.cookies()).some((cookie) => cookie.name === 'switchyard_session')).toBe(false);
    await context.close();
  }, 60_000);

  it('overview: the numbers are /admin/spend’s and the log’s, render time with 100,000 rows measured, live updates', async () => {
    const { context, page } = await loggedIn();
    // 24 hours (the default), timed from navigation to numbers on screen.
    let started = performance.now();
    await page.goto(`${url}/ui/?measure#/overview`, { waitUntil: 'commit' });
    await page.locator('section[data-loaded="true"]').waitFor();
    timings.overview_24h_render_ms = Math.round(performance.now() - started);
    // The whole log in range.
    started = performance.now();
    await page.getByLabel('Last 7d').check();
    await expect.poll(async () => Number(await page.locator('[data-stat="requests"]').getAttribute('data-value')), { timeout: 20_000 }).toBeGreaterThan(BULK_ROWS);
    timings.overview_7d_switch_ms = Math.round(performance.now() - started);
    const served = (await (await fetch(`${url}/ui/api/overview?range=7d`, { headers: admin })).json()) as { queryMs: number; queryCpuMs: number };
    timings.overview_7d_query_ms = Math.round(served.queryMs);
    timings.overview_7d_query_cpu_ms = Math.round(served.queryCpuMs);
    await page.screenshot({ path: join(ARTEFACTS, 'overview.png'), fullPage: true });

    const spend = (await (await fetch(`${url}/admin/spend?by=model&since=7d`, { headers: admin })).json()) as { rows: { requests: number; costUsd: number; inputTokens: number; outputTokens: number }[] };
    const sum = (field: 'requests' | 'costUsd' | 'inputTokens' | 'outputTokens'): number => spend.rows.reduce((total, row) => total + row[field], 0);
    const shown = async (stat: string): Promise<number> => Number(await page.locator(`[data-stat="${stat}"]`).getAttribute('data-value'));
    expect(await shown('requests')).toBe(sum('requests'));
    expect(await shown('requests')).toBe(countRows(dbPath).requests);
    expect(await shown('requests')).toBe(BULK_ROWS + 8);
    expect(await shown('cost')).toBeCloseTo(sum('costUsd'), 9);
    expect(await shown('tokens')).toBe(sum('inputTokens') + sum('outputTokens'));
    const savings = (await (await fetch(`${url}/admin/spend/savings?baseline=gpt-5.4&since=7d`, { headers: admin })).json()) as { saved_usd: number };
    expect(await shown('savings')).toBeCloseTo(savings.saved_usd, 9);
    await expect.poll(() => page.locator('[data-stat="guards"]').textContent(), { timeout: 15_000 }).toMatch(/redact [\d,]+/);

    // Live: a new request shows without reloading (over the last hour, whose query is quick; a slow one is refreshed less often).
    await page.getByLabel('Last 1h').check();
    await expect.poll(() => shown('requests'), { timeout: 20_000 }).toBe(8);
    const before = await shown('requests');
    expect((await chat('gpt-5.4-mini', 'live one')).status).toBe(200);
    // The live view refreshes after ten times its last query's time: allow for a busy machine.
    await expect.poll(() => shown('requests'), { timeout: 40_000 }).toBe(before + 1);
    expect(await page.locator('.live.on').count()).toBe(1);

    // A phone's width: the same page, one column.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(ARTEFACTS, 'overview-phone.png'), fullPage: true });
    await context.close();
  }, 90_000);

  it('breakdowns sort by any column', async () => {
    const { context, page } = await loggedIn();
    await page.goto(`${url}/ui/#/breakdowns`);
    await page.getByLabel('By').selectOption('team');
    // The page first shows the default grouping (by model): wait for the teams to replace it.
    await expect.poll(() => page.locator('tbody th[scope="row"]').allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining(['blue', 'green']));
    const requestsHeader = page.getByRole('columnheader', { name: /Requests/ });
    await requestsHeader.getByRole('button').click();
    await expect.poll(() => requestsHeader.getAttribute('aria-sort'), { timeout: 10_000 }).toBe('descending');
    const counts = await page.locator('tbody tr td:nth-of-type(1)').allTextContents();
    const numbers = counts.map((text) => Number(text.replace(/,/g, '')));
    expect(numbers.length).toBeGreaterThanOrEqual(2);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(await page.locator('tbody th[scope="row"]').allTextContents()).toEqual(expect.arrayContaining(['blue', 'green']));
    await page.screenshot({ path: join(ARTEFACTS, 'breakdowns.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it('filters the request list, pages it, and opens a request with its decision and attempts', async () => {
    const { context, page } = await loggedIn();
    await page.goto(`${url}/ui/#/requests`);
    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('tbody tr').count()).toBe(50);
    // Newest first: our own traffic is on top of the bulk rows.
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => page.getByText('Page 2').count(), { timeout: 10_000 }).toBe(1);

    await page.getByLabel('Key id').fill((await (await fetch(`${url}/admin/keys`, { headers: admin })).json() as { data: { id: string }[] }).data[0]?.id ?? '');
    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('tbody tr td:nth-child(2)').first().textContent()).toContain('400');

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Text').fill('needle in the haystack');
    await page.getByRole('button', { name: 'Filter' }).click();
    // The previous filter also left one row: wait for the new one, then check it is alone.
    await expect.poll(() => page.locator('tbody tr td:nth-child(3)').first().textContent(), { timeout: 10_000 }).toContain('deepseek-v4-flash');
    expect(await page.locator('tbody tr').count()).toBe(1);

    await page.getByLabel('Text').fill('');
    await page.getByLabel('Route').fill('auto');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('tbody tr td:nth-child(3)').first().textContent(), { timeout: 10_000 }).toContain('gpt-5.4-mini');
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.screenshot({ path: join(ARTEFACTS, 'requests.png'), fullPage: true });

    await page.locator('tbody tr a').first().click();
    await page.getByRole('heading', { name: 'Routing decision' }).waitFor();
    const decision = page.locator('[data-section="decision"]');
    expect(await decision.textContent()).toContain('gpt-5.4-mini');
    expect(await decision.textContent()).toMatch(/Strategy/);
    const attempt = page.locator('[data-section="attempts"] tr[data-attempt="1"]');
    expect(await attempt.textContent()).toContain('200');
    expect(await attempt.textContent()).toContain('gpt-5.4-mini');
    // Content logging is on: the stored bodies are shown.
    expect(await page.locator('pre').first().textContent()).toContain('route me please');
    await page.screenshot({ path: join(ARTEFACTS, 'request-detail.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it('budgets and keys: create a budget, create and revoke a key', async () => {
    const { context, page } = await loggedIn();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${url}/ui/#/budgets`);
    await page.getByRole('heading', { name: 'Keys', exact: true }).waitFor();
    const budgetForm = page.getByRole('form', { name: 'Create a budget' });
    await budgetForm.getByLabel('Scope').selectOption('team');
    await budgetForm.getByLabel('Team', { exact: true }).fill('blue');
    await budgetForm.getByLabel('Limit ($)').fill('0.5');
    await budgetForm.getByRole('button', { name: 'Create budget' }).click();
    await page.locator('[data-budget]').first().waitFor();
    expect(await page.locator('[data-budget]').first().textContent()).toContain('team blue');
    expect(await page.locator('[role="meter"]').count()).toBeGreaterThan(0);

    const keyForm = page.getByRole('form', { name: 'Create a key' });
    await keyForm.getByLabel('Name').fill('made-in-the-browser');
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.locator('[data-new-key]').textContent();
    expect(secret).toMatch(/^sk-sy-/);
    // The new key works for model calls.
    const works = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(works.status).toBe(200);
    await page.getByRole('button', { name: 'Revoke made-in-the-browser' }).click();
    await expect.poll(() => page.locator('tr', { hasText: 'made-in-the-browser' }).locator('td.bad').textContent(), { timeout: 10_000 }).toBe('revoked');
    const refused = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(refused.status).toBe(401);
    await page.screenshot({ path: join(ARTEFACTS, 'budgets.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it('health shows the deployments called and in-flight calls; keyboard reaches every page', async () => {
    const { context, page } = await loggedIn();
    await page.goto(`${url}/ui/#/health`);
    await page.getByRole('heading', { name: 'Deployments' }).waitFor();
    expect(await page.locator('table').first().textContent()).toContain('gpt-5.4-mini');
    expect(await page.locator('[data-stat="in-flight"] .value').textContent()).toBe('0');
    await page.screenshot({ path: join(ARTEFACTS, 'health.png'), fullPage: true });
    // Tab from the top: the skip link, then the page links in order.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null | undefined>('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null | undefined>('document.activeElement?.textContent')).toBe('Overview');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Breakdowns' }).waitFor();
    await context.close();
  }, 60_000);
});
