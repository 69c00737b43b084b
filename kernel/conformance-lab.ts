/**
 * One cluster, built for real: the lab is brought up, listeners and DNS stubs started in the pods
 * and outside the cluster, and each probe is sent from its source netns and compared with the trace
 * the engine gives for the same request.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrace, type EngineModel } from '../src/engine';
import { labLayout, labScript, type LabLayout } from '../src/engine/lab';
import type { L4Proto, Trace, TraceRequest } from '../src/engine/walk/types';
import { compare, dnatTarget, kernelRules, traceEndpoint, type Disagreement, type KernelResult, type Observation } from './conformance';
import { compareDns, DnsStubs, lookup, upstreamRecords } from './dns-probe';
import { knownDisagreement } from './known-disagreements';
import { LabRunner, python, readRecords } from './lab-runner';
import { kernelSaveText, movedRules, snapshot } from './rule-counters';
import { printIptablesSave } from '../src/engine/netfilter';

const PROBE_TIMEOUT_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Listener {
  who: string;
  ip: string;
  file: string;
  seen: number;
}

export interface Probe {
  id: string;
  from: string;
  to: string;
  proto: L4Proto;
  port?: number;
}

export interface Result {
  probe: string;
  kernel: KernelResult;
  receiver: string | null;
  peer: string | null;
  trace: string;
  disagreements: Disagreement[];
  /** The known walker gaps this probe met (known-disagreements.ts). */
  known: string[];
  /** Nodes the trace (request and reply) passes through. */
  visited: string[];
  /** `node HOOK` for every netfilter hook the trace passes on a node. */
  hooks: string[];
  /** Sent again for stray counter moves the trace cannot have made: those nodes' conntrack tables. */
  retried?: string[];
}

export class ConformanceLab {
  readonly layout: LabLayout;
  readonly lab: LabRunner;
  readonly results: Result[] = [];
  readonly py = python();
  private readonly listeners: Listener[] = [];
  private readonly dns: DnsStubs;
  /** Built-in chains without rules decide nothing; the walker does not list their policy. */
  private readonly emptyBuiltin = new Set<string>();

  constructor(
    readonly caseId: string,
    readonly model: EngineModel,
    externalIp: string,
  ) {
    this.layout = labLayout(model.cluster, model.dataplane, { externalIp });
    this.lab = new LabRunner(labScript(model.cluster, model.dataplane, { externalIp }));
    this.dns = new DnsStubs(this.lab);
    for (const [node, nd] of Object.entries(model.dataplane.nodes))
      for (const t of nd.iptables.tables) for (const ch of t.chains) if (ch.policy && ch.rules.length === 0) this.emptyBuiltin.add(`${node} ${t.name} ${ch.name}`);
  }

  /** Up, then a listener on every declared container port, DNS stubs in CoreDNS and upstream. */
  async start(dnsNames: string[], outside: { proto: 'tcp' | 'udp'; port: number }[] = [], warm = false): Promise<void> {
    const up = this.lab.up();
    if (up.status !== 0) throw new Error(`lab up failed: ${up.stderr}`);
    const { model, layout, lab } = this;
    for (const p of layout.pods) {
      const pod = model.cluster.pods.find((x) => `${x.namespace}/${x.name}` === p.pod);
      if (pod?.labels['k8s-app'] === 'kube-dns') {
        const resolv = model.dataplane.nodes[p.node]!.pods[p.pod]!.resolvConf;
        const file = await this.dns.start(p.netns, { zone: model.cluster.settings.clusterDomain, records: model.cluster.dnsRecords, forward: resolv?.nameservers[0] ?? null });
        this.listeners.push({ who: p.pod, ip: p.ip ?? '', file, seen: 0 });
        continue;
      }
      const seen = new Set<string>();
      for (const port of pod?.containers.flatMap((x) => x.ports) ?? []) {
        const proto = port.protocol === 'UDP' ? 'udp' : 'tcp';
        if (seen.has(`${proto}/${port.containerPort}`)) continue;
        seen.add(`${proto}/${port.containerPort}`);
        this.listeners.push({ who: p.pod, ip: p.ip ?? '', file: await lab.listen(p.netns, proto, port.containerPort), seen: 0 });
      }
    }
    if (layout.upstream) {
      const ip = layout.upstream.ips[0]!;
      const file = await this.dns.start(layout.upstream.netns, { zone: null, records: upstreamRecords(dnsNames, ip), forward: null });
      this.listeners.push({ who: 'upstream', ip, file, seen: 0 });
      for (const o of outside.filter((x) => !(x.proto === 'udp' && x.port === 53))) {
        this.listeners.push({ who: 'upstream', ip, file: await lab.listen(layout.upstream.netns, o.proto, o.port), seen: 0 });
      }
    }
    if (warm) this.warmNeighbours();
  }

  /**
   * One echo from every pod and node to every pod and node, so that no probe starts with an ARP
   * broadcast: an L2 overlay (Weave) floods those to every node, which the walker does not model.
   */
  warmNeighbours(): void {
    if (!this.py) return;
    const targets = [...this.layout.pods.map((p) => p.ip).filter((ip): ip is string => !!ip), ...this.layout.nodes.map((n) => n.ip)];
    for (const netns of [...this.layout.pods.map((p) => p.netns), ...this.layout.nodes.map((n) => n.netns)]) {
      this.lab.exec(netns, [this.py, this.lab.agentPath('warm.py'), ...targets]);
    }
  }

  /** Stops everything, writes the results file, returns `down`'s exit status. */
  stop(): number | null {
    const down = this.lab.down();
    this.lab.dispose();
    const file = join(tmpdir(), `pw-lab-conformance-${this.caseId}.json`);
    writeFileSync(file, JSON.stringify(this.results, null, 2));
    const final = this.results.filter((r) => !r.retried);
    const agree = final.filter((r) => r.disagreements.length === 0).length;
    const resent = this.results.length - final.length;
    console.log(`conformance ${this.caseId}: ${final.length} probes, ${agree} agree, ${final.length - agree} disagree${resent ? `, ${resent} resent after stray counter moves` : ''} (details: ${file})`);
    return down.status;
  }

  /** Lines where the kernel's `iptables-save` differs from the model's save text, per node. */
  rulesetDiff(squashSpaces = false): string[] {
    const out: string[] = [];
    // Built-in chains print their policy counters even without -c; traffic before this check moves them.
    const norm = (l: string) => (squashSpaces ? l.replace(/ {2,}/g, ' ') : l).replace(/^(:\S+ (?:ACCEPT|DROP)) \[\d+:\d+\]$/, '$1 [0:0]');
    for (const n of this.layout.nodes) {
      const model = printIptablesSave(this.model.dataplane.nodes[n.node]!.iptables).split('\n').filter((l) => l && !l.startsWith('#')).map(norm);
      const kernel = kernelSaveText(this.lab, n.netns).split('\n').map(norm);
      const k = new Set(kernel);
      const m = new Set(model);
      for (const l of model) if (!k.has(l)) out.push(`${n.node} model: ${l}`);
      for (const l of kernel) if (!m.has(l)) out.push(`${n.node} kernel: ${l}`);
    }
    return out;
  }

  /** The lab netns the trace starts in (`pod/default/frontend` may name a Deployment's pod). */
  sourceNetns(trace: Trace | { error: string }, from: string): string {
    const { layout } = this;
    const first = 'error' in trace ? undefined : trace.hops[0];
    if (first?.netns.startsWith('pod:')) {
      const pod = layout.pods.find((p) => `pod:${p.pod}` === first.netns);
      if (pod) return pod.netns;
    }
    if (first?.netns === 'host' && first.node) return layout.nodes.find((n) => n.node === first.node)!.netns;
    if (from.startsWith('pod/')) return layout.pods.find((p) => `pod/${p.pod}` === from)?.netns ?? layout.external.netns;
    if (from.startsWith('node/')) return layout.nodes.find((n) => `node/${n.node}` === from)?.netns ?? layout.external.netns;
    return layout.external.netns;
  }

  private send(netns: string, proto: L4Proto, dst: string, port: number | undefined): { result: KernelResult; from?: string } {
    const argv =
      proto === 'icmp'
        ? [this.py!, this.lab.agentPath('ping.py'), dst, String(PROBE_TIMEOUT_MS)]
        : [process.execPath, this.lab.agentPath('probe.mjs'), proto, dst, String(port), String(PROBE_TIMEOUT_MS)];
    const r = this.lab.exec(netns, argv);
    return JSON.parse(r.stdout || '{"result":"error"}') as { result: KernelResult; from?: string };
  }

  /** New listener records since the last probe (TCP accept can trail the client's connect). */
  private async arrivals(wait: boolean): Promise<{ who: string; ip: string; peer: string }[]> {
    for (let i = 0; i < (wait ? 20 : 1); i++) {
      const got: { who: string; ip: string; peer: string }[] = [];
      for (const l of this.listeners) {
        const recs = readRecords<{ peer: string }>(l.file);
        for (const r of recs.slice(l.seen)) got.push({ who: l.who, ip: l.ip, peer: r.peer.replace(/^::ffff:/, '') });
        l.seen = recs.length;
      }
      if (got.length || !wait) return got;
      await sleep(50);
    }
    return [];
  }

  private record(id: string, r: Omit<Result, 'probe' | 'known' | 'visited' | 'hooks'>, extraKnown: string[] = [], trace?: Trace): Disagreement[] {
    const known = [...r.disagreements.map((d) => knownDisagreement(this.caseId, id, d.aspect)).filter((k): k is string => k !== undefined), ...extraKnown];
    const hops = [...(trace?.hops ?? []), ...(trace?.reply?.hops ?? [])];
    const visited = [...new Set(hops.map((h) => h.node).filter((n): n is string => n !== null))];
    const hooks = [...new Set(hops.filter((h) => h.kind === 'netfilter' && h.node && h.detail.chain).map((h) => `${h.node} ${h.detail.chain}`))];
    this.results.push({ probe: id, ...r, known, visited, hooks });
    return r.disagreements.filter((d) => knownDisagreement(this.caseId, id, d.aspect) === undefined);
  }

  /**
   * Sends one probe for real and compares it with the trace; returns the unexplained disagreements.
   * Counters are shared by every packet in a netns, so a stray packet can move rules the probe did
   * not: 3 in ~300 probes over three runs; the conntrack tables kept for them show IGMP membership
   * reports (protocol 2, to 224.0.0.22) the kernel sends on its own after a bridge comes up. When the only disagreement
   * is rules the trace cannot have passed — on a node it never visits or whose netfilter it never
   * passes, or in a built-in chain of a hook it never reaches on that node — the probe is sent once more; the first attempt stays in
   * the results file with those nodes' conntrack tables, to find the flow. A walker error
   * reproduces on the second send, so it is still caught.
   */
  async probe(p: Probe): Promise<Disagreement[]> {
    const first = await this.probeOnce(p);
    const attempt = this.results[this.results.length - 1]!;
    // Kernel-only lines read `+ <node> <table> -A|-P <chain> ...`.
    const lines = first.flatMap((d) => (d.aspect === 'rules' && d.trace === '' ? d.kernel.split('\n') : ['not rules']));
    const elsewhere = (l: string) => {
      const m = /^\+ (\S+) \S+ -[AP] (PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)\b/.exec(l) ?? /^\+ (\S+) /.exec(l);
      if (!m) return false;
      // A node whose netfilter the trace never passes (it only crossed a pod netns there) cannot
      // have moved any of its counters, in built-in chains or not.
      const passedNetfilter = attempt.hooks.some((h) => h.startsWith(`${m[1]} `));
      return !attempt.visited.includes(m[1]!) || !passedNetfilter || (m[2] !== undefined && !attempt.hooks.includes(`${m[1]} ${m[2]}`));
    };
    const nodes = new Set(lines.map((l) => /^\+ (\S+) /.exec(l)?.[1] ?? ''));
    const stray = first.length > 0 && lines.every(elsewhere);
    if (!stray) return first;
    attempt.retried = [...nodes].map((n) => `${n}: ${this.lab.exec(this.layout.nodes.find((x) => x.node === n)!.netns, ['conntrack', '-L']).stdout.trim()}`);
    return this.probeOnce(p);
  }

  private async probeOnce(p: Probe): Promise<Disagreement[]> {
    const { model, layout, lab } = this;
    const req: TraceRequest = { from: p.from, to: p.to, proto: p.proto, seed: 1, ...(p.port ? { port: p.port } : {}) };
    if (p.to.startsWith('dns:')) return this.dnsProbe(p.id, p.from, p.to.slice(4), req);
    const first = runTrace(model, req);
    if ('error' in first) {
      return this.record(p.id, { kernel: 'error', receiver: null, peer: null, trace: 'error', disagreements: [{ aspect: 'trace-error', kernel: '-', trace: first.error }] });
    }
    const sent = first.hops[0]!.packet;
    const netns = this.sourceNetns(first, p.from);
    // An external client reaches a load-balancer or external IP through the node the trace enters
    // (MetalLB answering ARP on that node, or a router's static route).
    const entry = first.hops.find((h) => h.node !== null);
    if (netns === layout.external.netns && entry && !layout.nodes.some((n) => n.ip === sent.dst)) {
      const via = layout.nodes.find((n) => n.node === entry.node)!.ip;
      lab.exec(netns, ['ip', 'route', 'replace', `${sent.dst}/32`, 'via', via]);
      // A client off the node subnet goes through the gateway: the route belongs there (BGP's job).
      lab.exec(layout.wire.netns, ['ip', 'route', 'replace', `${sent.dst}/32`, 'via', via]);
    }
    await this.arrivals(false);
    this.forgetConnections();
    const before = snapshot(lab, layout.nodes);
    const out = this.send(netns, p.proto, sent.dst, sent.dport);
    const got = await this.arrivals(out.result === 'connected' || out.result === 'replied');
    // ICMP has no listener: the echo reply's source names the pod that answered.
    const replier = p.proto === 'icmp' && out.result === 'reply' ? layout.pods.find((x) => x.ip === out.from) : undefined;
    if (replier) got.push({ who: replier.pod, ip: replier.ip!, peer: '' });
    await sleep(100);
    const moved = movedRules(before, snapshot(lab, layout.nodes));
    const receiver = got[0] ?? null;
    const disagreements: Disagreement[] = [];
    // A service may send to any endpoint: the kernel's choice (its DNAT, or who received) must be one
    // the trace allows; then the trace for that choice is compared on everything else.
    const chosen = moved.map((r) => (r.chain.startsWith('KUBE-SEP-') ? dnatTarget(r.text) : undefined)).find(Boolean);
    let trace: Trace = first;
    if (chosen && !p.to.startsWith('pod/') && traceEndpoint(first) !== chosen) {
      const picked = runTrace(model, { ...req, pick: chosen });
      if (!('error' in picked)) trace = picked;
      else {
        disagreements.push({ aspect: 'pick', kernel: chosen, trace: picked.error });
        // Still compare the rest: some seed takes the trace to the kernel's endpoint.
        for (let seed = 2; seed <= 64 && traceEndpoint(trace) !== chosen; seed++) {
          const t = runTrace(model, { ...req, seed });
          if (!('error' in t) && traceEndpoint(t) === chosen) trace = t;
        }
        if (traceEndpoint(trace) !== chosen) disagreements.push({ aspect: 'endpoint', kernel: chosen, trace: traceEndpoint(trace) ?? 'none' });
      }
    }
    const obs: Observation = {
      result: out.result,
      receiver: receiver?.who === 'upstream' ? null : (receiver?.who ?? null),
      // Outside the cluster one netns answers for every address: it received what was sent.
      receiverIp: receiver?.who === 'upstream' ? sent.dst : (receiver?.ip ?? null),
      peer: receiver?.peer || null,
      rules: kernelRules(moved.filter((r) => r.index >= 0 || !this.emptyBuiltin.has(`${r.node} ${r.table} ${r.chain}`))),
    };
    disagreements.push(...compare(obs, trace, { tcp: p.proto === 'tcp' }).disagreements);
    return this.record(p.id, { kernel: out.result, receiver: receiver?.who ?? null, peer: receiver?.peer || null, trace: trace.verdict, disagreements }, [], trace);
  }

  /**
   * A trace starts from empty conntrack tables; the lab's must be too. Entries an earlier probe
   * left would make a later packet ESTABLISHED: a VXLAN outer flow's source port is a hash of the
   * inner addresses and protocol only for ICMP, so a port-unreachable error rides the outer flow
   * an earlier ping's echo reply opened between the same pods, and skips nat.
   */
  private forgetConnections(): void {
    for (const n of this.layout.nodes) this.lab.exec(n.netns, ['conntrack', '-F']);
  }

  private async dnsProbe(id: string, from: string, name: string, req: TraceRequest): Promise<Disagreement[]> {
    const trace = runTrace(this.model, req);
    await this.arrivals(false);
    this.forgetConnections();
    this.dns.mark();
    const kernel = lookup(this.lab, this.sourceNetns(trace, from), name, this.py);
    await sleep(100);
    const disagreements: Disagreement[] =
      'error' in trace ? [{ aspect: 'trace-error', kernel: '-', trace: trace.error }] : compareDns(kernel, this.dns.queriesSinceMark(), this.dns.upstreamAnswers(), trace);
    await this.arrivals(false);
    return this.record(id, { kernel: kernel.found ? 'replied' : 'refused', receiver: null, peer: null, trace: 'error' in trace ? 'error' : trace.verdict, disagreements });
  }
}
