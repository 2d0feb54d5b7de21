import { describe, expect, it } from 'vitest';
import { pipelineRequest, pipelineResponse } from '../test/pipeline-fixtures';
import { composePipeline, type PipelineStep } from './pipeline';

describe('composePipeline', () => {
  it('runs steps outermost first around the transport, and lets a step call next more than once', async () => {
    const order: string[] = [];
    const step = (name: string): PipelineStep => ({
      name,
      async send(request, next) {
        order.push(`${name}>`);
        const response = await next(request);
        order.push(`<${name}`);
        return response;
      },
    });
    const twice: PipelineStep = {
      name: 'twice',
      async send(request, next) {
        await next(request);
        return next(request);
      },
    };
    let sent = 0;
    const send = composePipeline([step('a'), twice, step('b')], async () => {
      sent++;
      order.push('transport');
      return pipelineResponse();
    });
    await send(pipelineRequest());
    expect(sent).toBe(2);
    expect(order).toEqual(['a>', 'b>', 'transport', '<b', 'b>', 'transport', '<b', '<a']);
  });
});
