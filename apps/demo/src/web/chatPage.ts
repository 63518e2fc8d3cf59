import type { Client, ClientPresence } from '@ws/client';
import type { ChatContract } from '../contract.js';

/** One line of a conversation: a message, or a note from the page itself (`system`). */
export interface ChatLine {
  readonly from: string | null;
  readonly text: string;
  readonly offset?: string;
  readonly system?: boolean;
}

/** A thread or a direct conversation, with the lines received so far. */
export interface Conversation {
  /** `thread:<id>` or `direct:<user>`. */
  readonly key: string;
  readonly kind: 'thread' | 'direct';
  /** The thread id, or the other user's name. */
  readonly name: string;
  readonly lines: ChatLine[];
  /** A thread's users, as the client last reported them (`client.presence`). */
  presence?: ClientPresence;
}

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} is missing`);
  return el as T;
}

function chatUi() {
  return {
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
    presence: byId('presence'),
    messages: byId<HTMLUListElement>('messages'),
    composer: byId<HTMLFormElement>('composer'),
    text: byId<HTMLInputElement>('text'),
    notice: byId('notice'),
  };
}

/** The page's elements (from `web/page.ts`), by role. */
export type ChatUi = ReturnType<typeof chatUi>;

/** Everything the page's functions share: its elements, its conversations, who is signed in. */
export interface ChatPage {
  readonly ui: ChatUi;
  /** By {@link Conversation.key}, in the order they were opened. */
  readonly conversations: Map<string, Conversation>;
  /** The client and user once signed in; the conversation shown. */
  readonly session: { client?: Client<ChatContract>; user?: string; active?: string };
}

/** Finds the page's elements (throws when one is missing); no conversation yet, nobody signed in. */
export function chatPage(): ChatPage {
  return { ui: chatUi(), conversations: new Map(), session: {} };
}
