// Quotes, conflated: a quote is only worth its newest value, so a slow consumer reads the latest
// quote per symbol instead of a backlog (and never slows the socket down).
import type { AdapterContext } from './adapter-context';
import { QuoteMessageSchema } from './endpoints';
import { mapStreamError } from './error-map';
import { LatestMailbox } from './latest-mailbox';
import { streamLifetime } from './stream-lifetime';
import type { Quote } from './types';
import { validateSymbolList } from './validate-arguments';

/** `streamQuotes(symbols)`: the newest quote of each symbol, symbols in the order they ticked. @internal */
export function streamQuotes(
  ctx: AdapterContext,
  symbols: readonly string[],
  signal: AbortSignal | undefined,
): AsyncIterable<Quote> {
  const list = validateSymbolList(symbols, 'streamQuotes');
  const mailbox = new LatestMailbox<string, Quote>();
  const ws = ctx.openStream('quotes', { authenticated: false });
  const lifetime = streamLifetime(ctx, signal, () => {
    mailbox.end();
    void ws.close();
  });
  mailbox.onReturn = lifetime.end;
  for (const symbol of list) {
    ws.subscribe(`quotes:${symbol}`, {
      schema: QuoteMessageSchema,
      onMessage: (message) => mailbox.put(symbol, message.data),
      onError: (error) => {
        mailbox.fail(mapStreamError(error));
        lifetime.end();
      },
    });
  }
  ws.connect();
  return mailbox;
}
