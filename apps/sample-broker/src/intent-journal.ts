// An append-only file of order intents: a line is written (and flushed) before an order is sent, and
// another when its outcome is known. After a crash, the intents without a settlement line are the
// orders whose fate this process never learnt; `reconcile()` settles them by client order id.
// Settled pairs are dead weight, so the file is compacted (rewritten with only the unsettled intents,
// then renamed over the old one) once enough settlements have piled up.
import { type FileHandle, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { KitError } from '@kit/errors';
import type { Logger } from '@kit/logger';
import type { OrderSide, OrderType } from './types';

/** What is journalled about an order before it is sent. */
export interface OrderIntent {
  /** The client order id: the key the broker is asked by. */
  readonly clientOrderId: string;
  /** The idempotency key every attempt carries. */
  readonly idempotencyKey: string;
  /** The order as sent. */
  readonly order: {
    readonly symbol: string;
    readonly side: OrderSide;
    readonly type: OrderType;
    readonly quantity: string;
    readonly limitPrice?: string;
  };
  /** When the intent was recorded, epoch milliseconds. */
  readonly createdAt: number;
}

/**
 * How an intent ended: `created` (the broker holds the order), `rejected` (the broker refused it),
 * `not_sent` (it never left), `not_found` (reconciliation found no such order: never created).
 */
export type IntentOutcome = 'created' | 'rejected' | 'not_sent' | 'not_found';

/** A settlement line. */
export interface IntentSettlement {
  /** The intent's client order id. */
  readonly clientOrderId: string;
  /** How it ended. */
  readonly outcome: IntentOutcome;
  /** The broker's order id, when created. */
  readonly orderId?: string;
  /** The catalogue code, when rejected or not sent. */
  readonly code?: string;
  /** Whether the outcome was learnt by reconciliation. */
  readonly reconciled?: boolean;
  /** When it was settled, epoch milliseconds. */
  readonly settledAt: number;
}

type JournalLine =
  | ({ readonly v: 1; readonly kind: 'intent' } & OrderIntent)
  | ({ readonly v: 1; readonly kind: 'settled' } & IntentSettlement);

/** Options of {@link openIntentJournal}. */
export interface IntentJournalOptions {
  /** Where warnings go (a torn last line after a crash). */
  readonly logger: Logger;
  /**
   * Flush every line to the disk (`fdatasync`) before the write resolves, so an intent survives a
   * power cut and not only a process crash.
   * @default true
   */
  readonly sync?: boolean;
  /**
   * Compact the file once this many settlement lines have been written since the last compaction
   * (or found on open): it is rewritten with only the unsettled intents, in a temporary file renamed
   * over the journal, so a crash mid-compaction leaves the old file whole. 0 turns it off.
   * @default 1_000
   */
  readonly compactAfterSettled?: number;
}

/** The journal: record intents, settle them, list the unsettled ones. */
export interface IntentJournal {
  /** The file path. */
  readonly path: string;
  /** Appends an intent; resolves once it is written (and flushed). */
  record(intent: OrderIntent): Promise<void>;
  /** Appends a settlement for a recorded intent. */
  settle(settlement: IntentSettlement): Promise<void>;
  /** Intents without a settlement, in the order they were recorded. */
  unsettled(): Promise<OrderIntent[]>;
  /**
   * Rewrites the file with only the unsettled intents (after pending writes); resolves with how
   * many lines were dropped.
   */
  compact(): Promise<{ readonly kept: number; readonly dropped: number }>;
  /** Waits for pending writes and closes the file. */
  close(): Promise<void>;
}

function journalError(path: string, what: string, cause: unknown): KitError {
  return new KitError('config.unreadable', {
    message: `Intent journal ${path}: ${what}`,
    cause,
    hint: 'Check that the journal path is writable by this process and that the file is the adapter’s own JSON-lines journal; move a damaged file aside to start a new one (then reconcile against the broker’s order list).',
    details: { journalPath: path },
  });
}

function parse(path: string, text: string, logger: Logger): JournalLine[] {
  const lines = text.split('\n');
  const out: JournalLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as JournalLine;
      if (value?.v !== 1 || (value.kind !== 'intent' && value.kind !== 'settled')) throw new Error('shape');
      if (typeof value.clientOrderId !== 'string') throw new Error('clientOrderId');
      out.push(value);
    } catch (cause) {
      // A crash mid-write leaves a torn last line: an intent there was never sent (the write
      // resolves before sending) and a settlement there is settled again, so dropping it loses nothing.
      if (i === lines.length - 1) {
        logger.warn('intent journal: ignoring a torn last line', { journalPath: path, line: i + 1 });
        continue;
      }
      throw journalError(path, `line ${i + 1} is not a journal entry`, cause);
    }
  }
  return out;
}

/** The intents of `lines` without a settlement line, in recording order. */
function openIntents(lines: readonly JournalLine[]): OrderIntent[] {
  const open = new Map<string, OrderIntent>();
  for (const line of lines) {
    if (line.kind === 'intent') {
      const { v: _v, kind: _kind, ...intent } = line;
      open.set(intent.clientOrderId, intent);
    } else {
      open.delete(line.clientOrderId);
    }
  }
  return [...open.values()];
}

async function readJournal(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw journalError(path, 'cannot be read', cause);
  }
}

/**
 * Opens (creating if needed) the journal at `path`. Writes are serialised in call order, and each
 * resolves only once its line is on disk.
 */
export function openIntentJournal(path: string, options: IntentJournalOptions): IntentJournal {
  const sync = options.sync ?? true;
  const compactAfter = options.compactAfterSettled ?? 1_000;
  const { logger } = options;
  let handle: Promise<FileHandle> | undefined;
  let tail: Promise<void> = Promise.resolve();
  let closed = false;
  /** Settlement lines in the file that a compaction would drop (counted on open, then per write). */
  let settledLines = 0;

  const file = (): Promise<FileHandle> => {
    handle ??= (async () => {
      let fh: FileHandle | undefined;
      try {
        fh = await open(path, 'a+');
        // After a crash mid-write the file can end in a torn line. It never took effect (an order
        // is sent only once its intent line is written; a lost settlement is settled again by
        // reconcile()), so cut it off rather than glue the next entry onto it.
        const { size } = await fh.stat();
        if (size > 0) {
          const text = await fh.readFile({ encoding: 'utf8' });
          if (!text.endsWith('\n')) {
            const keep = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8');
            logger.warn('intent journal: removing a torn last line', {
              journalPath: path,
              bytes: size - keep,
            });
            await fh.truncate(keep);
          }
          settledLines = text.split('\n').filter((line) => line.includes('"kind":"settled"')).length;
        }
        return fh;
      } catch (cause) {
        await fh?.close().catch(() => undefined);
        handle = undefined;
        throw journalError(path, 'cannot be opened for appending', cause);
      }
    })();
    return handle;
  };

  /** Runs `task` after every earlier write; the chain survives a failure (each reports its own). */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };

  /** Rewrites the file with the unsettled intents only. Runs inside the chain. */
  const rewrite = async (): Promise<{ kept: number; dropped: number }> => {
    const fh = await handle?.catch(() => undefined);
    handle = undefined;
    await fh?.close();
    const lines = parse(path, await readJournal(path), logger);
    const kept = openIntents(lines);
    const temporary = `${path}.compacting`;
    try {
      await writeFile(
        temporary,
        kept.map((intent) => `${JSON.stringify({ v: 1, kind: 'intent', ...intent })}\n`).join(''),
      );
      if (sync) {
        const written = await open(temporary, 'r+');
        await written.datasync().finally(() => written.close());
      }
      await rename(temporary, path);
    } catch (cause) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw journalError(path, 'compaction failed (the journal is unchanged)', cause);
    }
    settledLines = 0;
    const dropped = lines.length - kept.length;
    logger.debug('intent journal: compacted', { journalPath: path, kept: kept.length, dropped });
    return { kept: kept.length, dropped };
  };

  const append = (line: JournalLine): Promise<void> => {
    if (closed) return Promise.reject(journalError(path, 'is closed', undefined));
    const text = `${JSON.stringify(line)}\n`;
    return serial(async () => {
      const fh = await file();
      try {
        await fh.appendFile(text, 'utf8');
        if (sync) await fh.datasync();
      } catch (cause) {
        throw journalError(path, 'write failed', cause);
      }
      if (line.kind === 'settled') settledLines++;
      if (compactAfter > 0 && settledLines >= compactAfter) {
        // The settlement is on disk already; a failed compaction only leaves the file long.
        await rewrite().catch((error: unknown) => {
          logger.warn('intent journal: compaction failed; the journal keeps growing', { error });
        });
      }
    });
  };

  return {
    path,
    record: (intent) => append({ v: 1, kind: 'intent', ...intent }),
    settle: (settlement) => append({ v: 1, kind: 'settled', ...settlement }),
    async unsettled() {
      await tail;
      return openIntents(parse(path, await readJournal(path), logger));
    },
    compact() {
      if (closed) return Promise.reject(journalError(path, 'is closed', undefined));
      return serial(rewrite);
    },
    async close() {
      if (closed) return;
      closed = true;
      await tail;
      const fh = await handle?.catch(() => undefined);
      await fh?.close();
    },
  };
}
