/**
 * The chat page's script (bundled at startup by esbuild, served as /app.js). Built only on the
 * public API of `@ws/client`: the client reconnects, follows drain hints and resumes threads;
 * this file only renders. Text goes into the DOM through `textContent`, never as HTML.
 */
import { createClient, isClientError } from '@ws/client';
import type { Client, ClientOptions } from '@ws/client';
import { msgpackCodec } from '@ws/client/msgpack';

interface ChatLine {
  readonly from: string | null;
  readonly text: string;
  readonly offset?: string;
  readonly system?: boolean;
}

interface Conversation {
  /** `thread:<id>` or `direct:<user>`. */
  readonly key: string;
  readonly kind: 'thread' | 'direct';
  /** The thread id, or the other user's name. */
  readonly name: string;
  readonly lines: ChatLine[];
}

const USER_NAME = /^[a-z0-9_-]{1,32}$/;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} is missing`);
  return el as T;
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

function describeError(err: unknown): string {
  if (isClientError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

function dmThread(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

async function login(user: string): Promise<string> {
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!res.ok || typeof body.token !== 'string') {
    throw new Error(body.error ?? `login failed (HTTP ${res.status})`);
  }
  return body.token;
}

function start(): void {
  const conversations = new Map<string, Conversation>();
  const ui = {
    me: byId('me'),
    status: byId('status'),
    where: byId('where'),
    loginForm: byId<HTMLFormElement>('login'),
    name: byId<HTMLInputElement>('name'),
    protocol: byId<HTMLSelectElement>('protocol'),
    chat: byId('chat'),
    openForm: byId<HTMLFormElement>('open-form'),
    openKind: byId<HTMLSelectElement>('open-kind'),
    openName: byId<HTMLInputElement>('open-name'),
    list: byId<HTMLUListElement>('conversations'),
    title: byId('title'),
    messages: byId<HTMLUListElement>('messages'),
    composer: byId<HTMLFormElement>('composer'),
    text: byId<HTMLInputElement>('text'),
    notice: byId('notice'),
  };
  const session: { client?: Client; user?: string; active?: string } = {};

  const notify = (message: string): void => {
    ui.notice.textContent = message;
  };

  const renderList = (): void => {
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
        button.addEventListener('click', () => select(c.key));
        li.append(button);
        return li;
      }),
    );
  };

  const renderMessages = (): void => {
    const c = session.active === undefined ? undefined : conversations.get(session.active);
    ui.title.textContent =
      c === undefined ? '' : c.kind === 'direct' ? `Direct with ${c.name}` : `#${c.name}`;
    ui.messages.replaceChildren(
      ...(c?.lines ?? []).map((line) => {
        const li = document.createElement('li');
        if (line.system === true) {
          li.className = 'system';
          li.textContent = line.text;
          return li;
        }
        if (line.from === session.user) li.className = 'mine';
        li.dataset.from = line.from ?? '';
        if (line.offset !== undefined) li.dataset.offset = line.offset;
        const from = document.createElement('span');
        from.className = 'from';
        from.textContent = line.from ?? 'server';
        const text = document.createElement('span');
        text.className = 'text';
        text.textContent = line.text;
        li.append(from, text);
        return li;
      }),
    );
    ui.messages.scrollTop = ui.messages.scrollHeight;
  };

  const conversation = (kind: Conversation['kind'], name: string): Conversation => {
    const key = `${kind}:${name}`;
    let c = conversations.get(key);
    if (c === undefined) {
      c = { key, kind, name, lines: [] };
      conversations.set(key, c);
    }
    return c;
  };

  const select = (key: string): void => {
    session.active = key;
    renderList();
    renderMessages();
  };

  const append = (c: Conversation, line: ChatLine): void => {
    c.lines.push(line);
    renderList();
    if (c.key === session.active) renderMessages();
  };

  const setState = (state: string, where: string): void => {
    ui.status.dataset.state = state;
    ui.status.textContent = state;
    ui.where.textContent = where;
  };

  const connect = (user: string, token: string, protocol: 'json' | 'msgpack'): Client => {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const options: ClientOptions = {
      url: `${scheme}//${location.host}/ws`,
      token,
      getToken: () => login(user),
      protocol,
      ...(protocol === 'msgpack' ? { codec: msgpackCodec() } : {}),
    };
    const client = createClient(options);
    client.on('connecting', ({ url, attempt }) =>
      setState('connecting', `${new URL(url).host} (attempt ${attempt + 1})`),
    );
    client.on('open', ({ url, instanceId, resumed }) => {
      setState(
        'open',
        `${new URL(url).host} · instance ${instanceId}${resumed ? ' · resumed' : ''}`,
      );
      ui.where.dataset.host = new URL(url).host;
      ui.where.dataset.instance = instanceId;
    });
    client.on('reconnecting', ({ code, delayMs, url }) =>
      setState('reconnecting', `closed ${code}; retrying ${new URL(url).host} in ${delayMs} ms`),
    );
    client.on('closed', ({ code, reason }) =>
      setState('closed', `closed ${code}${reason === '' ? '' : ` (${reason})`}`),
    );
    client.on('message', (m) => {
      const text = textOf(m.data);
      if (m.thread !== undefined) {
        append(conversation('thread', m.thread), {
          from: m.from,
          text,
          ...(m.offset === undefined ? {} : { offset: m.offset }),
        });
      } else {
        append(conversation('direct', m.from ?? 'server'), { from: m.from, text });
      }
    });
    client.on('resumed', ({ thread, recovered }) => {
      if (!recovered)
        append(conversation('thread', thread), {
          from: null,
          text: 'Some messages may be missing here.',
          system: true,
        });
    });
    client.on('error', (err) => notify(describeError(err)));
    return client;
  };

  ui.loginForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const user = ui.name.value.trim();
    if (!USER_NAME.test(user)) {
      notify('A name is 1-32 characters of a-z, 0-9, _ and -.');
      return;
    }
    const protocol = ui.protocol.value === 'msgpack' ? 'msgpack' : 'json';
    login(user).then(
      (token) => {
        session.user = user;
        session.client = connect(user, token, protocol);
        ui.me.textContent = `${user} · ${protocol === 'msgpack' ? 'MessagePack' : 'JSON'}`;
        ui.loginForm.hidden = true;
        ui.chat.hidden = false;
        notify('');
        ui.openName.focus();
      },
      (err: unknown) => notify(describeError(err)),
    );
  });

  ui.openForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const { client, user } = session;
    const name = ui.openName.value.trim();
    if (client === undefined || user === undefined || name === '') return;
    const kind = ui.openKind.value;
    if (kind === 'direct') {
      if (!USER_NAME.test(name)) {
        notify('A user name is 1-32 characters of a-z, 0-9, _ and -.');
        return;
      }
      select(conversation('direct', name).key);
      ui.openName.value = '';
      return;
    }
    if (kind === 'private' && !USER_NAME.test(name)) {
      notify('A user name is 1-32 characters of a-z, 0-9, _ and -.');
      return;
    }
    const thread = kind === 'private' ? dmThread(user, name) : name;
    client.join(thread).then(
      () => {
        select(conversation('thread', thread).key);
        ui.openName.value = '';
        notify('');
      },
      (err: unknown) => notify(`Cannot join ${thread}: ${describeError(err)}`),
    );
  });

  ui.composer.addEventListener('submit', (event) => {
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
        .catch((err: unknown) => notify(`Not sent: ${describeError(err)}`));
      return;
    }
    client.direct(c.name, { text }).then(
      () => append(c, { from: user, text }),
      (err: unknown) => notify(`Not sent: ${describeError(err)}`),
    );
  });

  setState('idle', '');
}

start();
