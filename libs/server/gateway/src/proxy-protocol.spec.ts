import { parseProxyHeader, ProxyProtocolGate } from './proxy-protocol';

const signature = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** A v2 header: version 2 with `command`, then `family`, then the address block. */
function v2Header(command: number, family: number, block: Buffer): Buffer {
  const fixed = Buffer.alloc(4);
  fixed[0] = 0x20 | command;
  fixed[1] = family;
  fixed.writeUInt16BE(block.length, 2);
  return Buffer.concat([signature, fixed, block]);
}

function ipv4Block(source: number[], destination: number[], sourcePort: number, destinationPort: number): Buffer {
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(sourcePort, 0);
  ports.writeUInt16BE(destinationPort, 2);
  return Buffer.concat([Buffer.from(source), Buffer.from(destination), ports]);
}

describe('parseProxyHeader', () => {
  it('reads a v1 TCP4 and TCP6 line, and says how long it was', () => {
    const line = 'PROXY TCP4 203.0.113.7 10.0.0.2 51234 2222\r\n';
    expect(parseProxyHeader(Buffer.from(`${line}SSH-2.0-OpenSSH_9.2\r\n`))).toEqual({
      kind: 'header',
      version: 1,
      length: line.length,
      source: { address: '203.0.113.7', port: 51234 },
    });
    expect(parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 40000 22\r\n'))).toMatchObject({
      kind: 'header',
      source: { address: '2001:db8::7', port: 40000 },
    });
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({ kind: 'header', version: 1, length: 15, source: null });
  });

  it('waits for more bytes while a header may still be coming, and says "none" as soon as it cannot be one', () => {
    for (const partial of ['', 'P', 'PROXY', 'PROXY TCP4 203.0.113.7 10.0.0.2 512']) {
      expect(parseProxyHeader(Buffer.from(partial))).toEqual({ kind: 'incomplete' });
    }
    expect(parseProxyHeader(signature.subarray(0, 5))).toEqual({ kind: 'incomplete' });
    expect(parseProxyHeader(Buffer.concat([signature, Buffer.from([0x21, 0x11, 0x00])]))).toEqual({ kind: 'incomplete' });
    expect(parseProxyHeader(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'))).toEqual({ kind: 'none' });
    expect(parseProxyHeader(Buffer.from('PROXX'))).toEqual({ kind: 'none' });
    expect(parseProxyHeader(Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x01]))).toEqual({ kind: 'none' });
  });

  it('refuses malformed v1 lines', () => {
    const invalid = [
      'PROXY TCP4 203.0.113.7 10.0.0.2 51234\r\n',
      'PROXY UDP4 203.0.113.7 10.0.0.2 1 2\r\n',
      'PROXY TCP4 2001:db8::7 10.0.0.2 1 2\r\n',
      'PROXY TCP4 203.0.113.7 10.0.0.2 65536 2\r\n',
      'PROXY TCP4 203.0.113.7 10.0.0.2 01 2\r\n',
      'PROXY TCP4 203.0.113.300 10.0.0.2 1 2\r\n',
      `PROXY TCP4 ${'1'.repeat(120)}`,
    ];
    for (const line of invalid) expect(parseProxyHeader(Buffer.from(line))).toMatchObject({ kind: 'invalid' });
  });

  it('reads v2 PROXY commands over TCP4 and TCP6, and LOCAL as the balancer’s own connection', () => {
    const v4 = v2Header(1, 0x11, ipv4Block([198, 51, 100, 9], [10, 0, 0, 2], 40001, 2222));
    expect(parseProxyHeader(Buffer.concat([v4, Buffer.from('SSH-2.0-x\r\n')]))).toEqual({
      kind: 'header',
      version: 2,
      length: 28,
      source: { address: '198.51.100.9', port: 40001 },
    });
    const v6Block = Buffer.alloc(36);
    Buffer.from('20010db8000000000000000000000042', 'hex').copy(v6Block, 0);
    v6Block.writeUInt16BE(50000, 32);
    expect(parseProxyHeader(v2Header(1, 0x21, v6Block))).toMatchObject({ source: { address: '2001:db8::42', port: 50000 } });
    expect(parseProxyHeader(v2Header(0, 0x00, Buffer.alloc(0)))).toEqual({ kind: 'header', version: 2, length: 16, source: null });
    // TLVs after the addresses are skipped with the declared length.
    const withTlv = v2Header(1, 0x11, Buffer.concat([ipv4Block([192, 0, 2, 1], [10, 0, 0, 2], 1, 2), Buffer.from([0x04, 0x00, 0x01, 0x00])]));
    expect(parseProxyHeader(withTlv)).toMatchObject({ length: 32, source: { address: '192.0.2.1' } });
  });

  it('refuses v2 headers with another version or command, a short address block, or an absurd length', () => {
    const good = v2Header(1, 0x11, ipv4Block([192, 0, 2, 1], [10, 0, 0, 2], 1, 2));
    const version3 = Buffer.from(good);
    version3[12] = 0x31;
    expect(parseProxyHeader(version3)).toMatchObject({ kind: 'invalid' });
    const command2 = Buffer.from(good);
    command2[12] = 0x22;
    expect(parseProxyHeader(command2)).toMatchObject({ kind: 'invalid' });
    expect(parseProxyHeader(v2Header(1, 0x11, Buffer.alloc(8)))).toMatchObject({ kind: 'invalid' });
    expect(parseProxyHeader(v2Header(1, 0x21, Buffer.alloc(12)))).toMatchObject({ kind: 'invalid' });
    expect(parseProxyHeader(v2Header(1, 0x11, Buffer.alloc(4000)))).toMatchObject({ kind: 'invalid' });
  });
});

describe('ProxyProtocolGate', () => {
  it('trusts only the configured networks, IPv4-mapped addresses included', () => {
    const gate = new ProxyProtocolGate(['10.0.0.0/8', '2001:db8::/32']);
    expect(gate.enabled).toBe(true);
    expect(gate.isTrusted('10.1.2.3')).toBe(true);
    expect(gate.isTrusted('::ffff:10.1.2.3')).toBe(true);
    expect(gate.isTrusted('2001:db8::5')).toBe(true);
    expect(gate.isTrusted('192.0.2.1')).toBe(false);
    expect(gate.isTrusted('')).toBe(false);
    expect(new ProxyProtocolGate([]).isTrusted('10.1.2.3')).toBe(false);
    expect(new ProxyProtocolGate([]).enabled).toBe(false);
    expect(() => new ProxyProtocolGate(['10.0.0.0/40'])).toThrow(/not a network/);
  });
});
