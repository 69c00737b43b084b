import { describe, expect, it } from 'vitest';
import { formatFixed, restoreProbability, savedProbability, storedProbability } from './probability';

describe('statistic probabilities', () => {
  it('prints 1/(n−i) the way Go prints %0.10f', () => {
    expect(restoreProbability(3, 0)).toBe('0.3333333333'); // DESIGN §4
    expect(restoreProbability(3, 1)).toBe('0.5000000000'); // proxier_test.go: 2 endpoints → 0.5000000000
    expect(restoreProbability(7, 0)).toBe('0.1428571429'); // 1/7 = 0.142857142857…, rounded up
    expect(restoreProbability(1000, 0)).toBe('0.0010000000');
    expect(restoreProbability(6, 0)).toBe('0.1666666667');
  });

  it('rounds exact ties to even like Go and glibc, where toFixed would round up', () => {
    // 1/2048 = 0.00048828125 exactly: the 11th digit is a lone 5, so %0.10f keeps the even 2.
    expect(restoreProbability(2048, 0)).toBe('0.0004882812');
    expect((1 / 2048).toFixed(10)).toBe('0.0004882813'); // why formatFixed exists
    // 1/4096 = 0.000244140625: to 11 places the tail is exactly half, kept even (…062).
    expect(formatFixed(1 / 4096, 11)).toBe('0.00024414062');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
  });

  it('gives what iptables-save prints: lround(p·2^31)/2^31 with 11 decimals', () => {
    // 0.3333333333 · 2^31 = 715827882.59… → 715827883; /2^31 = 0.333333333489… → 0.33333333349.
    expect(storedProbability(0.3333333333)).toBe(715827883);
    expect(savedProbability('0.3333333333')).toBe('0.33333333349'); // DESIGN §4
    // 0.5 is exact in 31-bit fixed point.
    expect(savedProbability('0.5000000000')).toBe('0.50000000000');
    // 0.25 likewise; 0.2 = 429496729.6 → 429496730 → 0.20000000019 (as seen in real iptables-save output).
    expect(savedProbability('0.2500000000')).toBe('0.25000000000');
    expect(savedProbability('0.2000000000')).toBe('0.20000000019');
  });
});
