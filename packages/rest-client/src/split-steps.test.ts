import { describe, expect, it } from 'vitest';
import { pipelineRequest, pipelineResponse } from '../test/pipeline-fixtures';
import { composePipeline, createSplitStep, type PipelineStep, type SendRequest } from './pipeline';

/** A split step that records its parts in `order`; `wait` makes its `before` asynchronous. */
function recording(order: string[], name: string, wait = false): PipelineStep {
  return createSplitStep(
    name,
    (request) => {
      order.push(`${name}>`);
      request.headers[name] = 'seen';
      return wait ? Promise.resolve().then(() => void order.push(`${name} waited`)) : undefined;
    },
    () => void order.push(`<${name}`),
  );
}

/** A plain step (its own `send`) that records around `next`. */
function plain(order: string[], name: string): PipelineStep {
  return {
    name,
    async send(request, next) {
      order.push(`${name}>`);
      try {
        return await next(request);
      } finally {
        order.push(`<${name}`);
      }
    },
  };
}

function transport(order: string[]): SendRequest {
  return async () => {
    order.push('transport');
    return pipelineResponse();
  };
}

describe('split steps in composePipeline', () => {
  it('run in the order nested sends would, around plain steps, waiting for asynchronous befores', async () => {
    const order: string[] = [];
    const steps = [
      recording(order, 'a'),
      recording(order, 'b', true),
      plain(order, 'p'),
      recording(order, 'c', true),
      recording(order, 'd'),
    ];
    await composePipeline(steps, transport(order))(pipelineRequest());
    expect(order).toEqual([
      'a>',
      'b>',
      'b waited',
      'p>',
      'c>',
      'c waited',
      'd>',
      'transport',
      '<d',
      '<c',
      '<p',
      '<b',
      '<a',
    ]);

    // Each step's own send, nested by hand, does exactly the same.
    const nested: string[] = [];
    const own = [
      recording(nested, 'a'),
      recording(nested, 'b', true),
      plain(nested, 'p'),
      recording(nested, 'c', true),
      recording(nested, 'd'),
    ];
    const send = own.reduceRight<SendRequest>(
      (next, step) => (request) => step.send(request, next),
      transport(nested),
    );
    await send(pipelineRequest());
    expect(nested).toEqual(order);
  });

  it('a before that throws rejects the call: nothing after it runs, not even the outer afters', async () => {
    const order: string[] = [];
    const failing = createSplitStep(
      'failing',
      () => {
        throw new Error('no');
      },
      () => void order.push('<failing'),
    );
    const send = composePipeline([recording(order, 'a'), failing, recording(order, 'b')], transport(order));
    const result = send(pipelineRequest());
    await expect(result).rejects.toThrow('no');
    expect(order).toEqual(['a>']);
  });

  it('an after that throws rejects the call and the afters outside it do not run', async () => {
    const order: string[] = [];
    const failing = createSplitStep('failing', undefined, () => {
      order.push('<failing');
      throw new Error('bad response');
    });
    const send = composePipeline(
      [plain(order, 'p'), recording(order, 'a'), failing, recording(order, 'b')],
      transport(order),
    );
    await expect(send(pipelineRequest())).rejects.toThrow('bad response');
    expect(order).toEqual(['p>', 'a>', 'b>', 'transport', '<b', '<failing', '<p']);
  });

  it('a transport that fails skips every after and rejects with its error', async () => {
    const order: string[] = [];
    const send = composePipeline([recording(order, 'a', true), recording(order, 'b')], async () => {
      order.push('transport');
      throw new Error('reset');
    });
    await expect(send(pipelineRequest())).rejects.toThrow('reset');
    expect(order).toEqual(['a>', 'a waited', 'b>', 'transport']);
  });

  it('a rejected asynchronous before stops the call before the transport', async () => {
    const order: string[] = [];
    const waiting = createSplitStep('waiting', () => Promise.reject(new Error('limiter aborted')), undefined);
    const send = composePipeline([waiting, recording(order, 'b')], transport(order));
    await expect(send(pipelineRequest())).rejects.toThrow('limiter aborted');
    expect(order).toEqual([]);
  });

  // `failed`: every step whose before ran and that is outside the failure is told, innermost
  // first, exactly as when each step's own send is nested by hand.
  describe.each([
    ['a synchronous before throws', 'sync-before'],
    ['an asynchronous before rejects', 'async-before'],
    ['an after throws', 'after'],
    ['the transport rejects', 'transport'],
  ])('when %s', (_name, where) => {
    const build = (order: string[]): PipelineStep[] => {
      const told = (name: string) => (_request: unknown, error: unknown) =>
        void order.push(`!${name} ${(error as Error).message}`);
      const step = (name: string, fails: boolean): PipelineStep =>
        createSplitStep(
          name,
          (request) => {
            order.push(`${name}>`);
            request.headers[name] = 'seen';
            if (fails && where === 'sync-before') throw new Error(`${name} threw`);
            if (fails && where === 'async-before') return Promise.reject(new Error(`${name} rejected`));
            return undefined;
          },
          () => {
            order.push(`<${name}`);
            if (fails && where === 'after') throw new Error(`${name} bad response`);
          },
          told(name),
        );
      return [step('a', false), step('b', false), plain(order, 'p'), step('c', true), step('d', false)];
    };
    const failingTransport =
      (order: string[]): SendRequest =>
      async () => {
        order.push('transport');
        if (where === 'transport') throw new Error('reset');
        return pipelineResponse();
      };

    it('the composed run tells the same steps in the same order as nested sends', async () => {
      const composedOrder: string[] = [];
      const composed = composePipeline(build(composedOrder), failingTransport(composedOrder));
      const composedError = await composed(pipelineRequest()).then(
        () => undefined,
        (error: Error) => error.message,
      );
      const nestedOrder: string[] = [];
      const nested = build(nestedOrder).reduceRight<SendRequest>(
        (next, step) => (request) => step.send(request, next),
        failingTransport(nestedOrder),
      );
      const nestedError = await nested(pipelineRequest()).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(composedError).toBeDefined();
      expect(composedError).toBe(nestedError);
      expect(composedOrder).toEqual(nestedOrder);
      // The failing step itself is never told of its own failure; the outer ones are.
      expect(composedOrder.filter((line) => line.startsWith('!')).map((line) => line.slice(1, 2))).toEqual(
        where === 'transport' ? ['d', 'c', 'b', 'a'] : ['b', 'a'],
      );
    });
  });
});
