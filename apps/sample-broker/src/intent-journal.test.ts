import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKitError } from '@kit/errors';
import { createCapturingLogger } from '@kit/logger/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OrderIntent, openIntentJournal } from './intent-journal';

const intent = (clientOrderId: string): OrderIntent => ({
  clientOrderId,
  idempotencyKey: `sb-order-${clientOrderId}`,
  order: { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' },
  createdAt: 1,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the intent journal', () => {
  it('lists intents without a settlement, in the order they were recorded', async () => {
    const path = join(dir, 'j.jsonl');
    const journal = openIntentJournal(path, { logger: createCapturingLogger().logger });
    await journal.record(intent('a'));
    await journal.record(intent('b'));
    await journal.record(intent('c'));
    await journal.settle({ clientOrderId: 'b', outcome: 'created', orderId: 'ord_1', settledAt: 2 });
    expect((await journal.unsettled()).map((i) => i.clientOrderId)).toEqual(['a', 'c']);
    await journal.close();
    // A new process sees the same.
    const reopened = openIntentJournal(path, { logger: createCapturingLogger().logger });
    expect((await reopened.unsettled()).map((i) => i.clientOrderId)).toEqual(['a', 'c']);
    await reopened.close();
  });

  it('ignores a torn last line (a crash mid-write) and starts the next entry on a fresh line', async () => {
    const path = join(dir, 'j.jsonl');
    writeFileSync(path, `${JSON.stringify({ v: 1, kind: 'intent', ...intent('a') })}\n`);
    appendFileSync(path, '{"v":1,"kind":"intent","clientOrd');
    const capture = createCapturingLogger();
    const journal = openIntentJournal(path, { logger: capture.logger });
    expect((await journal.unsettled()).map((i) => i.clientOrderId)).toEqual(['a']);
    expect(capture.records.some((r) => r.level === 'warn' && r.msg.includes('torn'))).toBe(true);
    await journal.record(intent('b'));
    expect((await journal.unsettled()).map((i) => i.clientOrderId)).toEqual(['a', 'b']);
    await journal.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-2)).toContain('"clientOrderId":"b"');
  });

  it('refuses a damaged file with a catalogue error and a hint, and a missing file is empty', async () => {
    const path = join(dir, 'j.jsonl');
    expect(await openIntentJournal(path, { logger: createCapturingLogger().logger }).unsettled()).toEqual([]);
    writeFileSync(path, 'not json\n{"v":1,"kind":"intent","clientOrderId":"a"}\n');
    const error = await openIntentJournal(path, { logger: createCapturingLogger().logger })
      .unsettled()
      .catch((e: unknown) => e);
    expect(isKitError(error) && error.code).toBe('config.unreadable');
    expect(isKitError(error) && error.hint).toContain('journal');
  });

  it('reports a journal it cannot write as a catalogue error', async () => {
    const journal = openIntentJournal(join(dir, 'missing-dir', 'j.jsonl'), {
      logger: createCapturingLogger().logger,
    });
    const error = await journal.record(intent('a')).catch((e: unknown) => e);
    expect(isKitError(error) && error.code).toBe('config.unreadable');
    await journal.close();
  });

  it('compacts itself once enough settlements pile up: only unsettled intents stay, and it goes on', async () => {
    const path = join(dir, 'j.jsonl');
    const journal = openIntentJournal(path, {
      logger: createCapturingLogger().logger,
      compactAfterSettled: 3,
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await journal.record(intent(id));
    await journal.settle({ clientOrderId: 'a', outcome: 'created', orderId: 'ord_1', settledAt: 2 });
    await journal.settle({
      clientOrderId: 'c',
      outcome: 'rejected',
      code: 'client.insufficient_funds',
      settledAt: 2,
    });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(7);
    await journal.settle({ clientOrderId: 'e', outcome: 'not_found', reconciled: true, settledAt: 3 });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).clientOrderId)).toEqual(['b', 'd']);
    // The journal reopens its file after the rename: later writes land in the compacted file.
    await journal.record(intent('f'));
    expect((await journal.unsettled()).map((i) => i.clientOrderId)).toEqual(['b', 'd', 'f']);
    await journal.close();
    const reopened = openIntentJournal(path, { logger: createCapturingLogger().logger });
    expect((await reopened.unsettled()).map((i) => i.clientOrderId)).toEqual(['b', 'd', 'f']);
    await reopened.close();
  });

  it('counts the settlements already in a reopened file, and compact() on demand keeps the same intents', async () => {
    const path = join(dir, 'j.jsonl');
    const first = openIntentJournal(path, { logger: createCapturingLogger().logger, compactAfterSettled: 0 });
    for (const id of ['a', 'b', 'c']) await first.record(intent(id));
    await first.settle({ clientOrderId: 'a', outcome: 'created', orderId: 'ord_1', settledAt: 2 });
    await first.settle({ clientOrderId: 'b', outcome: 'created', orderId: 'ord_2', settledAt: 2 });
    await first.close();
    // A leftover from a crash mid-compaction is overwritten, never read.
    writeFileSync(`${path}.compacting`, 'half a file');
    const second = openIntentJournal(path, {
      logger: createCapturingLogger().logger,
      compactAfterSettled: 3,
    });
    await second.record(intent('d'));
    await second.settle({
      clientOrderId: 'd',
      outcome: 'not_sent',
      code: 'network.connection_refused',
      settledAt: 3,
    });
    expect(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).clientOrderId),
    ).toEqual(['c']);
    await second.record(intent('e'));
    expect(await second.compact()).toEqual({ kept: 2, dropped: 0 });
    expect((await second.unsettled()).map((i) => i.clientOrderId)).toEqual(['c', 'e']);
    await second.close();
    await expect(second.compact()).rejects.toMatchObject({ code: 'config.unreadable' });
  });
});
