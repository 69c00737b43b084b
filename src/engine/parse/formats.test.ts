import { describe, expect, it } from 'vitest';
import { cidrProblem, isIP, isIPv6, portNameProblem } from './formats';

describe('IP and CIDR formats', () => {
  it('accepts the IPv6 text forms of RFC 4291 §2.2 and RFC 5952 examples', () => {
    for (const a of ['2001:db8:0:0:8:800:200c:417a', '2001:DB8::8:800:200C:417A', 'ff01::101', '::1', '::', 'fd00:10:96::a', '::ffff:192.0.2.1', '0:0:0:0:0:0:13.1.68.3', '1::', '1:2:3:4:5:6:7::'])
      expect([a, isIPv6(a)]).toEqual([a, true]);
  });

  it('rejects malformed IPv6', () => {
    for (const a of [':', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7', '::1.2.3', '::1.2.3.4.5', '1.2.3.4::', ''])
      expect([a, isIPv6(a)]).toEqual([a, false]);
  });

  it('isIP: dotted IPv4 with each octet 0–255', () => {
    expect(['10.96.0.10', '0.0.0.0', '255.255.255.255'].map(isIP)).toEqual([true, true, true]);
    expect(['10.96.0.256', '10.96.0', '10.96.0.1.1', ' 10.0.0.1', '10.0.0.1/32', 'k8s-w1'].map(isIP)).toEqual([false, false, false, false, false, false]);
  });

  it('CIDRs need a prefix length within the family (host bits may be set, as Kubernetes allows)', () => {
    expect(['10.244.0.0/16', '0.0.0.0/0', '192.168.10.101/24', '10.0.0.1/32', 'fd00::/8', '::/128'].map(cidrProblem)).toEqual([null, null, null, null, null, null]);
    for (const c of ['10.244.0.0', '10.244.0.0/33', '10.244.0.0/', '10.244.0/16', 'fd00::/129', '10.0.0.0/8/8', '10.0.0.0/-1', '/8'])
      expect([c, cidrProblem(c)]).toEqual([c, 'must be a valid CIDR (e.g. 10.244.0.0/16)']);
  });
});

describe('IANA_SVC_NAME port names (RFC 6335 §5.1, Kubernetes IsValidPortName)', () => {
  it('accepts names of up to 15 lowercase letters, digits and single inner hyphens with a letter', () => {
    for (const n of ['http', 'dns-tcp', 'metrics', 'h2c', 'a', '8080-http', 'abcdefghijklmno']) expect([n, portNameProblem(n)]).toEqual([n, null]);
  });

  it('says why a name is refused', () => {
    expect(portNameProblem('abcdefghijklmnop')).toBe('must be no more than 15 characters');
    expect(portNameProblem('HTTP')).toBe('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
    expect(portNameProblem('my_port')).toBe('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
    expect(portNameProblem('a--b')).toBe('must not contain consecutive hyphens');
    expect(portNameProblem('8080')).toBe('must contain at least one letter (a-z)');
    expect(portNameProblem('-http')).toBe('must not begin or end with a hyphen');
    expect(portNameProblem('http-')).toBe('must not begin or end with a hyphen');
    expect(portNameProblem('')).toBe('must not be empty');
  });
});
