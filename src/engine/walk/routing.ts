/**
 * The FIB lookup the walker needs (an adapter over `Netns.routes`, so the walker does not depend on
 * the dataplane's helpers): the local table first, then the main table by longest prefix (lowest
 * metric on a tie), and source-address selection the way `inet_select_addr` does it.
 */
import { formatRoute } from '../dataplane';
import type { Interface, Netns, Route } from '../dataplane/types';
import { maskOf, parseCidr, parseIPv4, type IPv4 } from '../net/ipv4';

export interface RouteResult {
  route: Route;
  /** The route as `ip route` prints it (the dataplane's `formatRoute`, without iproute2's trailing space). */
  text: string;
  /** Where the frame goes next on `dev`: the gateway, or the destination itself. */
  nexthop: IPv4;
  /** The preferred source for locally generated packets (`ip route get` prints it as `src`). */
  src: IPv4 | undefined;
}

function prefixOf(dst: string): { net: number; len: number } | null {
  if (dst === 'default') return { net: 0, len: 0 };
  return parseCidr(dst);
}

/** A routing table indexed by prefix length, so a lookup costs one probe per length in use. */
interface RouteIndex {
  lengths: number[];
  byLen: Map<number, Map<number, Route[]>>;
}

interface NetnsIndex {
  local: RouteIndex;
  main: RouteIndex;
  addresses: Set<string>;
  interfaces: Map<string, Interface>;
  /** The first global address of any non-loopback interface, in ifindex order. */
  anyGlobal: IPv4 | undefined;
}

const indexes = new WeakMap<Netns, NetnsIndex>();

function indexRoutes(routes: Route[]): RouteIndex {
  const byLen = new Map<number, Map<number, Route[]>>();
  for (const r of routes) {
    const p = prefixOf(r.dst);
    if (!p) continue;
    let m = byLen.get(p.len);
    if (!m) byLen.set(p.len, (m = new Map()));
    const list = m.get(p.net);
    if (list) list.push(r);
    else m.set(p.net, [r]);
  }
  return { lengths: [...byLen.keys()].sort((a, b) => b - a), byLen };
}

function netnsIndex(ns: Netns): NetnsIndex {
  let idx = indexes.get(ns);
  if (!idx) {
    idx = {
      local: indexRoutes(ns.routes.filter((r) => r.table === 'local' && r.type === 'local')),
      main: indexRoutes(ns.routes.filter((r) => r.table === 'main')),
      addresses: new Set(ns.interfaces.flatMap((i) => i.addresses.map((a) => a.ip))),
      interfaces: new Map(ns.interfaces.map((i) => [i.name, i])),
      anyGlobal: [...ns.interfaces]
        .sort((a, b) => a.index - b.index)
        .filter((i) => i.kind !== 'loopback')
        .flatMap((i) => i.addresses.filter((a) => a.scope === 'global' && !(a as { secondary?: boolean }).secondary))[0]?.ip,
    };
    indexes.set(ns, idx);
  }
  return idx;
}

/** Longest prefix first; among equal prefixes the lowest metric (the kernel's FIB order). */
function best(index: RouteIndex, addr: number): Route | undefined {
  for (const len of index.lengths) {
    const list = index.byLen.get(len)!.get(((addr & maskOf(len)) >>> 0));
    if (!list) continue;
    let found = list[0]!;
    for (const r of list) if ((r.metric ?? 0) < (found.metric ?? 0)) found = r;
    return found;
  }
  return undefined;
}

export function interfaceNamed(ns: Netns, name: string | undefined): Interface | undefined {
  return name === undefined ? undefined : netnsIndex(ns).interfaces.get(name);
}

/** True when `ip` is configured on any interface of the netns (or in 127/8). */
export function isLocalAddress(ns: Netns, ip: IPv4): boolean {
  return ip.startsWith('127.') || netnsIndex(ns).addresses.has(ip);
}

function sameSubnet(a: IPv4, b: IPv4, len: number): boolean {
  const x = parseIPv4(a);
  const y = parseIPv4(b);
  return x !== null && y !== null && ((x ^ y) & maskOf(len)) === 0;
}

/**
 * `inet_select_addr(dev, nexthop, scope)`: a global address of `dev` on the nexthop's subnet, else
 * its first global address, else the first global address of any interface in ifindex order.
 */
export function selectSource(ns: Netns, dev: string | undefined, nexthop: IPv4): IPv4 | undefined {
  const iface = interfaceNamed(ns, dev);
  const usable = (i: Interface) => i.addresses.filter((a) => a.scope !== 'host' && !(a as { secondary?: boolean }).secondary);
  if (iface) {
    const own = usable(iface);
    const onSubnet = own.find((a) => sameSubnet(a.ip, nexthop, a.prefixLen));
    if (onSubnet) return onSubnet.ip;
    if (own[0]) return own[0].ip;
  }
  return netnsIndex(ns).anyGlobal;
}

/** `ip route get <dst>`: undefined when nothing matches (ENETUNREACH). */
export function lookupRoute(ns: Netns, dst: IPv4): RouteResult | undefined {
  const addr = parseIPv4(dst);
  if (addr === null) return undefined;
  const idx = netnsIndex(ns);
  let route = best(idx.local, addr);
  if (!route && isLocalAddress(ns, dst)) {
    // A netns built without an explicit local table still owns its addresses.
    const lo = ns.interfaces.find((i) => i.kind === 'loopback')?.name ?? 'lo';
    route = { table: 'local', type: 'local', dst, dev: lo, proto: 'kernel', scope: 'host', src: dst };
  }
  if (!route) route = best(idx.main, addr);
  if (!route) return undefined;
  const nexthop = route.via ?? dst;
  const src = route.type === 'local' ? dst : (route.src ?? selectSource(ns, route.dev, nexthop));
  // iproute2 ends each route line with a space; a hop's detail is one line of text, not terminal output.
  return { route, text: formatRoute(route).trimEnd(), nexthop, src };
}
