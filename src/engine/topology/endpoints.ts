import type { L4Proto } from '../walk/types';
import type { ScenarioEndpoint, Topology } from './types';

/** Node ports are listed per node up to this many entries, so huge clusters keep a usable picker. */
const MAX_NODE_PORT_ENTRIES = 400;

const l4 = (protocol: string): L4Proto => (protocol.toLowerCase() === 'udp' ? 'udp' : 'tcp');

/**
 * Everything the scenario bar can offer, in the CLI's endpoint syntax (DESIGN.md §8), grouped the
 * way a user thinks of them. Sources: pods, nodes, external clients. Targets: all of them plus
 * Services, node ports, load balancer IPs and DNS names.
 */
export function scenarioEndpoints(t: Topology, clusterDomain = 'cluster.local'): ScenarioEndpoint[] {
  const out: ScenarioEndpoint[] = [];
  for (const p of t.pods)
    out.push({ spec: `pod/${p.namespace}/${p.name}`, label: `${p.namespace}/${p.name} (${p.ip})`, group: 'Pods', source: true, target: true });
  for (const n of t.nodes) out.push({ spec: `node/${n.name}`, label: `${n.name} (${n.ip})`, group: 'Nodes', source: true, target: true });
  for (const s of t.services) {
    if (s.type === 'ExternalName') continue;
    for (const p of s.ports) {
      const portLabel = p.name ? `${p.port} ${p.name}` : `${p.port}`;
      const vip = s.clusterIP === 'None' ? 'headless' : s.clusterIP;
      // Named ports by name, as kube-proxy's servicePortName and the CLI's `svc/ns/name:port` use them.
      out.push({ spec: `svc/${s.namespace}/${s.name}:${p.name || p.port}`, label: `${s.namespace}/${s.name}:${portLabel}/${p.protocol} (${vip})`, group: 'Services', source: false, target: true, proto: l4(p.protocol), port: p.port });
    }
  }
  let nodePorts = 0;
  for (const s of t.services)
    for (const p of s.ports) {
      if (!p.nodePort) continue;
      for (const n of t.nodes) {
        if (nodePorts++ >= MAX_NODE_PORT_ENTRIES) break;
        out.push({ spec: `${n.ip}:${p.nodePort}`, label: `${n.name} ${n.ip}:${p.nodePort} → ${s.namespace}/${s.name}`, group: 'Node ports', source: false, target: true, proto: l4(p.protocol), port: p.nodePort });
      }
    }
  for (const s of t.services)
    for (const ip of [...s.loadBalancerIPs, ...s.externalIPs])
      for (const p of s.ports)
        out.push({ spec: `${ip}:${p.port}`, label: `${ip}:${p.port} → ${s.namespace}/${s.name}`, group: 'Load balancers', source: false, target: true, proto: l4(p.protocol), port: p.port });
  for (const e of t.externals) {
    if (!e.ip) continue;
    out.push({ spec: `external/${e.ip}`, label: `${e.label} (${e.ip})`, group: 'External', source: true, target: true });
  }
  for (const s of t.services) {
    if (s.type === 'ExternalName') continue;
    const first = s.ports[0];
    const name = `${s.name}.${s.namespace}.svc.${clusterDomain}`;
    out.push({ spec: `dns:${name}`, label: name, group: 'DNS names', source: false, target: true, ...(first ? { proto: l4(first.protocol), port: first.port } : {}) });
  }
  out.push({ spec: 'dns:example.com', label: 'example.com (forwarded upstream)', group: 'DNS names', source: false, target: true, proto: 'tcp', port: 443 });
  return out;
}
