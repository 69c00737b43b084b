/**
 * Terminal views of a netns, in iproute2 6.1's exact text (see fixtures/: captured from real `ip`
 * on throwaway netns): `ip addr`, `ip route [show table local]`, `ip neigh`, `bridge fdb`, and
 * the pod's /etc/resolv.conf. IPv4 only: the inet6 lines a dual-stack kernel adds are not modelled.
 */
import { formatRoute, routeOrder } from './route-table';
import type { Interface, Netns, ResolvConf } from './types';

function flagsOf(i: Interface): string {
  if (!i.up) return i.noArp ? '<NOARP>' : '<BROADCAST,MULTICAST>';
  if (i.kind === 'loopback') return '<LOOPBACK,UP,LOWER_UP>';
  if (i.noArp) return '<NOARP,UP,LOWER_UP>';
  return '<BROADCAST,MULTICAST,UP,LOWER_UP>';
}

/** Operational state: devices without carrier detection (lo, tunnels, vxlan, OVS) report UNKNOWN. */
function stateOf(i: Interface): string {
  if (!i.up) return 'DOWN';
  return i.kind === 'veth' || i.kind === 'ethernet' || i.kind === 'bridge' ? 'UP' : 'UNKNOWN';
}

function nameOf(ns: Netns, i: Interface): string {
  // A peer in the same netns prints by name (`vethwe-datapath@vethwe-bridge`), else by ifindex.
  if (i.kind === 'veth' && i.peer) return `${i.name}@${i.peer.netns === ns.id ? i.peer.iface : `if${i.peer.index}`}`;
  if (i.kind === 'ipip') return `${i.name}@NONE`;
  return i.name;
}

function linkLine(i: Interface): string {
  if (i.kind === 'loopback') return `    link/loopback ${i.mac} brd 00:00:00:00:00:00`;
  if (i.kind === 'ipip') return `    link/ipip ${i.ipip?.local ?? '0.0.0.0'} brd ${i.ipip?.remote ?? '0.0.0.0'}`;
  let line = `    link/ether ${i.mac} brd ff:ff:ff:ff:ff:ff`;
  if (i.linkNetns) line += ` link-netns ${i.linkNetns}`;
  else if (i.linkNetnsId !== undefined) line += ` link-netnsid ${i.linkNetnsId}`;
  return line;
}

/** `ip addr` (= `ip address show`). */
export function formatIpAddr(ns: Netns): string {
  const lines: string[] = [];
  for (const i of [...ns.interfaces].sort((a, b) => a.index - b.index)) {
    const qdisc = i.qdisc ?? (i.up ? 'noqueue' : 'noop');
    const master = i.master ? ` master ${i.master}` : '';
    lines.push(`${i.index}: ${nameOf(ns, i)}: ${flagsOf(i)} mtu ${i.mtu} qdisc ${qdisc}${master} state ${stateOf(i)} group default qlen 1000`);
    lines.push(linkLine(i));
    for (const a of i.addresses) {
      const brd = a.broadcast ? ` brd ${a.broadcast}` : '';
      const secondary = a.secondary ? ' secondary' : '';
      lines.push(`    inet ${a.ip}/${a.prefixLen}${brd} scope ${a.scope}${secondary} ${i.name}`);
      lines.push('       valid_lft forever preferred_lft forever');
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** `ip route` (main) or `ip route show table local`, in the fib trie's dump order. */
export function formatIpRoute(ns: Netns, table: 'main' | 'local' = 'main'): string {
  return ns.routes
    .filter((r) => r.table === table)
    .sort(routeOrder)
    .map((r) => `${formatRoute(r)}\n`)
    .join('');
}

/** `ip neigh` (= `ip neighbour show`). */
export function formatIpNeigh(ns: Netns): string {
  return ns.neighbours.map((n) => `${n.ip} dev ${n.dev} lladdr ${n.lladdr} ${n.state} \n`).join('');
}

/** `bridge fdb show`: flags (`self`) before the state word; learned entries have an empty state. */
export function formatBridgeFdb(ns: Netns): string {
  return ns.fdb
    .map((e) => {
      const dst = e.dst ? ` dst ${e.dst}` : '';
      const master = e.master ? ` master ${e.master}` : '';
      const self = e.self ? ' self' : '';
      const state = e.permanent ? ' permanent' : ' ';
      return `${e.mac} dev ${e.dev}${dst}${self}${master}${state}\n`;
    })
    .join('');
}

/** /etc/resolv.conf as containerd writes kubelet's DNS config: search, nameservers, options. */
export function formatResolvConf(r: ResolvConf): string {
  let out = '';
  if (r.search.length > 0) out += `search ${r.search.join(' ')}\n`;
  for (const s of r.nameservers) out += `nameserver ${s}\n`;
  if (r.options.length > 0) out += `options ${r.options.join(' ')}\n`;
  return out;
}
