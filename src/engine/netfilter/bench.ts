/**
 * Micro-benchmark for `npm run bench`: a kube-proxy-shaped nat table (KUBE-SERVICES with one
 * rule per service, KUBE-SVC-* with a masquerade rule and 3 endpoints, KUBE-SEP-* with hairpin
 * mark + DNAT) parsed, printed, compiled and evaluated. The clock is injected: the engine has none.
 */
import { seededPrng } from '../prng';
import { compileRuleset } from './compile';
import { evaluateHook } from './evaluate';
import { parseIptables } from './parse';
import { printIptablesSave } from './print';
import type { NetfilterEnv, NetfilterPacket } from './types';

export interface NetfilterBenchResult {
  services: number;
  rules: number;
  parseMs: number;
  printMs: number;
  compileMs: number;
  /** Mean time of one nat PREROUTING evaluation to a random service, in microseconds. */
  evalUs: number;
  /** The same without the destination index (every rule scanned), for comparison. */
  evalUnindexedUs: number;
  evaluations: number;
}

const svcIp = (i: number) => `10.96.${(i >> 8) & 255}.${i & 255}`;
const podIp = (i: number, k: number) => `172.16.${(i * 3 + k) >> 8 & 255}.${(i * 3 + k) & 255}`;
const name = (kind: string, i: number, k = 0) => `KUBE-${kind}-${(i * 4 + k).toString(36).toUpperCase().padStart(16, '0')}`;

/** kube-proxy's restore text for `services` services with 3 endpoints each. */
export function kubeProxyLikeRestore(services: number): string {
  const decl: string[] = ['*nat', ':KUBE-SERVICES - [0:0]', ':KUBE-MARK-MASQ - [0:0]', ':KUBE-NODEPORTS - [0:0]'];
  const lines: string[] = [
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
  ];
  const chains: string[] = [];
  for (let i = 0; i < services; i++) {
    const svc = name('SVC', i);
    const c = `ns${i % 50}/svc${i}:http`;
    decl.push(`:${svc} - [0:0]`);
    lines.push(`-A KUBE-SERVICES -m comment --comment "${c} cluster IP" -m tcp -p tcp -d ${svcIp(i)} --dport 80 -j ${svc}`);
    chains.push(`-A ${svc} -m comment --comment "${c} cluster IP" -m tcp -p tcp -d ${svcIp(i)} --dport 80 ! -s 172.16.0.0/16 -j KUBE-MARK-MASQ`);
    for (let k = 0; k < 3; k++) {
      const sep = name('SEP', i, k + 1);
      decl.push(`:${sep} - [0:0]`);
      const prob = k === 0 ? ' -m statistic --mode random --probability 0.3333333333' : k === 1 ? ' -m statistic --mode random --probability 0.5000000000' : '';
      chains.push(`-A ${svc} -m comment --comment "${c} -> ${podIp(i, k)}:8080"${prob} -j ${sep}`);
      chains.push(`-A ${sep} -m comment --comment ${c} -s ${podIp(i, k)} -j KUBE-MARK-MASQ`);
      chains.push(`-A ${sep} -m comment --comment ${c} -m tcp -p tcp -j DNAT --to-destination ${podIp(i, k)}:8080`);
    }
  }
  lines.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  return [...decl, ...lines, ...chains, 'COMMIT', ''].join('\n');
}

export function benchNetfilter(now: () => number, services = 10_000, evaluations = 2_000): NetfilterBenchResult {
  const text = kubeProxyLikeRestore(services);
  let t = now();
  const { ruleset } = parseIptables(text);
  const parseMs = now() - t;
  t = now();
  printIptablesSave(ruleset);
  const printMs = now() - t;
  const rules = ruleset.tables.reduce((n, tb) => n + tb.chains.reduce((m, c) => m + c.rules.length, 0), 0);
  t = now();
  compileRuleset(ruleset);
  const compileMs = now() - t;

  const prng = seededPrng(7);
  const env: NetfilterEnv = { addressType: () => 'UNICAST', ipsets: [], chooseRandom: (p) => prng.next() < p };
  const packets: NetfilterPacket[] = [];
  for (let n = 0; n < evaluations; n++) {
    packets.push({
      src: '172.16.200.9', dst: svcIp(Math.floor(prng.next() * services)), proto: 'tcp', sport: 40000 + n, dport: 80,
      mark: 0, ctState: 'NEW', ctNat: { dnat: false, snat: false },
    });
  }
  const time = (rs: typeof ruleset) => {
    for (const p of packets.slice(0, 50)) evaluateHook(rs, 'nat', 'PREROUTING', p, env); // warm up
    const start = now();
    for (const p of packets) {
      const r = evaluateHook(rs, 'nat', 'PREROUTING', p, env);
      if (r.nat?.kind !== 'DNAT') throw new Error(`bench: no DNAT for ${p.dst}`);
    }
    return ((now() - start) * 1000) / packets.length;
  };
  const evalUs = time(ruleset);
  // A structurally equal copy compiled without the index: the cost of a plain linear scan.
  const plain = parseIptables(text).ruleset;
  compileRuleset(plain, { indexMinRules: Number.POSITIVE_INFINITY });
  const evalUnindexedUs = time(plain);
  return { services, rules, parseMs, printMs, compileMs, evalUs, evalUnindexedUs, evaluations };
}

/** `npm run bench` entry (bench/run.ts): a Markdown table for 100, 1,000 and 10,000 services. */
export function runBench(): void {
  // The benchmark is the one place that reads a clock; nothing in the engine calls it.
  // eslint-disable-next-line no-restricted-properties
  const now = () => performance.now();
  const rows = [100, 1_000, 10_000].map((n) => benchNetfilter(now, n, n === 10_000 ? 2_000 : 1_000));
  const f = (x: number, d = 1) => x.toFixed(d);
  console.log('## Netfilter evaluator\n');
  console.log('| services | rules (nat) | parse ms | print (save) ms | compile ms | evaluate µs (indexed) | evaluate µs (linear scan) |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.services} | ${r.rules} | ${f(r.parseMs, 0)} | ${f(r.printMs, 0)} | ${f(r.compileMs, 0)} | ${f(r.evalUs)} | ${f(r.evalUnindexedUs)} |`);
  }
  console.log('\nOne evaluation = a NEW TCP packet to a random cluster IP through nat PREROUTING (KUBE-SERVICES → KUBE-SVC → KUBE-SEP → DNAT), hits formatted.\n');
}
