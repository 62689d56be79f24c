import { parseSshid } from './sshid';

describe('parseSshid', () => {
  it('reads user@namespace.device, case-insensitively for the target', () => {
    expect(parseSshid('pi@Acme.Kitchen-Pi')).toEqual({ kind: 'name', user: 'pi', namespace: 'acme', device: 'kitchen-pi' });
  });

  it('reads user@<device uid>', () => {
    const uid = 'ab'.repeat(32);
    expect(parseSshid(`root@${uid.toUpperCase()}`)).toEqual({ kind: 'uid', user: 'root', uid });
  });

  it.each(['pi', '@acme.dev', 'pi@', 'pi@acme.', 'pi@.dev', 'pi@notauid', 'p i@acme.dev', 'pi@acme.dev.x', '../x@a.b'])(
    'refuses %p',
    (login) => {
      expect(parseSshid(login)).toBeNull();
    },
  );
});
