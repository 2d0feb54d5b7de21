import { describe, expect, it } from 'vitest';
import { configFileEnvVar, envVarName } from './env-var-name';

describe('envVarName', () => {
  it.each([
    ['rest.baseUrl', 'KIT_', 'KIT_REST__BASE_URL'],
    ['apiKey', 'KIT_', 'KIT_API_KEY'],
    ['retry.maxAttempts', 'APP', 'APP_RETRY__MAX_ATTEMPTS'],
    ['auth.oauth2ClientId', 'KIT_', 'KIT_AUTH__OAUTH2_CLIENT_ID'],
    ['ws.apiURLPath', 'KIT_', 'KIT_WS__API_URL_PATH'],
    ['log-level', '', 'LOG_LEVEL'],
    ['a.b_c.d', 'X_', 'X_A__B_C__D'],
  ])('maps %s with prefix %s to %s', (path, prefix, expected) => {
    expect(envVarName(path, prefix)).toBe(expected);
  });

  it('accepts path segments and defaults the prefix to KIT_', () => {
    expect(envVarName(['rest', 'timeoutMs'])).toBe('KIT_REST__TIMEOUT_MS');
  });

  it('names the config file variable after the prefix', () => {
    expect(configFileEnvVar()).toBe('KIT_CONFIG_FILE');
    expect(configFileEnvVar('MYAPP')).toBe('MYAPP_CONFIG_FILE');
  });
});
