import { dmThread, isUserName } from '../names.js';
import type { ChatPage } from './chatPage.js';
import { append, conversation, describeError, notify, select } from './chatView.js';
import { connectChat } from './connectChat.js';
import { login } from './login.js';

const badUserName = 'A user name is 1-32 characters of a-z, 0-9, _ and -.';

/** Sign-in: logs in, connects, then shows the chat. */
function onLogin(page: ChatPage, event: SubmitEvent): void {
  const { ui, session } = page;
  event.preventDefault();
  const user = ui.name.value.trim();
  if (!isUserName(user)) {
    notify(page, 'A name is 1-32 characters of a-z, 0-9, _ and -.');
    return;
  }
  const protocol = ui.protocol.value === 'msgpack' ? 'msgpack' : 'json';
  login(user).then(
    (token) => {
      session.user = user;
      session.client = connectChat(page, { user, token, protocol });
      ui.me.textContent = `${user} · ${protocol === 'msgpack' ? 'MessagePack' : 'JSON'}`;
      ui.loginForm.hidden = true;
      ui.chat.hidden = false;
      notify(page, '');
      ui.openName.focus();
    },
    (err: unknown) => notify(page, describeError(err)),
  );
}

/** Opens a conversation: a direct one at once; a public or private thread once joined. */
function onOpen(page: ChatPage, event: SubmitEvent): void {
  const { ui, session } = page;
  event.preventDefault();
  const { client, user } = session;
  const name = ui.openName.value.trim();
  if (client === undefined || user === undefined || name === '') return;
  const kind = ui.openKind.value;
  if (kind === 'direct') {
    if (!isUserName(name)) {
      notify(page, badUserName);
      return;
    }
    select(page, conversation(page, 'direct', name).key);
    ui.openName.value = '';
    return;
  }
  if (kind === 'private' && !isUserName(name)) {
    notify(page, badUserName);
    return;
  }
  const thread = kind === 'private' ? dmThread(user, name) : name;
  client.join(thread).then(
    () => {
      select(page, conversation(page, 'thread', thread).key);
      ui.openName.value = '';
      notify(page, '');
      // Watch who is online: `presence` events (connectChat.ts) keep the line up to date.
      client
        .presence(thread)
        .catch((err: unknown) => notify(page, `No presence for ${thread}: ${describeError(err)}`));
    },
    (err: unknown) => notify(page, `Cannot join ${thread}: ${describeError(err)}`),
  );
}

/** Sends the composed text to the conversation shown. */
function onCompose(page: ChatPage, event: SubmitEvent): void {
  const { ui, session, conversations } = page;
  event.preventDefault();
  const { client, user, active } = session;
  const c = active === undefined ? undefined : conversations.get(active);
  const text = ui.text.value;
  if (client === undefined || user === undefined || c === undefined || text.trim() === '') return;
  ui.text.value = '';
  if (c.kind === 'thread') {
    // The server sends the message back to every member, this connection included.
    client
      .publish(c.name, { text })
      .catch((err: unknown) => notify(page, `Not sent: ${describeError(err)}`));
    return;
  }
  client.direct(c.name, { text }).then(
    () => append(page, c, { from: user, text }),
    (err: unknown) => notify(page, `Not sent: ${describeError(err)}`),
  );
}

/** Wires the page's three forms: sign-in, open a conversation, compose. */
export function bindForms(page: ChatPage): void {
  const { ui } = page;
  ui.loginForm.addEventListener('submit', (event) => onLogin(page, event));
  ui.openForm.addEventListener('submit', (event) => onOpen(page, event));
  ui.composer.addEventListener('submit', (event) => onCompose(page, event));
}
