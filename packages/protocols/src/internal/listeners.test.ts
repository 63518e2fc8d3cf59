import { describe, expect, it, vi } from 'vitest';
import type { FirstListenerSlot, Listener, Listeners } from './listeners.js';
import {
  addListener,
  addListenerFirst,
  emitListeners,
  lateCloseListener,
  removeFirstListener,
} from './listeners.js';

interface Owner {
  events: Listeners<[number]>;
}

interface FirstOwner extends Owner {
  first: Listener<[number]> | null | undefined;
}

function removeFirst(this: FirstOwner): void {
  removeFirstListener(this, slot);
}

const slot: FirstListenerSlot<FirstOwner, 'events', 'first'> = {
  key: 'events',
  firstKey: 'first',
  removeFirst,
};

describe('listener fields', () => {
  it('one listener is kept as the function itself; more as an array; none as undefined', () => {
    const owner: Owner = { events: undefined };
    const a = (): void => {};
    const b = (): void => {};
    const offA = addListener(owner, 'events', a);
    expect(owner.events).toBe(a);
    const offB = addListener(owner, 'events', b);
    expect(owner.events).toEqual([a, b]);
    offA();
    expect(owner.events).toBe(b);
    offB();
    expect(owner.events).toBeUndefined();
  });

  it('calls every listener in order with the arguments; a throw is reported and the others still run', () => {
    const owner: Owner = { events: undefined };
    const seen: string[] = [];
    const onError = vi.fn();
    addListener(owner, 'events', (n) => seen.push(`a${n}`));
    addListener(owner, 'events', () => {
      throw new Error('boom');
    });
    addListener(owner, 'events', (n) => seen.push(`c${n}`));
    emitListeners(owner.events, onError, 7);
    expect(seen).toEqual(['a7', 'c7']);
    expect(onError).toHaveBeenCalledTimes(1);
    expect((onError.mock.calls[0]?.[0] as Error).message).toBe('boom');
  });

  it('a single listener that throws is reported too; emitting no listeners does nothing', () => {
    const owner: Owner = { events: undefined };
    const onError = vi.fn();
    emitListeners(owner.events, onError, 1);
    expect(onError).not.toHaveBeenCalled();
    addListener(owner, 'events', () => {
      throw new Error('alone');
    });
    emitListeners(owner.events, onError, 1);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('the same function added twice runs twice and each add is removed on its own', () => {
    const owner: Owner = { events: undefined };
    const calls: number[] = [];
    const fn = (n: number): void => {
      calls.push(n);
    };
    const first = addListener(owner, 'events', fn);
    const second = addListener(owner, 'events', fn);
    emitListeners(owner.events, () => {}, 1);
    expect(calls).toEqual([1, 1]);
    second();
    second(); // a second call of the same unsubscribe removes nothing more
    emitListeners(owner.events, () => {}, 2);
    expect(calls).toEqual([1, 1, 2]);
    first();
    emitListeners(owner.events, () => {}, 3);
    expect(calls).toEqual([1, 1, 2]);
    expect(owner.events).toBeUndefined();
  });

  it('an unsubscribe called after its listener was re-added does not remove the new add', () => {
    const owner: Owner = { events: undefined };
    const fn = vi.fn();
    const off = addListener(owner, 'events', fn);
    off();
    addListener(owner, 'events', fn);
    off();
    emitListeners(owner.events, () => {}, 1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('adds and removals during an emit take effect from the next emit', () => {
    const owner: Owner = { events: undefined };
    const seen: string[] = [];
    let offB: () => void = () => {};
    addListener(owner, 'events', (n) => {
      seen.push(`a${n}`);
      offB();
      addListener(owner, 'events', (m) => seen.push(`late${m}`));
    });
    offB = addListener(owner, 'events', (n) => seen.push(`b${n}`));
    emitListeners(owner.events, () => {}, 1);
    expect(seen).toEqual(['a1', 'b1']);
    seen.length = 0;
    offB = () => {};
    emitListeners(owner.events, () => {}, 2);
    expect(seen).toEqual(['a2', 'late2']);
  });

  it('a late close listener runs on a microtask unless unsubscribed first', async () => {
    const ran = vi.fn();
    const cancelled = vi.fn();
    lateCloseListener([4000, 'bye'], ran);
    lateCloseListener([4000, 'bye'], cancelled)();
    expect(ran).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(ran).toHaveBeenCalledWith(4000, 'bye');
    expect(cancelled).not.toHaveBeenCalled();
  });
});

describe('first-add listeners', () => {
  it('the first add is kept as the function and unsubscribed once by a bound function', () => {
    const owner: FirstOwner = { events: undefined, first: undefined };
    const a = vi.fn();
    const off = addListenerFirst(owner, slot, a);
    expect(owner.events).toBe(a);
    expect(owner.first).toBe(a);
    emitListeners(owner.events, () => {}, 1);
    expect(a).toHaveBeenCalledWith(1);
    off();
    expect(owner.events).toBeUndefined();
    expect(owner.first).toBeNull();
    // The same function added again is a new add: the spent unsubscribe does not remove it.
    const again = addListenerFirst(owner, slot, a);
    off();
    emitListeners(owner.events, () => {}, 2);
    expect(a).toHaveBeenCalledTimes(2);
    again();
    expect(owner.events).toBeUndefined();
  });

  it('later adds (and a duplicate of the first) are independent of the first', () => {
    const owner: FirstOwner = { events: undefined, first: undefined };
    const calls: string[] = [];
    const a = (n: number): void => {
      calls.push(`a${n}`);
    };
    const b = (n: number): void => {
      calls.push(`b${n}`);
    };
    const offA = addListenerFirst(owner, slot, a);
    const offB = addListenerFirst(owner, slot, b);
    const offA2 = addListenerFirst(owner, slot, a);
    emitListeners(owner.events, () => {}, 1);
    expect(calls).toEqual(['a1', 'b1', 'a1']);
    offA();
    emitListeners(owner.events, () => {}, 2);
    expect(calls.slice(3)).toEqual(['b2', 'a2']);
    offA2();
    offB();
    expect(owner.events).toBeUndefined();
  });

  it('an add while other listeners are present does not take the first slot', () => {
    const owner: FirstOwner = { events: undefined, first: undefined };
    const a = vi.fn();
    const b = vi.fn();
    addListener(owner, 'events', a);
    const offB = addListenerFirst(owner, slot, b);
    expect(owner.first).toBeUndefined();
    offB();
    emitListeners(owner.events, () => {}, 1);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
  });
});
