// Headless Chromium (Debian's) through playwright-core, with the flags issue 9 names.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'];

/** Launches Chromium; resolves `{browser, version}`. */
export async function launchChromium() {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
  return { browser, version: browser.version() };
}

/** A fresh page on `url` once its bench script has loaded; page errors are rethrown by `errors()`. */
export async function openBenchPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(new Error(m.text()));
  });
  await page.goto(url);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30000 });
  return { page, context, errors };
}
