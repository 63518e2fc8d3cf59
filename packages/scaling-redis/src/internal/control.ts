import type { ControlEnvelope } from './messageHandler.js';
import type { Shared } from './shared.js';

/** This instance's control channel: evictions from peers. */
export interface Control {
  /** Handles one message of this instance's control channel. Never throws. */
  handle(env: ControlEnvelope): void;
}

/** Creates the control part of one adapter. */
export function createControl(s: Shared): Control {
  return {
    handle(env) {
      switch (env.kind) {
        case 'evict':
          s.ctx.evictLocal(env.connectionId, env.code);
          return;
        case 'request':
        case 'reply':
          s.m.envelopesIgnored.inc(1, { kind: env.kind });
          return;
      }
    },
  };
}
