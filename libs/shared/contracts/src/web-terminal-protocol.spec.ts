import {
  decodeWebTerminalClientMessage,
  decodeWebTerminalServerMessage,
  encodeWebTerminalMessage,
  webTerminalUrl,
} from './web-terminal-protocol';

describe('the web terminal protocol', () => {
  it('round-trips every client message', () => {
    const messages = [
      { type: 'start', username: 'root', cols: 80, rows: 24, credential: { method: 'password', password: 'secret' } },
      { type: 'start', username: 'pi', cols: 1, rows: 500, credential: { method: 'publickey', publicKey: 'ssh-ed25519 AAAA' } },
      { type: 'resize', cols: 200, rows: 50 },
      { type: 'signature', signature: 'c2lnbmVk' },
    ] as const;
    for (const message of messages) {
      expect(decodeWebTerminalClientMessage(encodeWebTerminalMessage(message))).toEqual({ ok: true, message });
    }
  });

  it.each([
    ['not json', 'a text frame must be a JSON object'],
    ['[1]', 'a text frame must be a JSON object'],
    ['{"type":"hello"}', 'type must be "start", "resize" or "signature"'],
    ['{"type":"start","username":"root@ns.dev","cols":80,"rows":24,"credential":{"method":"password","password":"x"}}', 'username must be'],
    ['{"type":"start","username":"root","cols":0,"rows":24,"credential":{"method":"password","password":"x"}}', 'cols and rows must be'],
    ['{"type":"start","username":"root","cols":80,"rows":24}', 'credential is required'],
    ['{"type":"start","username":"root","cols":80,"rows":24,"credential":{"method":"password","password":""}}', 'credential.password'],
    ['{"type":"start","username":"root","cols":80,"rows":24,"credential":{"method":"keyboard"}}', 'credential.method'],
    ['{"type":"resize","cols":80.5,"rows":24}', 'cols and rows must be'],
    ['{"type":"signature","signature":"not base64!"}', 'signature must be base64'],
  ])('refuses %s, naming what is wrong', (text, error) => {
    const decoded = decodeWebTerminalClientMessage(text);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.error).toContain(error);
  });

  it('reads the gateway’s messages, keeping unknown error codes readable', () => {
    expect(decodeWebTerminalServerMessage('{"type":"ready","session":"abc"}')).toEqual({ ok: true, message: { type: 'ready', session: 'abc' } });
    expect(decodeWebTerminalServerMessage('{"type":"exit","status":0}')).toEqual({ ok: true, message: { type: 'exit', status: 0 } });
    expect(decodeWebTerminalServerMessage('{"type":"exit","status":null,"signal":"KILL"}')).toEqual({
      ok: true,
      message: { type: 'exit', status: null, signal: 'KILL' },
    });
    expect(decodeWebTerminalServerMessage('{"type":"error","code":"from-the-future","message":"Nope."}')).toEqual({
      ok: true,
      message: { type: 'error', code: 'internal', message: 'Nope.' },
    });
    expect(decodeWebTerminalServerMessage('{"type":"challenge","data":"AAAA"}').ok).toBe(false);
  });

  it('builds the WebSocket URL from the page’s origin', () => {
    expect(webTerminalUrl('https://fleet.example.com/devices/x', 'abc')).toBe('wss://fleet.example.com/ws/terminal?ticket=abc');
    expect(webTerminalUrl('http://127.0.0.1:4200', 'abc')).toBe('ws://127.0.0.1:4200/ws/terminal?ticket=abc');
  });
});
