import type { EngineModel } from '../engine';
import { printIptablesSave } from '../engine/netfilter';
import type { Trace } from '../engine/walk/types';
import type { TerminalViewName, TerminalViews } from './protocol';

/** Runs one engine printer; a printer that is missing or fails leaves the view empty, not the app broken. */
function attempt(print: () => string): string | null {
  try {
    return print();
  } catch {
    return null;
  }
}

/** The terminal views of one netns, printed by the engine's own view printers. */
export function printViews(model: EngineModel, node: string, netns: string, _trace: Trace | null): TerminalViews {
  const dp = model.dataplane.nodes[node];
  const views: Record<TerminalViewName, string | null> = { addr: null, route: null, neigh: null, iptables: null, conntrack: null, resolv: null };
  if (!dp) return views;
  if (netns === 'host') views.iptables = attempt(() => printIptablesSave(dp.iptables));
  return views;
}
