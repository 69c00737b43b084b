import { describe, expect, it } from 'vitest';
import { cidrContains, formatIPv4, nthAddress, nthSubnet, parseCidr, parseIPv4 } from './ipv4';

describe('ipv4', () => {
  it('parses and formats addresses', () => {
    expect(parseIPv4('10.96.0.10')).toBe(0x0a60000a);
    expect(formatIPv4(0xc0a80a65)).toBe('192.168.10.101');
    expect(parseIPv4('256.1.1.1')).toBeNull();
    expect(parseIPv4('1.2.3')).toBeNull();
    expect(parseIPv4('01a.2.3.4')).toBeNull();
  });
  it('matches prefixes', () => {
    expect(cidrContains('10.96.0.0/12', '10.111.255.255')).toBe(true);
    expect(cidrContains('10.96.0.0/12', '10.112.0.0')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(parseCidr('10.0.0.1/24', true)).toBeNull();
    expect(parseCidr('10.0.0.1/33')).toBeNull();
  });
  it('walks subnets', () => {
    expect(nthSubnet('10.244.0.0/16', 24, 2)).toBe('10.244.2.0/24');
    expect(nthSubnet('172.16.0.0/16', 26, 5)).toBe('172.16.1.64/26');
    expect(nthAddress('10.96.0.0/12', 10)).toBe('10.96.0.10');
  });
});
