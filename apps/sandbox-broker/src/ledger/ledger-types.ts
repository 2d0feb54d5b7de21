// What the stream half reports into the ground-truth ledger (implemented by the REST half in `ledger/`).

/** The ledger's write side, as the WebSocket stream uses it. */
export interface LedgerRecorder {
  /** An injected fault: `kind` like `ws.drop`, `ws.skip_seq`, `http.response_lost`. */
  recordFault(kind: string, detail?: string, route?: string): void;
  countWsConnection(): void;
  countWsMessage(count?: number): void;
}
