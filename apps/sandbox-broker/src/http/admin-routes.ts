import type { IncomingMessage, ServerResponse } from 'node:http';
import { isKitError } from '@kit/errors';
import { constantTimeEqual } from '../auth/constant-time';
import type { SandboxLedger } from '../ledger/sandbox-ledger';
import { validateClockOffset, validateFaults, validateProfile } from '../options';
import type { SandboxAdmin } from '../sandbox-admin';
import { sendText } from './send-reply';

/** What the admin endpoint works on. */
export interface AdminRouteOptions {
  readonly admin: SandboxAdmin;
  readonly ledger: () => SandboxLedger;
  readonly token: string;
}

/** Whether a peer address is on this machine's loopback (IPv4, IPv6 or IPv4-mapped). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * `/admin/*`: loopback peers only, `Authorization: Bearer <adminToken>`; JSON in and out. Never
 * counted in the ledger's requests and never faulted.
 */
export function createAdminHandler(options: AdminRouteOptions) {
  const { admin } = options;
  const expected = `Bearer ${options.token}`;
  let counter = 0;

  return (req: IncomingMessage, res: ServerResponse, path: string, body: string): void => {
    const requestId = `adm_${(++counter).toString(36)}`;
    const answer = (status: number, json: unknown) =>
      sendText(res, status, JSON.stringify(json), requestId, []);
    const fail = (status: number, code: string, message: string) =>
      answer(status, { error: { code, message, requestId } });
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      fail(403, 'ADMIN_LOOPBACK_ONLY', 'The admin endpoint answers loopback clients only');
      return;
    }
    const authorization = req.headers.authorization;
    if (authorization === undefined || !constantTimeEqual(authorization, expected)) {
      fail(
        401,
        'ADMIN_TOKEN_REQUIRED',
        'Send Authorization: Bearer <adminToken> (printed by the CLI, broker.adminToken in process)',
      );
      return;
    }
    const method = req.method ?? 'GET';
    let json: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        json = JSON.parse(body);
      } catch {
        fail(400, 'INVALID_REQUEST', 'The body is not valid JSON');
        return;
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        fail(400, 'INVALID_REQUEST', 'The body must be a JSON object');
        return;
      }
    }
    const routes: Record<string, () => unknown> = {
      'GET /admin/ledger': () => options.ledger(),
      'POST /admin/faults': () => {
        if ('profile' in json) {
          admin.setProfile(validateProfile(json.profile, 'profile'));
          const { profile: _profile, ...rest } = json;
          if (Object.keys(rest).length > 0) admin.setFaults(validateFaults(rest) ?? {});
        } else admin.setFaults(validateFaults(json) ?? {});
        return { faults: admin.faults };
      },
      'DELETE /admin/faults': () => {
        admin.clearFaults();
        return { faults: admin.faults };
      },
      'POST /admin/clock': () => {
        admin.setClockOffsetMs(validateClockOffset(json.offsetMs, 'offsetMs'));
        return { offsetMs: admin.clockOffsetMs };
      },
      'POST /admin/revoke-tokens': () => ({ revoked: admin.revokeTokens() }),
      'POST /admin/expire-tokens': () => ({ expired: admin.expireTokens() }),
      'POST /admin/drop-connections': () => {
        const code = json.code;
        if (
          code !== undefined &&
          !(
            Number.isInteger(code) &&
            ((code as number) === 1000 ||
              ((code as number) >= 3000 && (code as number) <= 4999) ||
              (code as number) === 1001 ||
              (code as number) === 1012 ||
              (code as number) === 1013)
          )
        ) {
          throw new RangeError('code must be 1000, 1001, 1012, 1013 or 3000-4999');
        }
        admin.dropConnections(code as number | undefined);
        return { dropped: true };
      },
      'POST /admin/stall-connections': () => {
        admin.stallConnections();
        return { stalled: true };
      },
    };
    const route = routes[`${method} ${path}`];
    if (route === undefined) {
      fail(404, 'NOT_FOUND', `No admin route ${method} ${path.slice(0, 80)}; see README, "Admin"`);
      return;
    }
    try {
      answer(200, route());
    } catch (error) {
      fail(
        400,
        'INVALID_REQUEST',
        isKitError(error) || error instanceof Error ? error.message : String(error),
      );
    }
  };
}
