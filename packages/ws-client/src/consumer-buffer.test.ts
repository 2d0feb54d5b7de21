import { KitError } from '@kit/errors';
import { describe, expect, it } from 'vitest';
import { ConsumerBuffer } from './consumer-buffer';

const drain = async (buffer: ConsumerBuffer<number>, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await buffer.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
};

describe('ConsumerBuffer', () => {
  it('block: signals pressure at size and releases once drained to half', async () => {
    const pressure: boolean[] = [];
    const buffer = new ConsumerBuffer<number>(
      4,
      'block',
      (b) => pressure.push(b),
      () => {},
    );
    for (let i = 1; i <= 6; i++) buffer.push(i);
    expect(pressure).toEqual([true]);
    expect(buffer.length).toBe(6); // nothing dropped: frames already read still land
    expect(await drain(buffer, 4)).toEqual([1, 2, 3, 4]);
    expect(pressure).toEqual([true, false]);
    expect(await drain(buffer, 2)).toEqual([5, 6]);
    expect(buffer.stats.dropped).toBe(0);
  });

  it('latest: conflates into the newest slot and counts it', async () => {
    const buffer = new ConsumerBuffer<number>(
      2,
      'latest',
      () => {},
      () => {},
    );
    for (let i = 1; i <= 5; i++) buffer.push(i);
    expect(await drain(buffer, 2)).toEqual([1, 5]);
    expect(buffer.stats.conflated).toBe(3);
  });

  it('drop-oldest: keeps the newest size messages and counts the drops', async () => {
    const buffer = new ConsumerBuffer<number>(
      3,
      'drop-oldest',
      () => {},
      () => {},
    );
    for (let i = 1; i <= 7; i++) buffer.push(i);
    expect(await drain(buffer, 3)).toEqual([5, 6, 7]);
    expect(buffer.stats.dropped).toBe(4);
  });

  it('hands a message straight to a waiting reader and grows past its initial ring', async () => {
    const buffer = new ConsumerBuffer<number>(
      1000,
      'block',
      () => {},
      () => {},
    );
    const waiting = buffer.next();
    buffer.push(42);
    expect(await waiting).toEqual({ value: 42, done: false });
    for (let i = 0; i < 200; i++) buffer.push(i);
    expect(await drain(buffer, 200)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('ends after buffered messages, or at once with an error', async () => {
    const buffer = new ConsumerBuffer<number>(
      8,
      'block',
      () => {},
      () => {},
    );
    buffer.push(1);
    buffer.end();
    expect(await buffer.next()).toEqual({ value: 1, done: false });
    expect((await buffer.next()).done).toBe(true);
    const failing = new ConsumerBuffer<number>(
      8,
      'block',
      () => {},
      () => {},
    );
    const pending = failing.next();
    failing.end(new KitError('protocol.ws_auth_rejected'));
    await expect(pending).rejects.toMatchObject({ code: 'protocol.ws_auth_rejected' });
  });

  it('answers several concurrent next() calls in call order (none is left hanging)', async () => {
    const buffer = new ConsumerBuffer<number>(
      4,
      'block',
      () => {},
      () => {},
    );
    const first = buffer.next();
    const second = buffer.next();
    const third = buffer.next();
    buffer.push(1);
    buffer.push(2);
    buffer.end();
    expect(await first).toEqual({ value: 1, done: false });
    expect(await second).toEqual({ value: 2, done: false });
    expect(await third).toEqual({ value: undefined, done: true });
  });

  it('cancel() discards what is buffered and releases the pressure it caused', async () => {
    const pressure: boolean[] = [];
    const buffer = new ConsumerBuffer<number>(
      2,
      'block',
      (b) => pressure.push(b),
      () => {},
    );
    buffer.push(1);
    buffer.push(2);
    buffer.cancel();
    expect(pressure).toEqual([true, false]);
    expect(await buffer.next()).toEqual({ value: undefined, done: true });
  });
});
