/** Test helpers: the chat page's controls (Chromium itself comes from `@ws/testkit`). */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

export interface ChatLine {
  readonly from: string;
  readonly text: string;
}

/** Opens the page, signs in and waits for the connection to be open. */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: string,
  protocol: 'json' | 'msgpack' = 'json',
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.fill('#name', user);
  await page.selectOption('#protocol', protocol);
  await page.click('#signin');
  await expect
    .poll(() => page.getAttribute('#status', 'data-state'), { timeout: 30_000 })
    .toBe('open');
}

/** Opens a conversation through the sidebar form: a public thread, a private thread with a user, or directs. */
export async function open(
  page: Page,
  kind: 'thread' | 'private' | 'direct',
  name: string,
): Promise<void> {
  await page.selectOption('#open-kind', kind);
  await page.fill('#open-name', name);
  await page.click('#open');
}

/** Selects a conversation in the sidebar (`thread:<id>` or `direct:<user>`). */
export async function select(page: Page, key: string): Promise<void> {
  await page.click(`#conversations button[data-key="${key}"]`);
  await expect
    .poll(() => page.getAttribute(`#conversations button[data-key="${key}"]`, 'aria-current'))
    .toBe('true');
}

export async function send(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.click('#send');
}

/** The chat lines of the selected conversation (system notices left out). */
export async function lines(page: Page): Promise<ChatLine[]> {
  return page.$$eval('#messages li:not(.system)', (items) =>
    items.map((li) => ({
      from: li.querySelector('.from')?.textContent ?? '',
      text: li.querySelector('.text')?.textContent ?? '',
    })),
  );
}

export async function conversationKeys(page: Page): Promise<string[]> {
  return page.$$eval('#conversations button', (buttons) =>
    buttons.map((b) => (b as HTMLElement).dataset.key ?? ''),
  );
}

/** A page in a new browser context (its own cookies and storage), remembered in `contexts` to close. */
export async function newPage(
  browser: Browser | undefined,
  contexts: BrowserContext[],
): Promise<Page> {
  if (browser === undefined) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1100, height: 620 } });
  contexts.push(context);
  return context.newPage();
}
