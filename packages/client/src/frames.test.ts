/**
 * The client keeps its own copy of the wire protocol's frame types (it imports nothing from the
 * server packages). These checks fail when the copy and `@ws/core` drift apart: at type level
 * (`tsc`: each frame type is assignable both ways) and at run time (every frame core's builders
 * produce passes the client's shape check).
 */
import type * as Core from '@ws/core';
import {
  ackFrame,
  directMessageFrame,
  errorFrame,
  pingFrame,
  pongFrame,
  reconnectFrame,
  resyncFrame,
  subprotocols as coreSubprotocols,
  threadMessageFrame,
} from '@ws/core';
import { describe, expect, it } from 'vitest';
import type * as Client from './frames.js';
import { subprotocols, toServerFrame } from './frames.js';

/** Compiles only when A and B are assignable to each other. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function same<A, B>(ok: Mutual<A, B>): boolean {
  return ok;
}

describe('frame types match @ws/core', () => {
  it('each frame type is assignable both ways (checked by tsc)', () => {
    const checks = [
      same<Client.JoinFrame, Core.JoinFrame>(true),
      same<Client.LeaveFrame, Core.LeaveFrame>(true),
      same<Client.PublishFrame, Core.PublishFrame>(true),
      same<Client.DirectFrame, Core.DirectFrame>(true),
      same<Client.ResumeFrame, Core.ResumeFrame>(true),
      same<Client.PingFrame, Core.PingFrame>(true),
      same<Client.PongFrame, Core.PongFrame>(true),
      same<Client.WelcomeFrame, Core.WelcomeFrame>(true),
      same<Client.AckFrame, Core.AckFrame>(true),
      same<Client.ErrorFrame, Core.ErrorFrame>(true),
      same<Client.MessageFrame, Core.MessageFrame>(true),
      same<Client.ResyncFrame, Core.ResyncFrame>(true),
      same<Client.PresenceFrame, Core.PresenceFrame>(true),
      same<Client.PresenceDiffFrame, Core.PresenceDiffFrame>(true),
      same<Client.WirePresence, Core.WirePresence>(true),
      same<Client.ReconnectFrame, Core.ReconnectFrame>(true),
      same<Client.ClientFrame, Core.ClientFrame>(true),
      same<Client.ServerFrame, Core.ServerFrame>(true),
      same<Client.RequestId, Core.RequestId>(true),
      same<Client.WireErrorCode, Core.WireErrorCode>(true),
      same<Client.ClientFrame['type'], Core.ClientFrameType>(true),
    ];
    expect(checks.every(Boolean)).toBe(true);
    // A sanity check of the checker itself: different shapes are not "the same".
    expect(same<{ a: string }, { a: number }>(false)).toBe(false);
  });

  it('offers the same subprotocol names', () => {
    expect(subprotocols).toEqual({
      json: coreSubprotocols.json,
      msgpack: coreSubprotocols.msgpack,
    });
  });

  it("accepts every frame core's builders produce, unchanged", () => {
    const frames: Core.ServerFrame[] = [
      {
        type: 'welcome',
        connectionId: 'c',
        userId: 'u',
        instanceId: 'i',
        resumeToken: 'k',
        restored: ['t'],
      },
      ackFrame(1),
      ackFrame('x', { offset: '1-2' }),
      ackFrame(3, { recovered: false }),
      ackFrame(undefined),
      errorFrame(4, 'forbidden', 'no'),
      errorFrame(undefined, 'rate_limited', 'slow down'),
      threadMessageFrame('t', 'u', { a: 1 }, '5-6'),
      threadMessageFrame('t', null, null),
      directMessageFrame('u', [1, 2]),
      resyncFrame('t'),
      { type: 'presence_diff', thread: 't', joins: ['a'], leaves: [] },
      { type: 'presence_diff', thread: 't', joins: ['a', 'b'], leaves: [], reset: true },
      { type: 'presence_diff', thread: 't', joins: 3, leaves: 1, count: 1200 },
      {
        type: 'ack',
        id: 7,
        presence: { count: 1, users: [{ userId: 'a', connections: 2 }], next: null },
      },
      reconnectFrame('ws://peer/ws', 250),
      reconnectFrame(undefined, 0),
      pingFrame,
      pongFrame,
    ];
    for (const frame of frames) {
      const wire = JSON.parse(JSON.stringify(frame)) as unknown;
      expect(toServerFrame(wire)).toEqual(frame);
    }
  });

  it('rejects malformed frames', () => {
    for (const bad of [
      null,
      'ack',
      { type: 'nope' },
      { type: 'welcome', connectionId: 'c' },
      { type: 'ack', id: {} },
      { type: 'error', code: 'forbidden' },
      { type: 'message', from: 1, data: 1 },
      { type: 'message', from: 'u' },
      { type: 'resync' },
      { type: 'presence_diff', joins: [], leaves: [] },
      { type: 'presence_diff', thread: 't', joins: 'a', leaves: [] },
      { type: 'reconnect', afterMs: 'soon' },
    ]) {
      expect(toServerFrame(bad)).toBeUndefined();
    }
  });
});
