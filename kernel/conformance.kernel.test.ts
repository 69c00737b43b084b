/**
 * Kernel conformance: for each CNI the kernel can build, the lab goes up, every probe of
 * scenarios.ts is sent for real from its source netns, and the result is compared with the trace
 * the engine gives for the same request (verdict, endpoint, observed source, matched rules).
 * Disagreements the walker still has are listed in known-disagreements.ts, and checked to persist.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, runTrace } from '../src/engine';
import { labLayout, labScript } from '../src/engine/lab';
import type { Trace, TraceRequest } from '../src/engine/walk/types';
import { compare, dnatTarget, kernelRules, traceEndpoint, traceRules, type Disagreement, type KernelResult, type Observation } from './conformance';
import { outerPacketRules } from './outer-packets';
import { knownDisagreement, OUTER_PACKET_GAP } from './known-disagreements';
import { LabRunner, labUnavailable, python, readRecords } from './lab-runner';
import { movedRules, snapshot } from './rule-counters';
import { DnsStubs, compareDns, lookup, upstreamRecords } from './dns-probe';
import { CNI_CASES, DNS_PROBES, EXTERNAL_IP, manifests, PROBES, type ProbeCase } from './scenarios';

const why = labUnavailable();
if (why) console.log(`SKIPPED kernel conformance tests: ${why}`);
const PROBE_TIMEOUT_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Listener {
  who: string;
  ip: string;
  proto: 'tcp' | 'udp';
  port: number;
  file: string;
  seen: number;
}

interface Result {
  probe: string;
  kernel: KernelResult;
  receiver: string | null;
  peer: string | null;
  trace: string;
  disagreements: Disagreement[];
  known: string[];
}

for (const c of CNI_CASES) {
  describe.skipIf(why !== null || c.notKernelChecked !== undefined)(`conformance: ${c.id}`, () => {
    if (c.notKernelChecked) console.log(`NOT KERNEL-CHECKED ${c.id}: ${c.notKernelChecked}`);
    const model = buildModel(manifests(c));
    const layout = labLayout(model.cluster, model.dataplane, { externalIp: EXTERNAL_IP });
    const lab = new LabRunner(labScript(model.cluster, model.dataplane, { externalIp: EXTERNAL_IP }));
    const listeners: Listener[] = [];
    const results: Result[] = [];
    const py = python();
    const dns = new DnsStubs(lab);
    // Built-in chains without rules decide nothing; the walker does not list their policy.
    const emptyBuiltin = new Set<string>();
    for (const [node, nd] of Object.entries(model.dataplane.nodes))
      for (const t of nd.iptables.tables) for (const ch of t.chains) if (ch.policy && ch.rules.length === 0) emptyBuiltin.add(`${node} ${t.name} ${ch.name}`);

    beforeAll(async () => {
      expect(model.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const up = lab.up();
      if (up.status !== 0) throw new Error(`lab up failed: ${up.stderr}`);
      for (const p of layout.pods) {
        const pod = model.cluster.pods.find((x) => `${x.namespace}/${x.name}` === p.pod);
        if (pod?.labels['k8s-app'] === 'kube-dns') {
          const resolv = model.dataplane.nodes[p.node]!.pods[p.pod]!.resolvConf;
          const file = await dns.start(p.netns, { zone: model.cluster.settings.clusterDomain, records: model.cluster.dnsRecords, forward: resolv?.nameservers[0] ?? null });
          listeners.push({ who: p.pod, ip: p.ip ?? '', proto: 'udp', port: 53, file, seen: 0 });
          continue;
        }
        for (const port of pod?.containers.flatMap((x) => x.ports) ?? []) {
          const proto = port.protocol === 'UDP' ? 'udp' : 'tcp';
          const file = await lab.listen(p.netns, proto, port.containerPort);
          listeners.push({ who: p.pod, ip: p.ip ?? '', proto, port: port.containerPort, file, seen: 0 });
        }
      }
      if (layout.upstream) {
        const file = await dns.start(layout.upstream.netns, { zone: null, records: upstreamRecords(DNS_PROBES.map((d) => d.name), layout.upstream.ips[0]!), forward: null });
        listeners.push({ who: 'upstream', ip: layout.upstream.ips[0]!, proto: 'udp', port: 53, file, seen: 0 });
      }
    });

    afterAll(() => {
      const down = lab.down();
      lab.dispose();
      const file = join(tmpdir(), `pw-lab-conformance-${c.id}.json`);
      writeFileSync(file, JSON.stringify(results, null, 2));
      const agree = results.filter((r) => r.disagreements.length === 0).length;
      console.log(`conformance ${c.id}: ${results.length} probes, ${agree} agree, ${results.length - agree} disagree (details: ${file})`);
      expect(down.status).toBe(0);
    });

    const sourceNetns = (from: string): string => {
      if (from.startsWith('pod/')) return layout.pods.find((p) => `pod/${p.pod}` === from)!.netns;
      if (from.startsWith('node/')) return layout.nodes.find((n) => `node/${n.node}` === from)!.netns;
      return layout.external.netns;
    };

    async function send(netns: string, p: ProbeCase, dst: string, port: number | undefined): Promise<{ result: KernelResult; from?: string }> {
      const argv =
        p.proto === 'icmp'
          ? [py!, lab.agentPath('ping.py'), dst, String(PROBE_TIMEOUT_MS)]
          : [process.execPath, lab.agentPath('probe.mjs'), p.proto, dst, String(port), String(PROBE_TIMEOUT_MS)];
      const r = lab.exec(netns, argv);
      return JSON.parse(r.stdout || '{"result":"error"}') as { result: KernelResult; from?: string };
    }

    /** New listener records since the last probe (TCP accept can trail the client's connect). */
    async function arrivals(wait: boolean): Promise<{ who: string; ip: string; peer: string }[]> {
      for (let i = 0; i < (wait ? 20 : 1); i++) {
        const got: { who: string; ip: string; peer: string }[] = [];
        for (const l of listeners) {
          const recs = readRecords<{ peer: string }>(l.file);
          for (const r of recs.slice(l.seen)) got.push({ who: l.who, ip: l.ip, peer: r.peer.replace(/^::ffff:/, '') });
          l.seen = recs.length;
        }
        if (got.length || !wait) return got;
        await sleep(50);
      }
      return [];
    }

    for (const p of PROBES) {
      it(p.id, async () => {
        if (p.proto === 'icmp' && !py) {
          console.log(`SKIPPED ${c.id} ${p.id}: no python3 for the ICMP agent`);
          return;
        }
        const req: TraceRequest = { from: p.from, to: p.to, proto: p.proto, seed: 1, ...(p.port ? { port: p.port } : {}) };
        const first = runTrace(model, req);
        if ('error' in first) {
          const d: Disagreement[] = [{ aspect: 'trace-error', kernel: '-', trace: first.error }];
          results.push({ probe: p.id, kernel: 'error', receiver: null, peer: null, trace: 'error', disagreements: d, known: [] });
          expect.soft(knownDisagreement(c.id, p.id, 'trace-error'), first.error).toBeDefined();
          return;
        }
        const sent = first.hops[0]!.packet;
        const netns = sourceNetns(p.from);
        // An external client reaches addresses off the wire subnet through the node the trace enters.
        const entry = first.hops.find((h) => h.node !== null);
        // (for a load-balancer IP this stands in for MetalLB answering ARP on that node).
        if (netns === layout.external.netns && entry && !layout.nodes.some((n) => n.ip === sent.dst)) {
          const node = layout.nodes.find((n) => n.node === entry.node)!;
          lab.exec(netns, ['ip', 'route', 'replace', `${sent.dst}/32`, 'via', node.ip]);
        }
        await arrivals(false);
        const before = snapshot(lab, layout.nodes);
        const sentOut = await send(netns, p, sent.dst, sent.dport);
        const kernel = sentOut.result;
        const got = await arrivals(kernel === 'connected' || kernel === 'replied');
        // ICMP has no listener: the echo reply's source names the pod that answered.
        const replier = p.proto === 'icmp' && kernel === 'reply' ? layout.pods.find((x) => x.ip === sentOut.from) : undefined;
        if (replier) got.push({ who: replier.pod, ip: replier.ip!, peer: '' });
        await sleep(100);
        const moved = movedRules(before, snapshot(lab, layout.nodes));
        const receiver = got[0] ?? null;
        const disagreements: Disagreement[] = [];
        // A service may send to any endpoint: the kernel's choice (its DNAT, or who received) must be
        // one the trace allows; then the trace for that choice is compared on everything else.
        const chosen = moved.map((r) => (r.chain.startsWith('KUBE-SEP-') ? dnatTarget(r.text) : undefined)).find(Boolean) ?? (receiver?.who !== 'upstream' ? receiver?.ip : undefined);
        let trace: Trace = first;
        if (chosen && !p.to.startsWith('pod/') && traceEndpoint(first) !== chosen) {
          const picked = runTrace(model, { ...req, pick: chosen });
          if (!('error' in picked)) trace = picked;
          else {
            disagreements.push({ aspect: 'pick', kernel: chosen, trace: picked.error });
            // Still compare the rest: some seed takes the trace to the kernel's endpoint.
            for (let seed = 2; seed <= 64; seed++) {
              const t = runTrace(model, { ...req, seed });
              if (!('error' in t) && traceEndpoint(t) === chosen) {
                trace = t;
                break;
              }
            }
            if (traceEndpoint(trace) !== chosen) disagreements.push({ aspect: 'endpoint', kernel: chosen, trace: traceEndpoint(trace) ?? 'none' });
          }
        }
        const obs: Observation = {
          result: kernel,
          receiver: receiver?.who === 'upstream' ? null : (receiver?.who ?? null),
          receiverIp: receiver?.ip ?? null,
          peer: receiver?.peer || null,
          rules: kernelRules(moved.filter((r) => !emptyBuiltin.has(`${r.node} ${r.table} ${r.chain}`) || r.index >= 0)),
        };
        if (receiver?.who === 'upstream') obs.receiverIp = receiver.ip;
        const outer = [...outerPacketRules(model, trace), ...outerPacketRules(model, trace.reply)];
        disagreements.push(...compare(obs, trace, { tcp: p.proto === 'tcp', extraTraceRules: outer }).disagreements);
        const known = disagreements.map((d) => knownDisagreement(c.id, p.id, d.aspect)).filter((k): k is string => k !== undefined);
        const walkerRules = new Set([...traceRules(trace), ...traceRules(trace.reply)]);
        if (outer.some((k) => !walkerRules.has(k) && obs.rules.includes(k))) known.push(OUTER_PACKET_GAP);
        results.push({ probe: p.id, kernel, receiver: receiver?.who ?? null, peer: receiver?.peer ?? null, trace: trace.verdict, disagreements, known });
        const unexplained = disagreements.filter((d) => knownDisagreement(c.id, p.id, d.aspect) === undefined);
        expect(unexplained, `${c.id} ${p.id}`).toEqual([]);
      });
    }

    for (const d of DNS_PROBES) {
      it(d.id, async () => {
        const trace = runTrace(model, { from: d.from, to: `dns:${d.name}`, proto: 'tcp', port: 80, seed: 1 });
        await arrivals(false);
        dns.mark();
        const kernel = lookup(lab, sourceNetns(d.from), d.name, py);
        await sleep(100);
        const disagreements: Disagreement[] =
          'error' in trace ? [{ aspect: 'trace-error', kernel: '-', trace: trace.error }] : compareDns(kernel, dns.queriesSinceMark(), dns.upstreamAnswers(), trace);
        await arrivals(false);
        const known = disagreements.map((x) => knownDisagreement(c.id, d.id, x.aspect)).filter((k): k is string => k !== undefined);
        results.push({ probe: d.id, kernel: kernel.found ? 'replied' : 'refused', receiver: null, peer: null, trace: 'error' in trace ? 'error' : trace.verdict, disagreements, known });
        expect(disagreements.filter((x) => knownDisagreement(c.id, d.id, x.aspect) === undefined), `${c.id} ${d.id}`).toEqual([]);
      });
    }
  });
}
