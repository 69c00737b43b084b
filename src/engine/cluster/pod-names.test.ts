import { describe, expect, it } from 'vitest';
import { fnv32a } from './fnv';
import { podTemplateHash, safeEncodeString, SAFE_ALPHANUMS, SuffixGenerator } from './pod-names';

describe('pod naming helpers', () => {
  it('fnv32a matches the FNV-1a reference vectors', () => {
    // From the FNV reference test suite (Noll): "" → offset basis, "a", "foobar".
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
  });

  it('safeEncodeString maps decimal digits like apimachinery (a real pod-template-hash round-trips)', () => {
    // kubeadm 1.30's CoreDNS ReplicaSet is `coredns-7db6d8ff4d`: the encoding of the uint32 3862849908.
    expect(safeEncodeString('3862849908')).toBe('7db6d8ff4d');
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('pod-template-hash is stable and changes with the template', () => {
    const a = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    expect(podTemplateHash(a)).toBe(podTemplateHash(structuredClone(a)));
    expect(podTemplateHash(a)).not.toBe(podTemplateHash({ ...a, spec: { containers: [{ name: 'c', image: 'y' }] } }));
    expect(podTemplateHash(a)).toMatch(/^[4-9bcdf]{1,10}$/);
  });

  it('suffixes are 5 safe characters, unique, and the same for the same owner', () => {
    const names1 = new SuffixGenerator('default/web', new Set());
    const names2 = new SuffixGenerator('default/web', new Set());
    const a = [names1.next('web'), names1.next('web')];
    expect([names2.next('web'), names2.next('web')]).toEqual(a);
    expect(a[0]).not.toBe(a[1]);
    for (const n of a) expect(n).toMatch(new RegExp(`^web-[${SAFE_ALPHANUMS}]{5}$`));
  });
});
