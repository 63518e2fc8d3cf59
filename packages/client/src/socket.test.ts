import type { WebSocket as UndiciWebSocket } from 'undici';
import { WebSocket as WsWebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { WebSocketConstructor } from './socket.js';

describe('WebSocketConstructor', () => {
  it("accepts the DOM's, undici's and ws' WebSocket constructors (checked by tsc)", () => {
    const dom: WebSocketConstructor | undefined = (
      globalThis as { WebSocket?: typeof globalThis.WebSocket }
    ).WebSocket;
    const undici = null as unknown as typeof UndiciWebSocket;
    const fromUndici: WebSocketConstructor = undici;
    const fromWs: WebSocketConstructor = WsWebSocket;
    expect([dom === undefined || typeof dom === 'function', fromUndici, typeof fromWs]).toEqual([
      true,
      null,
      'function',
    ]);
  });
});
