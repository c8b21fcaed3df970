import { describe, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { HTTP_ADAPTERS } from '../../sample/create-app.js';

/**
 * Debian's Chromium for the browser tests (.ci/run installs it). Without it these tests fail
 * with the instruction to install it, as the Redis Cluster and interop tests do: a browser test
 * that quietly skips proves nothing. SKIP_BROWSER_TESTS=1 skips them on purpose (and says so).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIPPED_ON_PURPOSE = process.env.SKIP_BROWSER_TESTS === '1';

// This machine's closed network refuses Chromium's background connections: these flags stop them.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `describe.each(HTTP_ADAPTERS)` for tests in Chromium; without Chromium,
 * one failing test that says how to install it (or, with SKIP_BROWSER_TESTS=1, skipped).
 */
export function describeInChromium(title: string, body: (adapter: (typeof HTTP_ADAPTERS)[number]) => void): void {
  if (HAVE_CHROMIUM) {
    describe.each(HTTP_ADAPTERS)(title, body);
  } else if (SKIPPED_ON_PURPOSE) {
    console.warn(`SKIPPED (SKIP_BROWSER_TESTS=1): ${title}`);
    describe.skip.each(HTTP_ADAPTERS)(`SKIPPED (SKIP_BROWSER_TESTS=1): ${title}`, body);
  } else {
    describe(title.replace('%s', 'either adapter'), () => {
      it(`needs ${CHROMIUM}`, () => {
        throw new Error(
          `${CHROMIUM} is missing, so the tests "${title.replace('%s', 'Express and Fastify')}" cannot run. Install it with: apt-get install -y chromium ` +
            '(or set CHROMIUM_PATH; SKIP_BROWSER_TESTS=1 skips these tests on purpose)',
        );
      });
    });
  }
}

/** Chromium with a new empty profile (Playwright makes its own temporary --user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Clicks a button of the page and reads what it shows: "status" on the first line, then the body. */
export async function clickAndRead(
  page: Page,
  button: string,
  output: string,
): Promise<{ status: number; body: unknown }> {
  await page.click(button);
  // The page removes data-status when the call starts and sets it once the answer is shown.
  await page.waitForSelector(`${output}[data-status]`);
  const [status, ...body] = ((await page.textContent(output)) ?? '').split('\n');
  const text = body.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the text as is.
  }
  return { status: Number(status), body: parsed };
}

/** Script errors and Content-Security-Policy complaints a page meets. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}
