import type { EngineModel } from '../engine';
import { formatBridgeFdb, formatIpAddr, formatIpNeigh, formatIpRoute, formatResolvConf } from '../engine/dataplane';
import { conntrackListSummary, formatConntrackList, printIptablesSave } from '../engine/netfilter';
import type { Netns } from '../engine/dataplane/types';
import type { Trace } from '../engine/walk/types';
import type { TerminalViewName, TerminalViews } from './protocol';

/** Runs one engine printer; a printer that fails leaves its view empty instead of breaking the app. */
function attempt(print: () => string): string | null {
  try {
    return print();
  } catch {
    return null;
  }
}

/**
 * Neighbour entries the trace resolved in this netns (ARP, proxy ARP), as `ip neigh` lists them
 * after the packet went by; the model's own table holds only the permanent ones.
 */
function learnedNeighbours(ns: Netns, node: string, netns: string, trace: Trace | null): string {
  const known = new Set(ns.neighbours.map((n) => `${n.ip} dev ${n.dev}`));
  const out: string[] = [];
  for (const h of [...(trace?.hops ?? []), ...(trace?.reply?.hops ?? [])]) {
    const line = h.kind === 'arp' && h.node === node && h.netns === netns ? h.detail.neighbour : undefined;
    const key = line ? /^\S+ dev \S+/.exec(line)?.[0] : undefined;
    if (!line || !key || known.has(key)) continue;
    known.add(key);
    out.push(`${line} \n`);
  }
  return out.join('');
}

/**
 * The terminal views of one netns, printed by the engine's own view printers. conntrack shows the
 * entries the current trace left on that node (each node has its own table).
 */
export function printViews(model: EngineModel, node: string, netns: string, trace: Trace | null): TerminalViews {
  const views: Record<TerminalViewName, string | null> = { addr: null, route: null, neigh: null, iptables: null, conntrack: null, resolv: null };
  const dp = model.dataplane.nodes[node];
  if (!dp) return views;
  const ns = netns === 'host' ? dp.host : dp.pods[netns.replace(/^pod:/, '')];
  if (!ns) return views;
  views.addr = attempt(() => formatIpAddr(ns));
  // Delivery to a local address is decided by the local table, which plain `ip route` does not show.
  views.route = attempt(() => `${formatIpRoute(ns)}\n$ ip route show table local\n${formatIpRoute(ns, 'local')}`);
  views.neigh = attempt(() => {
    const fdb = ns.fdb.length > 0 ? `\n$ bridge fdb show\n${formatBridgeFdb(ns)}` : '';
    return formatIpNeigh(ns) + learnedNeighbours(ns, node, netns, trace) + fdb;
  });
  if (ns.resolvConf) {
    const rc = ns.resolvConf;
    views.resolv = attempt(() => formatResolvConf(rc));
  }
  if (netns === 'host') {
    views.iptables = attempt(() => printIptablesSave(dp.iptables));
    const entries = (trace?.conntrack ?? []).filter((e) => e.node === node);
    views.conntrack = attempt(() => formatConntrackList(entries) + conntrackListSummary(entries.length));
  }
  return views;
}
