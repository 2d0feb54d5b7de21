import { describe, expect, it } from 'vitest';
import { StateMachine, type WsStateChange } from './state-machine';

describe('StateMachine', () => {
  it('emits each allowed transition with its details and refuses the rest', () => {
    const changes: WsStateChange[] = [];
    const machine = new StateMachine((c) => changes.push(c));
    expect(machine.transition('live', { reason: 'skip', attempt: 0 })).toBe(false);
    expect(machine.transition('connecting', { reason: 'connect', attempt: 1 })).toBe(true);
    expect(
      machine.transition('backoff', { reason: 'close 1006', attempt: 1, closeCode: 1006, nextDelayMs: 120 }),
    ).toBe(true);
    expect(machine.transition('failed', { reason: 'auth', attempt: 1 })).toBe(true);
    expect(machine.terminal).toBe(true);
    expect(machine.transition('connecting', { reason: 'again', attempt: 2 })).toBe(false);
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual([
      'idle->connecting',
      'connecting->backoff',
      'backoff->failed',
    ]);
    expect(changes[1]).toMatchObject({ closeCode: 1006, nextDelayMs: 120, attempt: 1 });
  });
});
