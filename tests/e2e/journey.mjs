// A subscriber's whole journey in a real browser, in the language LANG (en or ru), with three
// people in three browser contexts: the applicant on a phone registers, applies, confirms the
// data, activates the certificate with the marker from the SMS, signs a contract and sends it
// to a contact from the address book; the operator at a desk accepts the application, records
// the payment and identifies the applicant through the wizard, signing the statement with the
// officer's certificate; the recipient follows the emailed link, verifies the signature and
// acknowledges with PIN and code; the applicant then sees the acknowledgement and checks the
// delivery protocol's seal on the public page. Run by tests/api/cabinet_journey.rs, which
// answers the questions of common.mjs from the outbox.
//
// Environment: CABINET_URL, CHROMIUM, SHOTS, LANG; EMAIL and PHONE (the applicant's, not yet
// registered); POINT (the operator's point of issue); OPERATOR_LOGIN, OPERATOR_PHONE (an
// operator enrolled as an officer); RECIPIENT_LOGIN, RECIPIENT_PHONE (a holder of an active
// certificate); PASSWORD (everyone's), PIN (the officer's and the recipient's signing PIN).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ask, base, env, fitsTheScreen, finish, launch, shots, smsCode, watch } from './common.mjs';

const lang = env('LANG').slice(0, 2);
const WORDS = {
  en: {
    locale: 'en-GB',
    register: 'Create an account',
    phone: 'Confirm your phone',
    phoneDone: 'Phone confirmed',
    emailDone: 'Your email is confirmed. You can sign in now.',
    cabinet: 'Your cabinet',
    status: {
      data_check: 'Checking the data',
      awaiting_payment: 'Awaiting payment',
      awaiting_request: 'Awaiting the certificate request',
      awaiting_identification: 'Awaiting identification',
      issuing: 'Issuing the certificate',
    },
    active: 'Active',
    notified: 'Notified',
    acknowledged: 'Acknowledged',
    valid: 'valid',
    sealHolds: 'The seal holds: this file is exactly as the service issued it.',
  },
  ru: {
    locale: 'ru-RU',
    register: 'Регистрация',
    phone: 'Подтверждение телефона',
    phoneDone: 'Телефон подтверждён',
    emailDone: 'Адрес почты подтверждён. Теперь можно войти.',
    cabinet: 'Личный кабинет',
    status: {
      data_check: 'Проверка данных',
      awaiting_payment: 'Ожидание оплаты',
      awaiting_request: 'Ожидание запроса на сертификат',
      awaiting_identification: 'Ожидание идентификации',
      issuing: 'Выпуск сертификата',
    },
    active: 'Действует',
    notified: 'Уведомлён',
    acknowledged: 'Получение подтверждено',
    valid: 'действительна',
    sealHolds: 'Печать верна: файл в точности такой, каким его выдал сервис.',
  },
}[lang];
assert.ok(WORDS, `LANG ${lang} is neither en nor ru`);

const email = env('EMAIL');
const phoneNumber = env('PHONE');
const password = env('PASSWORD');
const pin = env('PIN');
const shot = (page, name) => page.screenshot({ path: `${shots}/journey-${name}-${lang}.png`, fullPage: true });
const text = (page, selector) => page.locator(selector).first().innerText();
const submit = (page, action) => page.locator(`form[action$="${action}"] button[type="submit"]`).first().click();

/** Wait until the element shows `want` (a page that was just posted to has reloaded). */
async function shows(page, selector, want) {
  await page.locator(selector, { hasText: want }).first().waitFor();
  assert.equal((await text(page, selector)).trim(), want);
}

/** Password, then the SMS code; the page the sign-in leads to. */
async function signIn(page, login, phone) {
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.keyboard.press('Enter');
  await page.locator('#code').waitFor();
  await page.locator('#code').fill(await smsCode(phone));
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** A person whose account speaks the other language switches it with the page's button. */
async function speak(page) {
  if ((await page.getAttribute('html', 'lang')) !== lang) {
    await submit(page, '/language');
    await page.waitForSelector(`html[lang="${lang}"]`);
  }
}

async function person(browser, viewport) {
  const context = await browser.newContext({ viewport, locale: WORDS.locale, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  watch(page, problems);
  return { page, problems };
}

const browser = await launch();
const applicant = await person(browser, { width: 390, height: 844 });
const operator = await person(browser, { width: 1280, height: 900 });
const recipient = await person(browser, { width: 1024, height: 800 });
try {
  const a = applicant.page;

  // Register in the browser's language; the phone by SMS code, the email by its link.
  await a.goto(`${base}/register`);
  assert.equal(await text(a, 'h1'), WORDS.register);
  await a.locator('#surname').fill('Иванова');
  await a.locator('#given_name').fill('Анна');
  await a.locator('#email').fill(email);
  await a.locator('#phone').fill(phoneNumber);
  await a.locator('#country').fill('PT');
  await a.locator('#password').fill(password);
  await a.locator('#password_again').fill(password);
  await fitsTheScreen(a);
  await shot(a, 'register');
  await submit(a, '/register');
  await shows(a, 'h1', WORDS.phone);
  await a.locator('#code').fill(await smsCode(phoneNumber));
  await submit(a, '/register/phone');
  await shows(a, 'h1', WORDS.phoneDone);
  await a.goto(`${base}/confirm-email?token=${await ask('link', email)}`);
  await submit(a, '/confirm-email');
  await a.locator('main', { hasText: WORDS.emailDone }).waitFor();

  await a.goto(`${base}/signin`);
  await signIn(a, email, phoneNumber);
  assert.equal(a.url(), `${base}/cabinet`);
  assert.equal(await text(a, 'h1'), WORDS.cabinet);
  await shot(a, 'cabinet');

  // Apply at the operator's point for a certificate with the key in the vault, with the data
  // the (simulated) registers hold for this person, so that every check passes.
  await a.goto(`${base}/cabinet/applications/new`);
  await a.locator('#product').selectOption('qualified-cloud');
  await a.locator('#point_of_issue').selectOption(env('POINT'));
  await a.locator('#surname').fill('Иванова');
  await a.locator('#given_name').fill('Анна');
  await a.locator('#patronymic').fill('Сергеевна');
  await a.locator('#birth_date').fill('1990-01-02');
  await a.locator('#citizenship').fill('RU');
  await a.locator('#residence').fill('PT');
  await a.locator('#snils').fill('112-233-445 95');
  await a.locator('#inn').fill('500100732259');
  await a.locator('#series').fill('4509');
  await a.locator('#number').fill('123456');
  await a.locator('#issued_on').fill('2015-03-04');
  await a.locator('#issued_by').fill('OVD Tverskoy');
  await a.locator('#issuer_code').fill('770-001');
  await fitsTheScreen(a);
  await shot(a, 'apply');
  await submit(a, '/cabinet/applications');
  await a.waitForURL(/\/cabinet\/applications\/[0-9a-f-]{36}$/);
  const application = a.url();
  const id = application.split('/').pop();
  const number = (await text(a, 'h1')).split(' ').pop();
  await shows(a, '#status', WORDS.status.data_check);
  await shows(a, '[aria-current="step"] span', WORDS.status.data_check);

  // The operator, at a desk in another browser, accepts the data and records the payment.
  const o = operator.page;
  await o.goto(`${base}/signin`);
  await signIn(o, env('OPERATOR_LOGIN'), env('OPERATOR_PHONE'));
  await speak(o);
  await o.goto(`${base}/cabinet/desk?number=${number}`);
  await o.locator(`a[href="/cabinet/desk/${id}"]`).click();
  await shows(o, '#status', WORDS.status.data_check);
  await submit(o, `/cabinet/desk/${id}/accept`);
  await shows(o, '#status', WORDS.status.awaiting_payment);
  await o.locator('#reference').fill('cash desk 3, receipt 0071');
  await submit(o, `/cabinet/desk/${id}/payment`);
  await shows(o, '#status', WORDS.status.awaiting_request);

  // The applicant sees it and confirms the data that goes into the certificate.
  await a.reload();
  await shows(a, '#status', WORDS.status.awaiting_request);
  await submit(a, `/cabinet/applications/${id}/request`);
  await shows(a, '#status', WORDS.status.awaiting_identification);
  await fitsTheScreen(a);
  await shot(a, 'application');

  // In person: the wizard, then the statement signed with the officer's PIN and SMS code.
  await o.reload();
  await shows(o, '#status', WORDS.status.awaiting_identification);
  await o.locator('input[name="original"][value="passport"]').check();
  await o.locator('input[name="original"][value="snils"]').check();
  await o.locator('input[name="data_confirmed"]').check();
  await shot(o, 'wizard');
  await submit(o, `/cabinet/desk/${id}/identification`);
  await o.locator('#statement-hash').waitFor();
  await o.locator('#pin').fill(pin);
  await o.locator('#code').fill(await smsCode(env('OPERATOR_PHONE')));
  await shot(o, 'identify');
  await submit(o, `/cabinet/desk/${id}/identify`);
  await o.waitForURL(`${base}/cabinet/desk/${id}`);
  await shows(o, '#status', WORDS.status.issuing);

  // The marker came by SMS; the applicant activates and chooses the signing PIN.
  const marker = await ask('marker', phoneNumber);
  await a.reload();
  await shows(a, '#status', WORDS.status.issuing);
  await submit(a, `/cabinet/applications/${id}/activation`);
  await a.locator('#marker').fill(marker);
  await a.locator('#pin').fill(pin);
  await a.locator('#pin_again').fill(pin);
  await a.locator('#code').fill(await smsCode(phoneNumber));
  await fitsTheScreen(a);
  await shot(a, 'activate');
  await submit(a, `/cabinet/applications/${id}/activate`);
  await a.waitForURL(/\/cabinet\/certificates\/[0-9a-f-]{36}$/);
  await shows(a, '#status', WORDS.active);
  await shot(a, 'certificate');

  // A contract uploaded and signed with the new certificate.
  await a.goto(`${base}/cabinet/documents`);
  const contract = Buffer.from(`Contract of lease No. 12, ${lang}. The flat in Lisbon is let for a year.\n`);
  await a.setInputFiles('#file', { name: 'lease.txt', mimeType: 'text/plain', buffer: contract });
  await a.locator('#upload button[type="submit"]').click();
  await a.waitForURL(/\/cabinet\/documents\/[0-9a-f-]{36}$/);
  await submit(a, '/cabinet/documents/sign');
  await a.locator('#pin').fill(pin);
  await a.locator('#code').fill(await smsCode(phoneNumber));
  await submit(a, '/cabinet/documents/sign/confirm');
  await a.locator('a[href$="/p7s"]').waitFor();

  // The recipient goes into the address book and is picked from it for the sending.
  await a.goto(`${base}/cabinet/contacts`);
  await a.locator('#name').fill('Hans Weber');
  await a.locator('#email').fill(env('RECIPIENT_LOGIN'));
  await submit(a, '/cabinet/contacts');
  await a.locator('a[href^="/cabinet/sendings/new?to="]').first().waitFor();
  await a.goto(`${base}/cabinet/sendings/new`);
  await a.locator(`input[name="contact"][value="${env('RECIPIENT_LOGIN')}"]`).check();
  await a.locator('#subject').fill(`Lease No. 12 (${lang})`);
  await a.locator('#text').fill('Signed on my side; please acknowledge.');
  await a.locator('input[name="attachment"]').first().check();
  await fitsTheScreen(a);
  await shot(a, 'compose');
  await a.locator('button[name="action"][value="send"]').click();
  await a.waitForURL(/\/cabinet\/sendings\/[0-9a-f-]{36}$/);
  const sending = a.url();
  await shows(a, '.delivery-step', WORDS.notified);

  // The recipient follows the emailed link, signs in, opens, verifies and acknowledges.
  const r = recipient.page;
  await r.goto(`${base}/cabinet/sendings/open?link=${await ask('sending', env('RECIPIENT_LOGIN'))}`);
  await signIn(r, env('RECIPIENT_LOGIN'), env('RECIPIENT_PHONE'));
  await speak(r);
  await submit(r, '/cabinet/sendings/open');
  await r.waitForURL(sending);
  assert.ok((await text(r, 'main')).includes('Signed on my side; please acknowledge.'));
  await submit(r, '/verify');
  await shows(r, '#checked + ul strong', WORDS.valid);
  await shot(r, 'verified');
  await submit(r, '/acknowledgement');
  await r.locator('#pin').fill(pin);
  await r.locator('#code').fill(await smsCode(env('RECIPIENT_PHONE')));
  await submit(r, '/acknowledge');
  await r.waitForURL(sending);
  assert.equal(await r.locator('form[action$="/reject"]').count(), 0, 'answered: nothing more to do');

  // The sender sees the acknowledgement and checks the delivery protocol's seal.
  await a.reload();
  await shows(a, '.delivery-step', WORDS.acknowledged);
  await fitsTheScreen(a);
  await shot(a, 'sending');
  const [download] = await Promise.all([
    a.waitForEvent('download'),
    a.locator('a[href*="/protocol?format=json"]').click(),
  ]);
  const saved = `${shots}/journey-protocol-${lang}.json`;
  await download.saveAs(saved);
  const protocol = JSON.parse(readFileSync(saved, 'utf8'));
  assert.ok(JSON.stringify(protocol).includes(env('RECIPIENT_LOGIN')), 'the protocol names the recipient');
  await a.goto(`${base}/verify/protocol`);
  await a.setInputFiles('#protocol', saved);
  await submit(a, '/verify/protocol');
  await shows(a, '#result', WORDS.sealHolds);
  await shot(a, 'protocol');

  for (const p of [applicant, operator, recipient]) assert.deepEqual(p.problems, []);
  console.log('ok');
} catch (e) {
  // Where each person was when it failed, for whoever reads the failure.
  for (const [who, p] of Object.entries({ applicant, operator, recipient })) {
    await p.page.screenshot({ path: `${shots}/journey-failed-${who}-${lang}.png`, fullPage: true });
  }
  throw e;
} finally {
  await finish(browser);
}
