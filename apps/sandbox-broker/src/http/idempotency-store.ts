/** A stored first answer. */
export interface StoredReply {
  readonly status: number;
  readonly json: unknown;
}

interface Entry {
  readonly fingerprint: string;
  reply: StoredReply | undefined;
}

/** What the store says about a request carrying an `Idempotency-Key`. */
export type IdempotencyCheck =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly reply: StoredReply }
  | { readonly kind: 'in_flight' }
  | { readonly kind: 'mismatch' };

const MAX_ENTRIES = 100_000;

/**
 * `Idempotency-Key` bookkeeping for `POST /orders`, per account: the first request with a key runs;
 * a repeat with the same body gets the stored answer, with another body a mismatch, and while the
 * first is still running an in-flight answer.
 */
export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();

  /** Looks the key up and, when new, marks it in flight. */
  begin(scope: string, key: string, fingerprint: string): IdempotencyCheck {
    const id = `${scope}\u0000${key}`;
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      if (this.#entries.size >= MAX_ENTRIES) this.#evict();
      this.#entries.set(id, { fingerprint, reply: undefined });
      return { kind: 'new' };
    }
    if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
    return entry.reply === undefined ? { kind: 'in_flight' } : { kind: 'replay', reply: entry.reply };
  }

  /** Stores the first answer. */
  complete(scope: string, key: string, reply: StoredReply): void {
    const entry = this.#entries.get(`${scope}\u0000${key}`);
    if (entry) entry.reply = reply;
  }

  /** Forgets a key whose request never reached the handler (so a retry runs it). */
  abandon(scope: string, key: string): void {
    const id = `${scope}\u0000${key}`;
    if (this.#entries.get(id)?.reply === undefined) this.#entries.delete(id);
  }

  #evict(): void {
    let drop = MAX_ENTRIES / 10;
    for (const [id, entry] of this.#entries) {
      if (drop <= 0) break;
      if (entry.reply !== undefined) {
        this.#entries.delete(id);
        drop--;
      }
    }
  }
}

/** A body's identity for idempotency: its JSON with keys sorted (or the raw text when not JSON). */
export function bodyFingerprint(body: string, parsed: unknown): string {
  if (parsed === undefined) return `raw:${body}`;
  return `json:${JSON.stringify(parsed, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : value,
  )}`;
}
