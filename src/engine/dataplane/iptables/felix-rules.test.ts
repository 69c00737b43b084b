import { describe, expect, it } from 'vitest';
import { felix, felixRuleHashes, lengthLimitedId } from './felix-rules';

/**
 * `cali:` hashes as they appear in iptables-save on real Calico nodes (Kubernetes defaults,
 * MASQUERADE with --random-fully); each must come out of Felix's algorithm applied to Felix's render.
 */
describe('Felix rule hashes', () => {
  const one = (chain: string, match: string, action: string, comments?: string[]) => felixRuleHashes(chain, [{ match, action, comments }])[0];

  it('hook jumps in the built-in chains', () => {
    expect(one('FORWARD', '', felix.jump('cali-FORWARD'))).toBe('wUHhoiAYhphO9Mso');
    expect(one('INPUT', '', felix.jump('cali-INPUT'))).toBe('Cz_u1IQiXIMmKD4c');
    expect(one('OUTPUT', '', felix.jump('cali-OUTPUT'))).toBe('tVnHkvAo15HuiPy0');
    expect(one('PREROUTING', '', felix.jump('cali-PREROUTING'))).toBe('6gwbT8clXdHdC1b1');
    expect(one('POSTROUTING', '', felix.jump('cali-POSTROUTING'))).toBe('O3lYWMrLQYEMJtB5');
  });

  it('chains the previous hash: cali-POSTROUTING and cali-nat-outgoing', () => {
    const tunnelMasq = '--out-interface tunl0 -m addrtype ! --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL';
    expect(
      felixRuleHashes('cali-POSTROUTING', [
        { match: '', action: felix.jump('cali-fip-snat') },
        { match: '', action: felix.jump('cali-nat-outgoing') },
        { match: tunnelMasq, action: felix.masq },
      ]),
    ).toEqual(['Z-c7XtVd2Bq7s_hA', 'nYKhEzDlr11Jccal', 'SXWvdsbh4Mw7wOln']);
    expect(one('cali-nat-outgoing', '-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst', felix.masq)).toBe(
      'flqWnvo8yq4ULQLa',
    );
    expect(one('cali-PREROUTING', '', felix.jump('cali-fip-dnat'))).toBe('r6XmIziWUJsdOK6Z');
  });

  it('comments are hashed too: the IPIP drop in cali-INPUT', () => {
    const h = felixRuleHashes('cali-INPUT', [
      { match: '-p 4 -m set --match-set cali40all-hosts-net src -m addrtype --dst-type LOCAL', action: felix.accept, comments: ['Allow IPIP packets from Calico hosts'] },
      { match: '-p 4', action: felix.drop, comments: ['Drop IPIP packets from non-Calico hosts'] },
    ]);
    expect(h[1]).toBe('_wjq-Yrma8Ly1Svo');
  });

  it('mangle cali-PREROUTING / cali-POSTROUTING', () => {
    const accept = felix.markSet(0x10000);
    expect(
      felixRuleHashes('cali-PREROUTING', [
        { match: felix.ctstate('RELATED,ESTABLISHED'), action: felix.accept },
        { match: accept, action: felix.accept },
        { match: '', action: felix.jump('cali-from-host-endpoint') },
        { match: accept, action: felix.accept, comments: ['Host endpoint policy accepted packet.'] },
      ]),
    ).toEqual(['6BJqBjBC7crtA-7-', 'KX7AGNd6rMcDUai6', 'wNH7KsA3ILKJBsY9', 'Cg96MgVuoPm7UMRo']);
    expect(felixRuleHashes('cali-POSTROUTING', [{ match: accept, action: felix.ret }, { match: '', action: felix.clearMark(0xf0000) }])).toEqual([
      'NX-7roTexQ3fGRfU',
      'nnqPh8lh2VOogSzX',
    ]);
  });

  it('GetLengthLimitedID keeps names that fit and hashes the rest', () => {
    expect(lengthLimitedId('cali-pro-', 'ksa.default.default')).toBe('cali-pro-ksa.default.default');
    const long = lengthLimitedId('cali-pro-', 'ksa.kube-system.coredns');
    expect(long).toHaveLength(28);
    expect(long.startsWith('cali-pro-_')).toBe(true);
  });
});
