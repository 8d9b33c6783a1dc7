/**
 * The HTML report as Chromium lays it out on a 1,400 px laptop screen: the page never scrolls
 * sideways, the results table fits in its box, and no two point labels of a chart overlap
 * as drawn (the structural tests check the layout function; this checks what the browser shows).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/eval/report/html.js';
import type { ResultRow } from '../../src/eval/store.js';
import { syntheticReport, syntheticRows as rows, tempDirectory } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

const CATEGORIES: Array<ResultRow['category']> = ['code', 'math', 'summarization', 'extraction', 'translation', 'creative', 'qa'];
// Eight targets, several nearly equal in cost and accuracy (the crowded case), one of them at 0 %.
const TARGETS: Array<[string, number, number]> = [
  ['gpt-5.4', 0.00063, 19],
  ['claude-sonnet-4.6', 0.00068, 19],
  ['claude-opus-4.6', 0.0011, 19],
  ['gemini-3.1-pro', 0.0006, 18],
  ['gpt-5.4-mini', 0.00008, 17],
  ['gemini-3.1-flash', 0.00009, 17],
  ['deepseek-v4-flash', 0.00002, 15],
  ['llama-4-maverick', 0.00003, 0],
];

interface Measured {
  pageScroll: number;
  pageWidth: number;
  tableScroll: number;
  tableWidth: number;
  labels: number;
  overlaps: string[];
}

describe('HTML report in Chromium at 1,400 px', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    const targets = Object.fromEntries(
      TARGETS.map(([name, cost, correct]) => [name, CATEGORIES.flatMap((category, index) => rows(name, category, Math.max(0, correct - (index % 3)), 20, cost * (1 + index / 10), 300 + index * 100))]),
    );
    const report = syntheticReport('crowded-run-with-a-long-name', targets);
    file = join(tempDirectory(), 'report.html');
    writeFileSync(file, renderHtml(report));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('fits the screen, and no label covers another', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`file://${file}`);
    // A string, evaluated in the page (the test itself is compiled without DOM types).
    const measured = await page.evaluate<Measured>(`(() => {
      const box = document.querySelector('.table-box');
      const overlaps = [];
      for (const chart of document.querySelectorAll('svg')) {
        const labels = [...chart.querySelectorAll('text.label')].map((label) => ({ text: label.textContent, rect: label.getBoundingClientRect() }));
        for (let left = 0; left < labels.length; left++) {
          for (let right = left + 1; right < labels.length; right++) {
            const a = labels[left].rect;
            const b = labels[right].rect;
            if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(labels[left].text + ' / ' + labels[right].text);
          }
        }
      }
      return {
        pageScroll: document.documentElement.scrollWidth,
        pageWidth: document.documentElement.clientWidth,
        tableScroll: box.scrollWidth,
        tableWidth: box.clientWidth,
        labels: document.querySelectorAll('svg text.label').length,
        overlaps,
      };
    })()`);
    expect(measured.pageScroll).toBeLessThanOrEqual(measured.pageWidth);
    expect(measured.tableScroll).toBeLessThanOrEqual(measured.tableWidth);
    expect(measured.labels).toBeGreaterThanOrEqual(TARGETS.length * (CATEGORIES.length + 1));
    expect(measured.overlaps).toEqual([]);
    await page.close();
  });
});
