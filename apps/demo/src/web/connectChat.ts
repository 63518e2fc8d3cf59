import { createClient } from '@ws/client';
import type { Client, ClientOptions } from '@ws/client';
import { msgpackCodec } from '@ws/client/msgpack';
import type { ChatContract } from '../contract.js';
import type { ChatPage } from './chatPage.js';
import { append, conversation, describeError, notify, setState, showPresence } from './chatView.js';
import { login } from './login.js';

/** Who connects, with which token, over which subprotocol. */
export interface ChatLogin {
  readonly user: string;
  readonly token: string;
  readonly protocol: 'json' | 'msgpack';
}

function textOf(data: unknown): string {
  if (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { text?: unknown }).text === 'string'
  ) {
    return (data as { text: string }).text;
  }
  return JSON.stringify(data);
}

/** Shows the client's connection states on the page. */
function showStates(page: ChatPage, client: Client<ChatContract>): void {
  client.on('connecting', ({ url, attempt }) =>
    setState(page, 'connecting', `${new URL(url).host} (attempt ${attempt + 1})`),
  );
  client.on('open', ({ url, instanceId, resumed, transport }) => {
    // `http`: WebSocket is blocked on this network; the client uses the HTTP transport.
    const via = transport === 'http' ? 'HTTP fallback' : 'WebSocket';
    setState(
      page,
      'open',
      `${new URL(url).host} · instance ${instanceId} · ${via}${resumed ? ' · resumed' : ''}`,
    );
    page.ui.where.dataset.host = new URL(url).host;
    page.ui.where.dataset.instance = instanceId;
    page.ui.where.dataset.transport = transport;
  });
  client.on('reconnecting', ({ code, delayMs, url }) =>
    setState(
      page,
      'reconnecting',
      `closed ${code}; retrying ${new URL(url).host} in ${delayMs} ms`,
    ),
  );
  client.on('closed', ({ code, reason }) =>
    setState(page, 'closed', `closed ${code}${reason === '' ? '' : ` (${reason})`}`),
  );
}

/** Adds received messages to their conversations, and a note where a resume lost messages. */
function showMessages(page: ChatPage, client: Client<ChatContract>): void {
  client.on('message', (m) => {
    const text = textOf(m.data);
    if (m.thread !== undefined) {
      append(page, conversation(page, 'thread', m.thread), {
        from: m.from,
        text,
        ...(m.offset === undefined ? {} : { offset: m.offset }),
      });
    } else {
      append(page, conversation(page, 'direct', m.from ?? 'server'), { from: m.from, text });
    }
  });
  client.on('resumed', ({ thread, recovered }) => {
    if (!recovered)
      append(page, conversation(page, 'thread', thread), {
        from: null,
        text: 'Some messages may be missing here.',
        system: true,
      });
  });
}

/**
 * Connects to this page's `/ws` as `chatLogin.user`; the client signs in again by itself when the
 * token expires, and its states, messages and errors show on the page.
 */
export function connectChat(page: ChatPage, chatLogin: ChatLogin): Client<ChatContract> {
  const { user, token, protocol } = chatLogin;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const options: ClientOptions = {
    url: `${scheme}//${location.host}/ws`,
    token,
    getToken: () => login(user),
    protocol,
    ...(protocol === 'msgpack' ? { codec: msgpackCodec() } : {}),
  };
  // Typed by the server's contract (a type-only import: none of it is bundled).
  const client = createClient<ChatContract>(options);
  showStates(page, client);
  showMessages(page, client);
  // Who is online in each open thread: kept by the client from the server's diffs.
  client.on('presence', (p) => showPresence(page, p));
  client.on('error', (err) => notify(page, describeError(err)));
  return client;
}
