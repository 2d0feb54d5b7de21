import { describe, expect, it } from 'vitest';
import { OutboundQueue } from './outbound-queue';

describe('OutboundQueue', () => {
  it('throws protocol.send_queue_full past its count or byte bound', () => {
    const queue = new OutboundQueue({ maxMessages: 2, maxBytes: 10, maxAgeMs: 1000 }, () => 0);
    void queue.enqueue('a');
    void queue.enqueue('b');
    expect(() => queue.enqueue('c')).toThrow(expect.objectContaining({ code: 'protocol.send_queue_full' }));
    const bytes = new OutboundQueue({ maxMessages: 10, maxBytes: 3, maxAgeMs: 1000 }, () => 0);
    void bytes.enqueue('abc');
    expect(() => bytes.enqueue('d')).toThrow(expect.objectContaining({ code: 'protocol.send_queue_full' }));
  });

  it('flushes fresh messages in order and rejects expired ones', async () => {
    let now = 0;
    const queue = new OutboundQueue({ maxMessages: 10, maxBytes: 100, maxAgeMs: 1000 }, () => now);
    const old = queue.enqueue('old');
    now = 900;
    const fresh = queue.enqueue('fresh');
    now = 1500;
    const written: string[] = [];
    queue.flush(async (text) => {
      written.push(text);
    });
    await expect(old).rejects.toMatchObject({ code: 'protocol.not_connected', outcome: 'not_sent' });
    await expect(fresh).resolves.toBeUndefined();
    expect(written).toEqual(['fresh']);
  });
});
