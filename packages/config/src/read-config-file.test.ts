import { describe, expect, it } from 'vitest';
import { readConfigFile } from './read-config-file';

const fromText = (text: string) => readConfigFile('kit.json', () => text);

describe('readConfigFile', () => {
  it.each([
    ['{\n  "a": 1,\n  "b": }\n}', 'line 3'],
    ['{"a":1,}', 'line 1'],
    ['{\n"a": "x', 'line 2'],
    ['{\n\n\n  "a": 1\n  "b": 2\n}', 'line 5'],
  ])('locates the JSON error in %j', (text, line) => {
    const result = fromText(text);
    expect(result.ok === false && result.problem.received).toContain(line);
  });

  it('never quotes the file content', () => {
    const result = fromText('{"apiKey": "sk_live_hidden_value" "x": 1}');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('sk_live_hidden_value');
  });

  it('requires an object at the top level and skips a BOM', () => {
    expect(fromText('[1,2]').ok).toBe(false);
    expect(fromText('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('explains a missing file and other read errors', () => {
    const missing = readConfigFile('nope.json', () => {
      throw Object.assign(new Error('gone'), { code: 'ENOENT' });
    });
    expect(missing.ok === false && missing.problem.received).toBe('no such file');
    const denied = readConfigFile('locked.json', () => {
      throw Object.assign(new Error('denied'), { code: 'EACCES' });
    });
    expect(denied.ok === false && denied.problem.received).toBe('error EACCES');
  });
});
