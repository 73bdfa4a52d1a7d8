// Choosing the controller (config/controller.ts): RRM_CONTROLLER and the OpenWiFi settings, checked
// at start with the variable named; secrets from the variable or its _FILE twin, never both.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controllerSettings } from '../../config/controller';

const GATEWAY = 'https://gw.example.net:16002/api/v1';

describe('controllerSettings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rrm-controller-'));
  const secretFile = (text: string) => {
    const path = join(dir, `secret-${Math.random()}`);
    writeFileSync(path, text);
    return path;
  };

  it('defaults to the simulator at its usual address', () => {
    expect(controllerSettings({})).toEqual({ kind: 'simulator', url: 'http://127.0.0.1:8787' });
  });

  it('takes an OpenWiFi gateway with an API key, read from a file without its newline', () => {
    const settings = controllerSettings({
      RRM_CONTROLLER: 'openwifi',
      RRM_OPENWIFI_GATEWAY_URL: GATEWAY,
      RRM_OPENWIFI_API_KEY_FILE: secretFile('key-123\n'),
      RRM_OPENWIFI_CA_FILE: '/etc/ssl/openwifi-ca.pem',
    });
    expect(settings).toEqual({
      kind: 'openwifi',
      gatewayUrl: GATEWAY,
      apiKey: 'key-123',
      caFile: '/etc/ssl/openwifi-ca.pem',
      maxConcurrent: 16,
      securityUrl: undefined,
      user: undefined,
      password: undefined,
    });
  });

  it('takes a user and password with the security service to sign in to', () => {
    expect(
      controllerSettings({
        RRM_CONTROLLER: 'openwifi',
        RRM_OPENWIFI_GATEWAY_URL: GATEWAY,
        RRM_OPENWIFI_SECURITY_URL: 'https://sec.example.net:16001/api/v1',
        RRM_OPENWIFI_USER: 'rrm@example.net',
        RRM_OPENWIFI_PASSWORD: 'pw',
      }),
    ).toMatchObject({ user: 'rrm@example.net', password: 'pw' });
  });

  it.each([
    [{ RRM_CONTROLLER: 'meraki' }, /RRM_CONTROLLER/],
    [{ RRM_CONTROLLER: 'openwifi' }, /RRM_OPENWIFI_GATEWAY_URL: required/],
    [
      { RRM_CONTROLLER: 'openwifi', RRM_OPENWIFI_GATEWAY_URL: GATEWAY },
      /RRM_OPENWIFI_API_KEY .*one is required/,
    ],
    [
      {
        RRM_CONTROLLER: 'openwifi',
        RRM_OPENWIFI_GATEWAY_URL: GATEWAY,
        RRM_OPENWIFI_USER: 'u',
        RRM_OPENWIFI_PASSWORD: 'p',
      },
      /RRM_OPENWIFI_SECURITY_URL: required/,
    ],
    [
      {
        RRM_CONTROLLER: 'openwifi',
        RRM_OPENWIFI_GATEWAY_URL: GATEWAY,
        RRM_OPENWIFI_API_KEY: 'k',
        RRM_OPENWIFI_USER: 'u',
      },
      /RRM_OPENWIFI_USER and RRM_OPENWIFI_PASSWORD: set both or neither/,
    ],
    [
      { RRM_CONTROLLER: 'openwifi', RRM_OPENWIFI_GATEWAY_URL: 'not a url', RRM_OPENWIFI_API_KEY: 'k' },
      /RRM_OPENWIFI_GATEWAY_URL/,
    ],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => controllerSettings(env)).toThrow(message);
  });

  it('refuses a secret given twice, and names an unreadable file without its content', () => {
    const both = {
      RRM_CONTROLLER: 'openwifi',
      RRM_OPENWIFI_GATEWAY_URL: GATEWAY,
      RRM_OPENWIFI_API_KEY: 'k',
      RRM_OPENWIFI_API_KEY_FILE: secretFile('k'),
    };
    expect(() => controllerSettings(both)).toThrow(
      /set RRM_OPENWIFI_API_KEY or RRM_OPENWIFI_API_KEY_FILE, not both/,
    );
    const missing = {
      ...both,
      RRM_OPENWIFI_API_KEY: undefined,
      RRM_OPENWIFI_API_KEY_FILE: join(dir, 'absent'),
    };
    expect(() => controllerSettings(missing)).toThrow(
      /RRM_OPENWIFI_API_KEY_FILE: cannot read .*absent \(ENOENT\)/,
    );
  });
});
