/**
 * The destination index must not change any result: a long chain evaluated with the index gives
 * exactly what a plain first-to-last scan gives (same verdict, hits in the same order, same NAT,
 * same mark), for random chains that mix indexable rules with rules that are not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidates, compileRuleset } from './compile';
import { evaluateHook } from './evaluate';
import { parseIptables } from './parse';
import type { NetfilterEnv, NetfilterPacket } from './types';

const IPS = ['10.96.0.1', '10.96.0.2', '10.96.0.3'];
const ruleLine = fc.record({
  dst: fc.constantFrom(...IPS, '10.96.0.0/24', ''),
  proto: fc.constantFrom('tcp', 'udp', ''),
  dport: fc.constantFrom('80', '443', '80:90', '', '! 80'),
  target: fc.constantFrom('ACCEPT', 'DROP', 'RETURN', 'MARK --or-mark 0x1', 'SUB', 'DNAT --to-destination 172.16.0.9:8080'),
}).map(({ dst, proto, dport, target }) => {
  let line = '-A BIG';
  if (dst) line += ` -d ${dst}`;
  if (proto) line += ` -p ${proto}`;
  if (proto && dport) line += dport.startsWith('!') ? ` ! --dport ${dport.slice(2)}` : ` --dport ${dport}`;
  return `${line} -j ${target}`;
});

const env: NetfilterEnv = { addressType: () => 'UNICAST', ipsets: [], chooseRandom: () => true };

describe('compileRuleset destination index', () => {
  it('gives the same result as a plain scan', () => {
    fc.assert(
      fc.property(
        fc.array(ruleLine, { minLength: 70, maxLength: 140 }),
        fc.constantFrom(...IPS, '10.96.0.77'),
        fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'),
        fc.constantFrom(80, 443, 85),
        (lines, dst, proto, dport) => {
          const text = `*nat\n:BIG - [0:0]\n:SUB - [0:0]\n-A PREROUTING -j BIG\n${lines.join('\n')}\n-A SUB -j MARK --or-mark 0x2\nCOMMIT\n`;
          const indexed = parseIptables(text).ruleset;
          const plain = parseIptables(text).ruleset;
          compileRuleset(plain, { indexMinRules: Number.POSITIVE_INFINITY });
          const big = compileRuleset(indexed).tables.get('nat')?.get('BIG');
          expect(big?.index).not.toBeNull();
          const p: NetfilterPacket = { src: '172.16.0.5', dst, proto, sport: 1234, dport, mark: 0, ctState: 'NEW', ctNat: { dnat: false, snat: false } };
          const a = evaluateHook(indexed, 'nat', 'PREROUTING', p, env);
          const b = evaluateHook(plain, 'nat', 'PREROUTING', p, env);
          expect(a).toEqual(b);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps unindexable rules in the candidate list, in chain order', () => {
    const lines = Array.from({ length: 70 }, (_, i) => `-A BIG -d 10.96.1.${i}/32 -p tcp --dport 80 -j ACCEPT`);
    lines.splice(10, 0, '-A BIG -p tcp --dport 80 -j DROP');
    const { ruleset } = parseIptables(`*nat\n:BIG - [0:0]\n${lines.join('\n')}\nCOMMIT\n`);
    const big = compileRuleset(ruleset).tables.get('nat')?.get('BIG');
    expect(big && candidates(big, '10.96.1.3', 'tcp', 80)).toEqual([3, 10]);
    expect(big && candidates(big, '10.96.1.30', 'tcp', 80)).toEqual([10, 31]); // the DROP rule at 10 shifted the rest by one
    expect(big && candidates(big, '10.96.1.30', 'udp', 80)).toEqual([10]);
  });
});
