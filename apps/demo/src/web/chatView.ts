import { isClientError } from '@ws/client';
import type { ClientPresence } from '@ws/client';
import type { ChatLine, ChatPage, Conversation } from './chatPage.js';
import { presenceLine } from './presenceLine.js';

/** An error as one line for the notice: a client error's code and message. */
export function describeError(err: unknown): string {
  if (isClientError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Shows `message` in the notice line (`''` clears it). */
export function notify(page: ChatPage, message: string): void {
  page.ui.notice.textContent = message;
}

/** Shows the connection state and where it is connected. */
export function setState(page: ChatPage, state: string, where: string): void {
  const { ui } = page;
  ui.status.dataset.state = state;
  ui.status.textContent = state;
  ui.where.textContent = where;
}

function renderList(page: ChatPage): void {
  const { ui, conversations, session } = page;
  ui.list.replaceChildren(
    ...[...conversations.values()].map((c) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.key = c.key;
      button.setAttribute('aria-current', String(c.key === session.active));
      button.textContent = c.kind === 'direct' ? `@${c.name}` : `#${c.name}`;
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = String(c.lines.filter((l) => l.system !== true).length);
      button.append(count);
      button.addEventListener('click', () => select(page, c.key));
      li.append(button);
      return li;
    }),
  );
}

function messageItem(page: ChatPage, line: ChatLine): HTMLLIElement {
  const li = document.createElement('li');
  if (line.system === true) {
    li.className = 'system';
    li.textContent = line.text;
    return li;
  }
  if (line.from === page.session.user) li.className = 'mine';
  // `from: null`: sent by the server itself (e.g. through the HTTP API at /api/v1).
  if (line.from === null) li.className = 'server';
  li.dataset.from = line.from ?? '';
  if (line.offset !== undefined) li.dataset.offset = line.offset;
  const from = document.createElement('span');
  from.className = 'from';
  from.textContent = line.from ?? 'server';
  if (line.from === null) from.title = 'sent by the server, not by a user';
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = line.text;
  li.append(from, text);
  return li;
}

function renderMessages(page: ChatPage): void {
  const { ui, conversations, session } = page;
  const c = session.active === undefined ? undefined : conversations.get(session.active);
  ui.title.textContent =
    c === undefined ? '' : c.kind === 'direct' ? `Direct with ${c.name}` : `#${c.name}`;
  ui.presence.textContent = c?.presence === undefined ? '' : presenceLine(c.presence);
  ui.messages.replaceChildren(...(c?.lines ?? []).map((line) => messageItem(page, line)));
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

/** Shows the conversation `key`. */
export function select(page: ChatPage, key: string): void {
  page.session.active = key;
  renderList(page);
  renderMessages(page);
}

/** The conversation of a thread or with a user, opened (added to the list) when new. */
export function conversation(
  page: ChatPage,
  kind: Conversation['kind'],
  name: string,
): Conversation {
  const key = `${kind}:${name}`;
  let c = page.conversations.get(key);
  if (c === undefined) {
    c = { key, kind, name, lines: [] };
    page.conversations.set(key, c);
  }
  return c;
}

/** Adds a line to a conversation and shows it. */
export function append(page: ChatPage, c: Conversation, line: ChatLine): void {
  c.lines.push(line);
  renderList(page);
  if (c.key === page.session.active) renderMessages(page);
}

/** Keeps a thread's presence (a `presence` event) and shows it when the thread is on screen. */
export function showPresence(page: ChatPage, presence: ClientPresence): void {
  const c = conversation(page, 'thread', presence.thread);
  c.presence = presence;
  if (c.key === page.session.active) page.ui.presence.textContent = presenceLine(presence);
}
