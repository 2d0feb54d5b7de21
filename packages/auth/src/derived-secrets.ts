import { registerSecretValue, registerTransientSecret } from '@kit/logger';

// Characters every encoding below leaves alone: a value made only of them has one form on the wire.
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

function formEncode(value: string): string {
  return new URLSearchParams([['v', value]]).toString().slice(2);
}

/**
 * The other forms `value` takes once kit sends it: percent-encoded (query strings, `formatQuery`),
 * form-encoded (token request bodies, Basic credentials), and JSON-escaped (a server quoting it back).
 */
function encodedForms(value: string): string[] {
  if (UNRESERVED.test(value)) return [];
  const forms = new Set<string>();
  try {
    forms.add(encodeURIComponent(value));
    forms.add(formEncode(value));
  } catch {
    // A lone surrogate cannot be percent-encoded; nothing sends it that way either.
  }
  forms.add(JSON.stringify(value).slice(1, -1));
  forms.delete(value);
  return [...forms];
}

/**
 * Registers a long-lived credential (a key, a token, a Basic value) and each encoded form of it, so
 * a server echoing a URL or a form body cannot print it either. The raw value is registered by the
 * `Secret` that wraps it; registering it again is a no-op.
 */
export function registerCredential(value: string): void {
  registerSecretValue(value);
  for (const form of encodedForms(value)) registerSecretValue(form);
}

/**
 * Registers a per-request credential (a signature) and its encoded forms as transient secrets:
 * masked everywhere, forgotten after a few minutes (see @kit/logger's `registerTransientSecret`).
 * Signatures are hex or base64, so usually one or two registrations.
 */
export function registerSignature(value: string): void {
  registerTransientSecret(value);
  if (UNRESERVED.test(value)) return;
  for (const form of encodedForms(value)) registerTransientSecret(form);
}
