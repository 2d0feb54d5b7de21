import { isKitError, type KitError } from '@kit/errors';
import { Secret } from '@kit/logger';
import { createCapturingLogger } from '@kit/logger/testing';
import type { RetryPolicyOptions } from '@kit/retry';

/**
 * Every credential the tests use. Each file logs through one capturing logger at debug level and
 * checks at the end that none of these appears in any line (see `expectNoSecretsLogged`).
 */
export const TEST_SECRETS = {
  apiKey: 'test-api-key-5f1c9a7e',
  apiSecret: 'test-api-secret-8d2b4c6a',
  clientSecret: 'test-client-secret-3e7f1d9b',
  accessToken: 'test-access-token-a1b2c3d4',
  refreshedToken: 'test-access-token-e5f6a7b8',
} as const;

for (const value of Object.values(TEST_SECRETS)) new Secret(value);

/** A capturing logger for one test file, plus the leak check to run in `afterAll`. */
export function createLogCapture() {
  const capture = createCapturingLogger({ level: 'debug', name: 'rest-test' });
  return {
    ...capture,
    /** Fails when any test secret appears in any captured line. */
    leaks(): string[] {
      const text = capture.text();
      return Object.values(TEST_SECRETS).filter((secret) => text.includes(secret));
    },
  };
}

/** Retry options that keep real waits to a few milliseconds and make jitter deterministic. */
export const FAST_RETRY: RetryPolicyOptions = {
  initialDelayMs: 1,
  maxDelayMs: 2,
  random: () => 0.5,
  budget: false,
};

/** Awaits a call that must fail and returns its KitError (anything else is rethrown). */
export async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (error) {
    if (isKitError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
