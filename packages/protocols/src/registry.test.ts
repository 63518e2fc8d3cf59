import type { SocketLike } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { WebSocket as UndiciWebSocket } from 'undici';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createProtocolRegistry, isWhatwgWebSocket } from './registry.js';
import { wsProtocolHandler } from './ws/wsHandler.js';

describe('protocol registry', () => {
  it('recognises WHATWG sockets out of the box, ws sockets once registered', () => {
    const registry = createProtocolRegistry();
    const undici = new UndiciWebSocket('ws://127.0.0.1:9');
    undici.addEventListener('error', () => {});
    const ws = new WebSocket(null as never, undefined, {});
    expect(registry.detect(undici)).toBe('whatwg');
    expect(registry.kinds()).toEqual(['whatwg']);
    registry.registerProtocolHandler('ws', wsProtocolHandler());
    expect(registry.kinds()).toEqual(['ws', 'whatwg']);
    expect(registry.detect(ws)).toBe('ws');
    expect(registry.detect(undici)).toBe('whatwg');
    const wrapped = registry.getConnectionWrapper(undici, { textOnly: true });
    expect(wrapped.ping).toBeUndefined();
    expect(wrapped.readyState).toBe(0);
    const wrappedWs = registry.getConnectionWrapper(ws);
    expect(typeof wrappedWs.ping).toBe('function');
    expect(typeof wrappedWs.prepare).toBe('function');
    undici.close();
  });

  it('an unknown kind is a clear WsError, not a crash', () => {
    const registry = createProtocolRegistry();
    for (const thing of [{}, null, 42, 'socket', { send() {} }]) {
      expect(() => registry.getConnectionWrapper(thing)).toThrow(
        expect.objectContaining({
          name: 'WsError',
          code: 'unsupported_socket',
          message: 'no protocol handler recognises this socket (registered: whatwg)',
        }),
      );
    }
  });

  it('an application handler (registered later) is tried first and may replace a kind', () => {
    const registry = createProtocolRegistry();
    const pair = createMemorySocketPair();
    const memory = {
      matches: (s: unknown) => s === pair.server,
      wrap: (s: unknown) => s as SocketLike,
    };
    registry.registerProtocolHandler('memory', memory);
    expect(registry.getConnectionWrapper(pair.server)).toBe(pair.server);
    registry.registerProtocolHandler('whatwg', { matches: () => true, wrap: () => pair.server });
    expect(registry.kinds()).toEqual(['whatwg', 'memory']);
    expect(registry.getConnectionWrapper({})).toBe(pair.server);
  });

  it('a throwing matcher does not break detection; bad handlers are refused', () => {
    const registry = createProtocolRegistry();
    registry.registerProtocolHandler('broken', {
      matches: () => {
        throw new Error('boom');
      },
      wrap: () => {
        throw new Error('never');
      },
    });
    expect(registry.detect({})).toBeUndefined();
    expect(() =>
      registry.registerProtocolHandler('', {
        matches: () => false,
        wrap: () => ({}) as SocketLike,
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    expect(() => registry.registerProtocolHandler('x', {} as never)).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });

  it('registries are instances: registering in one leaves another alone', () => {
    const a = createProtocolRegistry();
    const b = createProtocolRegistry();
    a.registerProtocolHandler('ws', wsProtocolHandler());
    expect(b.kinds()).toEqual(['whatwg']);
    expect(isWhatwgWebSocket({})).toBe(false);
  });
});
