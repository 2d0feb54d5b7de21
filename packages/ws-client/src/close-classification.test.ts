import { describe, expect, it } from 'vitest';
import { classifySocketClose } from './close-classification';
import { defaultClassifyClose } from './resolve-options';

const settings = {
  classifyClose: defaultClassifyClose,
  url: 'wss://stream.example.com/v1/stream',
  maxPayloadBytes: 1024,
};

describe('classifySocketClose', () => {
  it('recovers the 1009 Node ws closed with from its error, and names maxPayloadBytes', () => {
    const closed = classifySocketClose(
      { code: 1006, reason: '', opened: true, lastError: { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' } },
      settings,
    );
    expect(closed.code).toBe(1009);
    expect(closed.action).toBe('fail');
    expect(closed.error.code).toBe('protocol.ws_message_too_big');
    expect(closed.error.message).toContain('maxPayloadBytes (1024 bytes');
    expect(closed.error.details).toMatchObject({ closedBy: 'client', maxPayloadBytes: 1024 });
  });

  it('says the server refused a message this client sent when the server closed with 1009', () => {
    const closed = classifySocketClose(
      { code: 1009, reason: 'too big', opened: true, lastError: undefined },
      settings,
    );
    expect(closed.error.details).toMatchObject({ closedBy: 'server' });
    expect(closed.error.closeReason).toBe('too big');
  });

  it('classifies a refused upgrade by its HTTP answer', () => {
    const refused = (status: number) =>
      classifySocketClose(
        { code: 1006, reason: '', opened: false, lastError: { status, headers: {} } },
        settings,
      );
    expect(refused(401).action).toBe('reauthenticate_once');
    expect(refused(404).action).toBe('fail');
    expect(refused(503).action).toBe('reconnect');
  });

  it('uses classifyClose after the handshake, and for an upgrade that failed without an error', () => {
    const seen: Array<[number, string]> = [];
    const classifyClose = (code: number, reason: string) => {
      seen.push([code, reason]);
      return defaultClassifyClose(code, reason);
    };
    classifySocketClose(
      { code: 1012, reason: 'restart', opened: true, lastError: undefined },
      { ...settings, classifyClose },
    );
    classifySocketClose(
      { code: 1006, reason: '', opened: false, lastError: undefined },
      { ...settings, classifyClose },
    );
    expect(seen).toEqual([
      [1012, 'restart'],
      [1006, ''],
    ]);
  });
});
