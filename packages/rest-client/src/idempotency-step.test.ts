import { describe, expect, it } from 'vitest';
import { pipelineRequest, pipelineResponse } from '../test/pipeline-fixtures';
import { createIdempotencyStep } from './idempotency-step';
import type { PipelineRequest } from './pipeline';

async function run(
  step: ReturnType<typeof createIdempotencyStep>,
  request: PipelineRequest,
): Promise<PipelineRequest> {
  await step.send(request, async () => pipelineResponse());
  return request;
}

describe('createIdempotencyStep', () => {
  it('generates one key for POST and PATCH only', async () => {
    let n = 0;
    const step = createIdempotencyStep({ generate: () => `key-${++n}` });
    expect((await run(step, pipelineRequest({ method: 'POST' }))).headers).toEqual({
      'Idempotency-Key': 'key-1',
    });
    expect((await run(step, pipelineRequest({ method: 'PATCH' }))).idempotencyKey).toBe('key-2');
    expect((await run(step, pipelineRequest({ method: 'PUT' }))).headers).toEqual({});
    expect((await run(step, pipelineRequest({ method: 'GET' }))).idempotencyKey).toBeUndefined();
  });

  it('adopts a key the caller set in a header of any case, without adding a second header', async () => {
    const step = createIdempotencyStep({ generate: () => 'generated' });
    const request = await run(
      step,
      pipelineRequest({ method: 'POST', headers: { 'idempotency-key': 'mine' } }),
    );
    expect(request.idempotencyKey).toBe('mine');
    expect(request.headers).toEqual({ 'idempotency-key': 'mine' });
  });

  it('sends an explicit key on any method even when generation is off', async () => {
    const step = createIdempotencyStep({ enabled: false, headerName: 'X-Key' });
    expect((await run(step, pipelineRequest({ method: 'POST' }))).headers).toEqual({});
    expect((await run(step, pipelineRequest({ method: 'DELETE', idempotencyKey: 'k' }))).headers).toEqual({
      'X-Key': 'k',
    });
  });
});
