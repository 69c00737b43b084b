import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { endpointChainName, serviceChainName, servicePortName } from './names';

/**
 * An independent reference for the hash: Node's SHA-256 and RFC 4648 §6 base32 written out here,
 * so the module's @noble/@scure pipeline is checked against a second implementation.
 */
function rfc4648Base32First16(input: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(input, 'utf8').digest();
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length && out.length < 16; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

describe('kube-proxy chain names', () => {
  it('hashes servicePortName + protocol (DESIGN §4 checks, also in kube-proxy proxier_test.go)', () => {
    // TestOverallIPTablesRules: ns1/svc1 port p80 TCP → KUBE-SVC-XPGD46QRK7WJZT7O.
    expect(serviceChainName('KUBE-SVC-', 'ns1/svc1:p80', 'tcp')).toBe('KUBE-SVC-XPGD46QRK7WJZT7O');
    // kube-dns's "dns" port is UDP; DESIGN §4 gives TCOU7JCQXEZGVUNU.
    expect(serviceChainName('KUBE-SVC-', 'kube-system/kube-dns:dns', 'udp')).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU');
    // Protocol is lower-cased before hashing (proxier.go newServiceInfo).
    expect(serviceChainName('KUBE-SVC-', 'kube-system/kube-dns:dns', 'UDP')).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU');
  });

  it('shares one hash between the SVC, SVL, EXT and FW chains of a port', () => {
    // TestOverallIPTablesRules: ns5/svc5:p80 has KUBE-SVC-, KUBE-EXT- and KUBE-FW-NUKIZ6OKUXPJNT4C.
    for (const prefix of ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-'] as const)
      expect(serviceChainName(prefix, 'ns5/svc5:p80', 'tcp')).toBe(`${prefix}NUKIZ6OKUXPJNT4C`);
    expect(serviceChainName('KUBE-SVL-', 'ns2/svc2:p80', 'tcp')).toBe('KUBE-SVL-GNZBNJ2PO5MGZ6GT');
  });

  it('hashes servicePortName + protocol + ip:port for KUBE-SEP (values from proxier_test.go)', () => {
    expect(endpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(endpointChainName('ns4/svc4:p80', 'tcp', '10.180.0.4:80')).toBe('KUBE-SEP-UKSFD7AGPMPPLUHC');
    expect(endpointChainName('ns4/svc4:p80', 'tcp', '10.180.0.5:80')).toBe('KUBE-SEP-C6EBXVWJJZMIWKLZ');
    // Same endpoint, different service: a different chain (ns3 vs ns5 both use 10.180.0.3:80).
    expect(endpointChainName('ns3/svc3:p80', 'tcp', '10.180.0.3:80')).toBe('KUBE-SEP-OYPFS5VJICHGATKP');
    expect(endpointChainName('ns5/svc5:p80', 'tcp', '10.180.0.3:80')).toBe('KUBE-SEP-I77PXRDZVX7PMWMN');
  });

  it('agrees with an independent SHA-256 + base32 for arbitrary names', () => {
    for (const n of ['default/kubernetes:https', 'a/b', 'kube-system/kube-dns:dns-tcp', 'ns/ü-名前:p'])
      for (const proto of ['tcp', 'udp', 'sctp']) {
        expect(serviceChainName('KUBE-SVC-', n, proto)).toBe('KUBE-SVC-' + rfc4648Base32First16(n + proto));
        expect(endpointChainName(n, proto, '10.0.0.1:53')).toBe('KUBE-SEP-' + rfc4648Base32First16(n + proto + '10.0.0.1:53'));
      }
  });

  it('names ports like proxy.ServicePortName.String()', () => {
    expect(servicePortName('ns1', 'svc1', 'p80')).toBe('ns1/svc1:p80');
    expect(servicePortName('default', 'web', '')).toBe('default/web');
  });
});
