import { execFileSync } from 'node:child_process';
import { verifyShadowPassword } from './shadow-password';

/** Hashes made by the system's crypt(3), the way passwd(1) would store them. */
function systemHash(password: string, setting: string): string {
  return execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, setting], { encoding: 'utf8' });
}

describe('verifyShadowPassword', () => {
  it.each([
    ['yescrypt', '$y$j9T$R0mVdZ1d2iG7ZyTyqGVnz.$'],
    ['SHA-512', '$6$saltsalt$'],
    ['SHA-256', '$5$saltsalt$'],
    ['MD5', '$1$saltsalt$'],
  ])('accepts the right password and refuses a wrong one (%s)', async (_scheme, setting) => {
    const hash = systemHash('correct horse battery staple', setting);
    expect(hash.startsWith(setting.slice(0, 3))).toBe(true);
    await expect(verifyShadowPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyShadowPassword('correct horse battery stapler', hash)).resolves.toBe(false);
  });

  it.each([['!'], ['*'], ['!$6$saltsalt$abc'], [''], ['!*']])('refuses locked or empty hash %p', async (hash) => {
    await expect(verifyShadowPassword('anything', hash)).resolves.toBe(false);
    await expect(verifyShadowPassword('', hash)).resolves.toBe(false);
  });

  it('refuses an empty password even against a real hash', async () => {
    await expect(verifyShadowPassword('', systemHash('', '$6$saltsalt$'))).resolves.toBe(false);
  });
});
