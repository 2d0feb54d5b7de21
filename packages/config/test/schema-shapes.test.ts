import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isConfigError, loadConfig } from '../src/index';
import { thrown } from './fixtures';

describe('schema shapes', () => {
  it('reports an unknown key in a strict object once', () => {
    const schema = v.strictObject({ name: v.optional(v.string(), 'x') });
    const error = thrown(() => loadConfig({ schema, env: {}, overrides: { nmae: 'y' } as never }));
    expect(isConfigError(error) && error.problems.map((p) => [p.code, p.path])).toEqual([
      ['config.unknown_key', 'nmae'],
    ]);
  });

  it('names the item inside a list of objects', () => {
    const schema = v.object({ venues: v.array(v.object({ id: v.string(), weight: v.number() })) });
    const error = thrown(() =>
      loadConfig({ schema, env: { KIT_VENUES: '[{"id":"a","weight":1},{"id":"b","weight":"heavy"}]' } }),
    );
    expect(isConfigError(error) && error.problems[0]).toMatchObject({
      path: 'venues.1.weight',
      envVar: 'KIT_VENUES',
      source: 'env',
    });
  });

  it('leaves optional objects out when nothing sets them, and fills required ones from defaults', () => {
    const schema = v.object({
      tls: v.optional(v.object({ caFile: v.string() })),
      pool: v.object({ size: v.optional(v.number(), 4) }),
      proxy: v.nullish(v.string(), null),
      region: v.nullable(v.string()),
    });
    const env = { KIT_REGION: 'eu' };
    expect(loadConfig({ schema, env })).toEqual({ pool: { size: 4 }, proxy: null, region: 'eu' });
    expect(loadConfig({ schema, env: { ...env, KIT_TLS__CA_FILE: '/etc/ca.pem' } }).tls).toEqual({
      caFile: '/etc/ca.pem',
    });
  });

  it('ignores listed variables and does not scan the environment without a prefix', () => {
    const schema = v.object({ port: v.optional(v.number(), 80) });
    expect(loadConfig({ schema, env: { KIT_DEBUG_DUMP: '1' }, ignoreEnvVars: ['KIT_DEBUG_DUMP'] }).port).toBe(
      80,
    );
    expect(loadConfig({ schema, envPrefix: '', env: { PORT: '8080', HOME: '/root' } }).port).toBe(8080);
  });

  it('reads the file through an injected reader (for runtimes without fs)', () => {
    const schema = v.object({ port: v.number() });
    const files: Record<string, string> = { 'virtual.json': '{"port": 9000}' };
    const config = loadConfig({
      schema,
      env: {},
      file: 'virtual.json',
      readFile: (path) => files[path] ?? '',
    });
    expect(config.port).toBe(9000);
  });

  it('requires a file named by <PREFIX>CONFIG_FILE even when a missing default file is allowed', () => {
    const schema = v.object({ port: v.optional(v.number(), 1) });
    const error = thrown(() =>
      loadConfig({
        schema,
        allowMissingFile: true,
        file: '/nonexistent/a.json',
        env: { KIT_CONFIG_FILE: '/nonexistent/b.json' },
      }),
    );
    expect(isConfigError(error) && error.problems[0]).toMatchObject({
      code: 'config.unreadable',
      envVar: 'KIT_CONFIG_FILE',
      origin: '/nonexistent/b.json',
    });
  });
});
