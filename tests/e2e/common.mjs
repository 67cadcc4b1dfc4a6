// What every browser script of the suite shares: its environment, the questions it asks the
// Rust test on stdin (codes, links and markers the outbox holds), the browser, and the checks
// that apply to every page (nothing blocked or failing; nothing wider than the screen).

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import readline from 'node:readline';

/** A variable the Rust test must set. */
export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

/** The server under test. */
export const base = env('CABINET_URL');

/** Where screenshots of the main pages go, for review. */
export const shots = env('SHOTS');
mkdirSync(shots, { recursive: true });

const questions = readline.createInterface({ input: process.stdin });
const answers = questions[Symbol.asyncIterator]();

/**
 * Ask the suite for what only the outbox knows: `code` (the newest SMS code to a phone),
 * `link` (the token of the newest emailed link), `marker` (the activation marker), `sending`
 * (the link of the newest sending email).
 */
export async function ask(kind, to) {
  console.log(`${kind}? ${to}`);
  const { value, done } = await answers.next();
  assert.ok(!done, 'the suite stopped answering');
  return value.trim();
}

/** The newest SMS code to `phone`. */
export const smsCode = (phone) => ask('code', phone);

/** Debian's chromium, headless, as the issue prescribes. */
export async function launch() {
  return chromium.launch({
    executablePath: env('CHROMIUM'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Release the browser and stdin so that node exits. */
export async function finish(browser) {
  await browser.close();
  questions.close();
  process.stdin.destroy();
}

/** Anything the page's policy blocks, any script error, any failed request: a defect. */
export function watch(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`); });
}

/** The page is no wider than the screen (the phone test). */
export async function fitsTheScreen(page) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `${page.url()} is wider (${scroll}px) than the screen (${width}px)`);
}
