/**
 * Whether a multiaddr is on this machine or the local network: loopback, RFC 1918,
 * link-local, IPv6 unique-local. Carrier-grade NAT (100.64/10) is the operator's, not ours.
 */
export function isLocalAddress(addr: string): boolean {
  const v4 = /^\/ip4\/(\d+)\.(\d+)\.\d+\.\d+(\/|$)/.exec(addr);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  const v6 = /^\/ip6\/([0-9a-f:]+)(\/|$)/i.exec(addr);
  if (v6) {
    const ip = v6[1]!.toLowerCase();
    return ip === '::1' || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip);
  }
  return false;
}
