/**
 * `npm run bench` section "Trace": time of one cross-node NodePort trace (external client → a
 * node without the endpoint → DNAT + MASQUERADE → IPIP → pod, and the reply) in clusters of
 * 100 / 1,000 / 10,000 services with 3 endpoints each. The model is built once (and the two
 * nodes' rule sets on the first trace); only `runTrace` is timed (median after a warm-up). Not part of the engine: nothing imports it.
 */
import { BENCH_SIZES, benchManifests, type BenchSize } from '../../../bench/generate';
import { buildModel, runTrace, type EngineModel } from '../index';

function ruleCount(model: EngineModel, node: string): number {
  return model.dataplane.nodes[node]?.iptables.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0) ?? 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export interface TraceBenchRow {
  services: number;
  rules: number;
  hops: number;
  ms: number;
}

/** Times the trace; `now` is the caller's clock (the engine has none). */
export function benchTrace(size: BenchSize, now: () => number, runs = 15): TraceBenchRow {
  // The engine benchmark's clusters (bench/generate.ts): Calico IPIP, 3-replica Deployments, every 10th service a NodePort.
  const model = buildModel(benchManifests(size));
  // The last NodePort service: its rules sit furthest down KUBE-SERVICES and KUBE-NODEPORTS.
  const svc = model.cluster.services.filter((x) => x.type === 'NodePort').pop()!;
  const port = svc.ports[0]!;
  const busy = new Set(port.endpoints.map((e) => e.nodeName));
  const entry = model.cluster.nodes.find((n) => n.role === 'worker' && !busy.has(n.name))!;
  const req = { from: 'external/203.0.113.50', to: `${entry.ip}:${port.nodePort}`, proto: 'tcp' as const };
  const first = runTrace(model, req);
  for (let i = 0; i < 5; i++) runTrace(model, req); // JIT warm-up, so sizes compare fairly
  if ('error' in first || first.verdict !== 'delivered') throw new Error(`bench trace failed: ${JSON.stringify('error' in first ? first.error : first.verdict)}`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    runTrace(model, req);
    times.push(now() - t0);
  }
  return { services: size.services, rules: ruleCount(model, entry.name), hops: first.hops.length + (first.reply?.hops.length ?? 0), ms: median(times) };
}

export function runBench(): void {
  // eslint-disable-next-line no-restricted-properties -- the benchmark measures the engine from outside; it is not engine code
  const now = () => performance.now();
  console.log('## Trace: external → NodePort on a node without the endpoint (cross-node, IPIP, with reply)\n');
  console.log('| services | rules on the node | hops (request + reply) | trace ms (median) |');
  console.log('|---:|---:|---:|---:|');
  for (const size of BENCH_SIZES) {
    const r = benchTrace(size, now, size.services >= 10_000 ? 9 : 15);
    console.log(`| ${r.services} | ${r.rules} | ${r.hops} | ${r.ms.toFixed(2)} |`);
  }
  console.log('\nTarget: < 5 ms at 10,000 services.\n');
}
