import { createRetryPolicy } from '@kit/retry';
import axios from 'axios';
import { createAuthStep } from './auth-step';
import { createAxiosTransport, createDirectTransport } from './axios-transport';
import { directExchangeOf, hasAxiosDefaults } from './direct-exchange';
import { createIdempotencyStep } from './idempotency-step';
import { createKeepAliveAgents } from './keep-alive-agents';
import { createLoggingStep } from './logging-step';
import { composePipeline, type PipelineStep, type SendRequest } from './pipeline';
import { createRateLimitStep } from './rate-limit-step';
import { createRequestIdStep } from './request-id-step';
import type { ResolvedRestClientOptions } from './resolve-options';
import { createResponseParsingStep } from './response-parsing-step';
import { createRetryStep } from './retry-step';
import { createSchemaStep } from './schema-step';
import type { RestTelemetry } from './telemetry';
import { createTelemetrySteps } from './telemetry-step';
import { createUnauthorizedStep } from './unauthorized-step';

/**
 * The axios transport: the client's instance (or a new one) and, on Node's own adapter, keep-alive
 * agents with a connect timeout. On kit's undici adapter with an instance of its own (nothing else
 * can have put interceptors on it) that has axios's own defaults (nobody changed `axios.defaults`),
 * attempts go to the adapter's direct entry: the same wire request and the same errors, without
 * axios's per-request config merge (see `DIRECT_EXCHANGE`).
 */
function createTransport(options: ResolvedRestClientOptions): SendRequest {
  const instance =
    options.axios ??
    axios.create({
      maxRedirects: options.maxRedirects,
      ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
    });
  const direct = options.axios === undefined ? directExchangeOf(options.adapter) : undefined;
  if (direct !== undefined && hasAxiosDefaults(instance.defaults as unknown as Record<string, unknown>))
    return createDirectTransport(direct, {
      requestIdHeaders: options.requestIdHeaders,
      maxRedirects: options.maxRedirects,
    });
  const useOwnAgents =
    options.adapter === undefined &&
    instance.defaults.httpAgent === undefined &&
    instance.defaults.httpsAgent === undefined;
  return createAxiosTransport({
    instance,
    requestIdHeaders: options.requestIdHeaders,
    agents: useOwnAgents ? createKeepAliveAgents(options.timeouts.connectMs) : undefined,
  });
}

/**
 * The whole request flow of a client, outermost first; steps that would do nothing with these
 * options are left out. Per call: request id -> idempotency key -> (telemetry: the call's span)
 * -> retry. Per attempt, inside the retry loop: 401 replay -> (telemetry: the attempt's span
 * ends) -> schema -> response parsing -> rate limit -> (telemetry: the attempt's span starts,
 * trace context) -> auth -> logging -> axios. So every attempt waits for the limiter and is signed
 * afresh, and a limiter wait is not request time.
 */
export function createPipelineFromOptions(
  options: ResolvedRestClientOptions,
  telemetry: RestTelemetry | undefined,
): SendRequest {
  const { auth, logger, hooks, limiter, base, now } = options;
  const logs = options.debug || hooks.onRequest !== undefined || hooks.onResponse !== undefined;
  const telemetrySteps =
    telemetry === undefined ? undefined : createTelemetrySteps(telemetry, { activateAttemptSpan: logs });
  const stepHooks = telemetry?.hooks(hooks) ?? hooks;
  const policy = createRetryPolicy({
    ...options.retry,
    onGiveUp: telemetry?.onGiveUp(options.retry.onGiveUp) ?? options.retry.onGiveUp,
  });
  if (telemetry !== undefined) telemetry.circuitSource = () => policy.circuitState;

  const steps: PipelineStep[] = [];
  if (options.requestIdHeader !== false)
    steps.push(createRequestIdStep({ headerName: options.requestIdHeader }));
  steps.push(createIdempotencyStep(options.idempotency));
  if (telemetrySteps !== undefined) steps.push(telemetrySteps.call);
  steps.push(
    createRetryStep({
      policy,
      logger,
      hooks: stepHooks,
      budgetKey: base.url.host,
      paced: limiter !== undefined,
    }),
  );
  if (auth?.onUnauthorized !== undefined) steps.push(createUnauthorizedStep({ auth, logger }));
  if (telemetrySteps !== undefined) steps.push(telemetrySteps.attempt);
  steps.push(createSchemaStep({ mode: options.schemaMode, logger }));
  steps.push(
    createResponseParsingStep({
      errorMapper: options.errorMapper,
      requestIdHeaders: options.requestIdHeaders,
      now,
    }),
  );
  if (limiter !== undefined || hooks.onRateLimit !== undefined)
    steps.push(createRateLimitStep({ limiter, hooks: stepHooks, logger, now }));
  if (telemetrySteps !== undefined) steps.push(telemetrySteps.exchange);
  if (auth !== undefined) steps.push(createAuthStep({ auth }));
  if (logs) steps.push(createLoggingStep({ logger, hooks, debug: options.debug }));
  return composePipeline(steps, createTransport(options));
}
