import type { EngineModel } from '../engine';
import { formatBridgeFdb, formatIpAddr, formatIpNeigh, formatIpRoute, formatResolvConf } from '../engine/dataplane';
import { conntrackListSummary, formatConntrackList, printIptablesSave } from '../engine/netfilter';
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
  views.route = attempt(() => formatIpRoute(ns));
  views.neigh = attempt(() => {
    const fdb = ns.fdb.length > 0 ? `\n$ bridge fdb show\n${formatBridgeFdb(ns)}` : '';
    return formatIpNeigh(ns) + fdb;
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
