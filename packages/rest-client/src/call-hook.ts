import { classifyError } from '@kit/errors';
import type { Logger } from '@kit/logger';

/**
 * Calls a user hook; a hook that throws is logged (warn) and ignored, so metrics code can never
 * break a request.
 */
export function callHook<E>(
  logger: Logger,
  name: string,
  hook: ((event: E) => void) | undefined,
  event: E,
): void {
  if (hook === undefined) return;
  try {
    hook(event);
  } catch (error) {
    logger.warn(`rest: the ${name} hook threw; ignored`, { error: classifyError(error).toJSON() });
  }
}
