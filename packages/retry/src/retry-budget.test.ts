import { describe, expect, it } from 'vitest';
import { createRetryBudget } from './retry-budget';

describe('createRetryBudget', () => {
  it("uses AWS's numbers: 500 tokens, 5 a retry, 10 a timeout retry, +1 a success", () => {
    const budget = createRetryBudget();
    expect(budget.available('a')).toBe(500);
    expect(budget.tryAcquire('a', 'retry')).toBe(true);
    expect(budget.available('a')).toBe(495);
    expect(budget.tryAcquire('a', 'timeout')).toBe(true);
    expect(budget.available('a')).toBe(485);
    budget.recordSuccess('a');
    expect(budget.available('a')).toBe(486);
  });

  it('refuses a retry when the key is drained, per key, and successes refill it', () => {
    const budget = createRetryBudget({ capacity: 10, retryCost: 5 });
    expect(budget.tryAcquire('down.example', 'retry')).toBe(true);
    expect(budget.tryAcquire('down.example', 'retry')).toBe(true);
    expect(budget.tryAcquire('down.example', 'retry')).toBe(false);
    expect(budget.tryAcquire('up.example', 'retry')).toBe(true);
    for (let i = 0; i < 5; i++) budget.recordSuccess('down.example');
    expect(budget.tryAcquire('down.example', 'retry')).toBe(true);
    for (let i = 0; i < 100; i++) budget.recordSuccess('down.example');
    expect(budget.available('down.example')).toBe(10);
  });

  it('forgets the least recently used key beyond maxKeys', () => {
    const budget = createRetryBudget({ capacity: 10, maxKeys: 2 });
    budget.tryAcquire('a', 'retry');
    budget.tryAcquire('b', 'retry');
    budget.tryAcquire('c', 'retry');
    expect(budget.available('a')).toBe(10);
    expect(budget.available('c')).toBe(5);
  });

  it('keeps a drained host remembered while many healthy hosts succeed (full buckets take no slot)', () => {
    const budget = createRetryBudget({ capacity: 10, retryCost: 5, maxKeys: 2 });
    budget.tryAcquire('down.example', 'retry');
    budget.tryAcquire('down.example', 'retry');
    for (let i = 0; i < 100; i++) budget.recordSuccess(`healthy-${i}.example`);
    expect(budget.available('down.example')).toBe(0);
    expect(budget.tryAcquire('down.example', 'retry')).toBe(false);
  });
});
