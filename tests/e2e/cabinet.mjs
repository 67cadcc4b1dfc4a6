// The web cabinet in a real browser: Debian's chromium, headless, driven by playwright-core.
// Run by the Rust suite (tests/api/cabinet_browser.rs), which starts the server and answers
// this script's questions on stdin: a line `code? <phone>` is answered with the newest SMS
// code the outbox holds for that phone. Every check that fails throws; the exit code says it.
//
// Environment: CABINET_URL (the server), LOGIN, PASSWORD, PHONE (a holder with an active
// certificate), SERIAL (its serial), PIN (its signing PIN), CHROMIUM (the browser binary), SHOTS (a directory for
// screenshots of the main pages, for review).

import assert from 'node:assert/strict';
import { base, env, fitsTheScreen, finish, launch, shots, smsCode, watch } from './common.mjs';

const browser = await launch();

try {
  // A phone, English, keyboard only.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
  const page = await phone.newPage();
  const problems = [];
  watch(page, problems);
  await page.goto(`${base}/signin`);
  assert.equal(await page.locator('h1').innerText(), 'Sign in');
  await fitsTheScreen(page);
  await page.screenshot({ path: `${shots}/signin-en.png`, fullPage: true });
  // The login field has the focus; nothing is clicked from here to the cabinet.
  await page.keyboard.type(env('LOGIN'));
  await page.keyboard.press('Tab');
  await page.keyboard.type(env('PASSWORD'));
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
  assert.ok((await page.locator('main').innerText()).includes('We sent a code by SMS to'));
  await page.screenshot({ path: `${shots}/code-en.png`, fullPage: true });
  await page.keyboard.type(await smsCode(env('PHONE')));
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/cabinet`);
  assert.equal(await page.locator('h1').innerText(), 'Your cabinet');
  const home = await page.locator('main').innerText();
  assert.ok(home.includes(env('SERIAL')), 'the certificate is listed');
  assert.ok(home.includes('Active'));
  await fitsTheScreen(page);
  await page.screenshot({ path: `${shots}/cabinet-en.png`, fullPage: true });

  // Apply for a certificate through the form, on the phone.
  await page.getByRole('link', { name: 'Applications' }).first().click();
  await page.getByRole('link', { name: 'New application' }).click();
  assert.equal(await page.locator('h1').innerText(), 'New application');
  await fitsTheScreen(page);
  await page.getByLabel('Surname').fill('Smirnova');
  await page.getByLabel('Given name').fill('Olga');
  await page.getByLabel('Date of birth').fill('1988-07-15');
  await page.getByLabel('Citizenship').fill('RU');
  await page.getByLabel('Country of residence').fill('PT');
  await page.getByLabel('SNILS').fill('112-233-445 95');
  await page.getByLabel('Series').fill('4509');
  await page.getByLabel('Number', { exact: true }).fill('123456');
  await page.getByLabel('Date of issue').fill('2015-03-04');
  await page.getByLabel('Issued by').fill('OVD Tverskoy');
  await page.getByLabel('Issuing unit code').fill('770-001');
  await page.screenshot({ path: `${shots}/application-new-en.png`, fullPage: true });
  await page.getByRole('button', { name: 'File the application' }).click();
  await page.waitForURL(/\/cabinet\/applications\/[0-9a-f-]{36}$/);
  const application = page.url();
  assert.equal(await page.locator('[aria-current="step"] span').innerText(), 'Checking the data');
  assert.ok((await page.locator('main').innerText()).includes('Smirnova Olga, 1988-07-15'));
  await fitsTheScreen(page);
  await page.screenshot({ path: `${shots}/application-en.png`, fullPage: true });

  // Upload a document through the form; our script shows the progress as the bytes go.
  await page.getByRole('link', { name: 'Documents' }).first().click();
  assert.equal(await page.locator('h1').innerText(), 'Documents');
  await fitsTheScreen(page);
  await page.evaluate(() => {
    const bar = document.getElementById('upload-progress');
    new MutationObserver(() => {
      sessionStorage.setItem('progress', `${bar.hidden ? 'hidden' : 'shown'} ${bar.value}`);
    }).observe(bar, { attributes: true });
  });
  const contract = Buffer.from('Contract of sale No. 7. The seller sells, the buyer buys.\n'.repeat(40000));
  await page.setInputFiles('#file', { name: 'contract.txt', mimeType: 'text/plain', buffer: contract });
  await page.screenshot({ path: `${shots}/documents-en.png`, fullPage: true });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.waitForURL(/\/cabinet\/documents\/[0-9a-f-]{36}$/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('progress')), 'shown 100');
  assert.equal(await page.locator('h1').innerText(), 'contract.txt');
  assert.ok((await page.locator('main').innerText()).includes('Not signed yet.'));

  // Sign it by keyboard alone: the dialog names the document; PIN, Tab, code, Enter.
  await page.getByRole('button', { name: 'Sign', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Sign' }).waitFor();
  const dialog = await page.locator('main').innerText();
  assert.ok(dialog.includes('contract.txt'), 'the dialog names the document');
  assert.ok(dialog.includes(env('SERIAL')), 'and the certificate');
  await fitsTheScreen(page);
  await page.screenshot({ path: `${shots}/sign-en.png`, fullPage: true });
  await page.keyboard.type(env('PIN'));
  await page.keyboard.press('Tab');
  await page.keyboard.type(await smsCode(env('PHONE')));
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/cabinet\/documents\/[0-9a-f-]{36}$/);
  const signed = await page.locator('main').innerText();
  assert.ok(signed.includes('Download the signature'), 'the signature is listed');
  await fitsTheScreen(page);
  await page.screenshot({ path: `${shots}/document-en.png`, fullPage: true });
  await page.goto(`${base}/cabinet`);

  const cookies = await phone.cookies();
  const session = cookies.find((c) => c.name === '__Host-cloudseal');
  assert.ok(session, 'the session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.secure, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'script sees no cookie');

  // The switch, by keyboard too: focus the button and press Enter.
  await page.getByRole('button', { name: 'Language: Русский' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/cabinet`);
  await page.waitForSelector('html[lang="ru"]');
  assert.equal(await page.locator('h1').innerText(), 'Личный кабинет');
  assert.ok((await page.locator('main').innerText()).includes('Действует'));
  await page.screenshot({ path: `${shots}/cabinet-ru.png`, fullPage: true });
  await page.goto(application);
  assert.equal(await page.locator('[aria-current="step"] span').innerText(), 'Проверка данных');
  assert.ok((await page.locator('main').innerText()).includes('Ход исполнения'));
  await fitsTheScreen(page);
  await page.screenshot({ path: `${shots}/application-ru.png`, fullPage: true });

  await page.getByRole('button', { name: 'Выйти' }).click();
  await page.waitForURL(`${base}/signin`);
  assert.equal(await page.locator('h1').innerText(), 'Войти', 'the account speaks Russian now');
  await page.goto(`${base}/cabinet`);
  assert.equal(page.url(), `${base}/signin`, 'signed out: the cabinet sends to sign-in');
  assert.deepEqual(problems, []);

  // A desktop in Russian before any choice: the browser's language is used.
  const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const other = await desk.newPage();
  const otherProblems = [];
  watch(other, otherProblems);
  await other.goto(`${base}/signin`);
  assert.equal(await other.locator('h1').innerText(), 'Войти');
  await other.screenshot({ path: `${shots}/signin-ru.png`, fullPage: true });
  assert.deepEqual(otherProblems, []);
  console.log('ok');
} finally {
  await finish(browser);
}
