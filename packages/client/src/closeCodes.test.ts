import { CloseCode, closeCodeTable, shouldReconnect } from '@ws/core';
import { describe, expect, it } from 'vitest';
import { closeAction, closeCodes } from './closeCodes.js';

describe("the client's close codes match @ws/core's table", () => {
  it('copies every 4100-4199 code of core, the values it uses', () => {
    for (const [name, code] of Object.entries(CloseCode))
      if (code >= 4100 && code <= 4199) expect(closeCodes, name).toHaveProperty(name, code);
    for (const [name, code] of Object.entries(closeCodes)) {
      expect(CloseCode[name as keyof typeof CloseCode], name).toBe(code);
    }
  });

  it('retries exactly where core says to reconnect, except the codes with their own handling', () => {
    const codes = new Set<number>([
      ...closeCodeTable.map((r) => r.code),
      1002,
      1005,
      1014,
      1015,
      3000,
      3999,
    ]);
    for (let c = 4000; c <= 4199; c++) codes.add(c);
    for (const code of codes) {
      const action = closeAction(code);
      if (code === CloseCode.serviceRestart) expect(action).toBe('follow-hint');
      else if (code === CloseCode.policyViolation) expect(action).toBe('wait');
      else if (code === CloseCode.sessionExpired) expect(action).toBe('refresh-token');
      else expect(action === 'retry', `code ${code}`).toBe(shouldReconnect(code));
    }
  });

  it('never retries 4100, 4101 and 4103; asks for a token on 4102; waits on 1008', () => {
    expect(closeAction(CloseCode.evicted)).toBe('stop');
    expect(closeAction(CloseCode.revoked)).toBe('stop');
    expect(closeAction(4103)).toBe('stop');
    expect(closeCodes.revoked).toBe(4103);
    expect(closeAction(CloseCode.userLimit)).toBe('stop');
    expect(closeAction(CloseCode.sessionExpired)).toBe('refresh-token');
    expect(closeAction(CloseCode.policyViolation)).toBe('wait');
    const advice = new Map(closeCodeTable.map((r) => [r.code, r.advice]));
    expect(advice.get(4100)).toBe('ask-user');
    expect(advice.get(4101)).toBe('ask-user');
    expect(advice.get(4102)).toBe('reauthenticate');
    expect(advice.get(4103)).toBe('do-not-reconnect');
    expect(shouldReconnect(4103)).toBe(false);
    expect(advice.get(1008)).toBe('wait');
  });
});
