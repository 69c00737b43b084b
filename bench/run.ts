/**
 * `npm run bench`: prints Markdown tables. Engine figures first (parse, cluster, one node's
 * kube-proxy rules, ratio to the bare `yaml` parse), then each module's own benchmark when present.
 * Times are medians of several runs after a warm-up, on this machine.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { BENCH_SIZES, benchManifests } from './generate.ts';
import { parseManifests } from '../src/engine/parse/index.ts';
import { buildCluster } from '../src/engine/cluster/index.ts';
import { kubeProxyRestoreText } from '../src/engine/kube-proxy/index.ts';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export function timeIt<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let value = fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function engineTable(): void {
  console.log('## Engine: parse → cluster → one node\'s kube-proxy rules\n');
  console.log('| services | nodes | pods | text MB | bare yaml ms | parse ms | cluster ms | rules ms (1 node) | rule lines | total ms | total / bare |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const size of BENCH_SIZES) {
    const text = benchManifests(size);
    const runs = size.services >= 10_000 ? 3 : 5;
    // The same YAML 1.1 rules our parser applies (Kubernetes' rules), so the ratio compares like with like.
    const bare = timeIt(runs, () => parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS()));
    const parsed = timeIt(runs, () => parseManifests(text));
    const built = timeIt(runs, () => buildCluster(parsed.value.objects));
    const node = built.value.cluster.nodes[1]?.name ?? built.value.cluster.nodes[0]!.name;
    const rules = timeIt(runs, () => kubeProxyRestoreText(built.value.cluster, node));
    const total = parsed.ms + built.ms + rules.ms;
    console.log(
      `| ${size.services} | ${size.nodes} | ${built.value.cluster.pods.length} | ${(text.length / 1e6).toFixed(1)} | ${fmt(bare.ms)} | ${fmt(parsed.ms)} | ${fmt(built.ms)} | ${fmt(rules.ms)} | ${rules.value.split('\n').length} | ${fmt(total)} | ${(total / bare.ms).toFixed(2)}× |`,
    );
  }
  console.log('\nTarget at 10,000 services: total < 1,000 ms and < 2× the bare parse.\n');
}

/** Each module's benchmark exports `runBench()`, which prints its own Markdown table. */
type Section = { title: string; file: string };

async function optionalSection(s: Section): Promise<void> {
  const url = new URL(s.file, import.meta.url);
  if (!existsSync(url)) {
    console.log(`## ${s.title}\n\n(not present: ${s.file})\n`);
    return;
  }
  const mod = (await import(url.href)) as { runBench(): Promise<void> | void };
  await mod.runBench();
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'engine') engineTable();
  const sections: Section[] = [
    { title: 'Netfilter evaluator', file: '../src/engine/netfilter/bench.ts' },
    { title: 'Trace', file: '../src/engine/walk/bench.ts' },
    { title: 'Browser', file: '../e2e/bench/app-bench.ts' },
    { title: 'Embed', file: '../e2e/bench/embed-bench.ts' },
  ];
  for (const s of sections) if (!only || s.title.toLowerCase().startsWith(only)) await optionalSection(s);
}

await main();
