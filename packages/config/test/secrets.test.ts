import { inspect } from 'node:util';
import { redactSecretValues } from '@kit/logger';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeConfig, loadConfig, secret } from '../src/index';
import { schema, tempDir, thrown } from './fixtures';

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
});
afterEach(() => files.cleanup());

const SECRET = 'sk_live_0123456789abcdef';

function everyRendering(value: unknown): string[] {
  return [String(value), JSON.stringify(value), inspect(value, { depth: 10, showHidden: true })];
}

describe('secrets in config', () => {
  it('loads a secret that prints as [REDACTED] inside the frozen config', () => {
    const config = loadConfig({
      schema,
      env: { KIT_REST__BASE_URL: 'https://a.example.com', KIT_API_KEY: SECRET },
    });
    expect(config.apiKey.reveal()).toBe(SECRET);
    for (const text of [...everyRendering(config), ...everyRendering(config.apiKey), `${config.apiKey}`]) {
      expect(text).not.toContain(SECRET);
    }
    expect(JSON.stringify(config)).toContain('[REDACTED]');
  });

  it('registers the value for redaction the moment it is loaded, even when the config is rejected', () => {
    const rejected = 'sk_live_rejected_but_masked';
    thrown(() => loadConfig({ schema, env: { KIT_API_KEY: `${rejected}\n` } }));
    expect(redactSecretValues(`curl -H "X-Api-Key: ${rejected}"`)).not.toContain(rejected);
  });

  it('never puts a secret in the error message, its JSON, util.inspect or problem details', () => {
    const fileSecret = 'sk_live_from_the_file_0001';
    const file = files.write('kit.json', {
      apiKey: ` ${fileSecret} `,
      rest: { baseUrl: 'http://api.example.com' },
    });
    const error = thrown(() =>
      loadConfig({ schema, file, env: { KIT_ACCOUNT_ID: 'x', KIT_UNKNOWN_TOKEN: SECRET } }),
    );
    const renderings = [
      (error as Error).message,
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      String((error as Error).stack),
    ];
    for (const text of renderings) {
      expect(text).not.toContain(fileSecret);
      expect(text).not.toContain(SECRET);
    }
    expect((error as Error).message).toContain('<redacted, 28 chars>');
  });

  it('does not echo a secret given in the wrong type or under a misspelled key', () => {
    const file = files.write('kit.json', { apiKee: SECRET, rest: { baseUrl: 'https://a.example.com' } });
    const error = thrown(() =>
      loadConfig({ schema, file, env: {}, overrides: { apiKey: 12345678 as never } }),
    );
    const text = `${(error as Error).message}\n${inspect(error)}`;
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('12345678');
    expect(text).toContain('Did you mean "apiKey"');
  });

  it('shows a secret default as [REDACTED] in describeConfig', () => {
    const withDefault = v.object({ demoKey: v.optional(secret(), 'demo-key-value') });
    const [field] = describeConfig(withDefault);
    expect(field).toMatchObject({ path: 'demoKey', secret: true, default: '[REDACTED]' });
    expect(JSON.stringify(describeConfig(withDefault))).not.toContain('demo-key-value');
  });
});
