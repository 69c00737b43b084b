/**
 * The FIB lookup the walker needs (an adapter over `Netns.routes`, so the walker does not depend on
 * the dataplane's helpers): the local table first, then the main table by longest prefix (lowest
 * metric on a tie), and source-address selection the way `inet_select_addr` does it.
 */
import type { Interface, Netns, Route } from '../dataplane/types';
import { maskOf, parseCidr, parseIPv4, type IPv4 } from '../net/ipv4';

export interface RouteResult {
  route: Route;
  /** The route as `ip route` prints it. */
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

function covers(dst: string, addr: number): number {
  const p = prefixOf(dst);
  if (!p) return -1;
  return ((addr & maskOf(p.len)) >>> 0) === p.net ? p.len : -1;
}

/** `ip route` text: type, dst, via, dev, proto, scope, src, metric, flags. */
export function formatRoute(r: Route): string {
  const parts: string[] = [];
  if (r.table === 'local' || r.type !== 'unicast') parts.push(r.type);
  parts.push(r.dst);
  if (r.via) parts.push('via', r.via);
  if (r.dev) parts.push('dev', r.dev);
  if (r.table === 'local') parts.push('table', 'local');
  if (r.proto && r.proto !== 'boot') parts.push('proto', r.proto);
  if (r.scope && r.scope !== 'global') parts.push('scope', r.scope);
  if (r.src) parts.push('src', r.src);
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  if (r.onlink) parts.push('onlink');
  return parts.join(' ');
}

function best(routes: Route[], addr: number): Route | undefined {
  let found: Route | undefined;
  let foundLen = -1;
  for (const r of routes) {
    const len = covers(r.dst, addr);
    if (len < 0) continue;
    if (len > foundLen || (len === foundLen && (r.metric ?? 0) < (found?.metric ?? 0))) {
      found = r;
      foundLen = len;
    }
  }
  return found;
}

/** True when `ip` is configured on any interface of the netns (or in 127/8). */
export function isLocalAddress(ns: Netns, ip: IPv4): boolean {
  if (ip.startsWith('127.')) return true;
  return ns.interfaces.some((i) => i.addresses.some((a) => a.ip === ip));
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
  const iface = ns.interfaces.find((i) => i.name === dev);
  const usable = (i: Interface) => i.addresses.filter((a) => a.scope !== 'host' && !(a as { secondary?: boolean }).secondary);
  if (iface) {
    const own = usable(iface);
    const onSubnet = own.find((a) => sameSubnet(a.ip, nexthop, a.prefixLen));
    if (onSubnet) return onSubnet.ip;
    if (own[0]) return own[0].ip;
  }
  const ordered = [...ns.interfaces].sort((a, b) => a.index - b.index);
  for (const i of ordered) {
    if (i.kind === 'loopback') continue;
    const a = usable(i).find((x) => x.scope === 'global');
    if (a) return a.ip;
  }
  return undefined;
}

/** `ip route get <dst>`: undefined when nothing matches (ENETUNREACH). */
export function lookupRoute(ns: Netns, dst: IPv4): RouteResult | undefined {
  const addr = parseIPv4(dst);
  if (addr === null) return undefined;
  const local = ns.routes.filter((r) => r.table === 'local' && r.type === 'local');
  let route = best(local, addr);
  if (!route && isLocalAddress(ns, dst)) {
    // A netns built without an explicit local table still owns its addresses.
    const lo = ns.interfaces.find((i) => i.kind === 'loopback')?.name ?? 'lo';
    route = { table: 'local', type: 'local', dst, dev: lo, proto: 'kernel', scope: 'host', src: dst };
  }
  if (!route) route = best(ns.routes.filter((r) => r.table === 'main'), addr);
  if (!route) return undefined;
  const nexthop = route.via ?? dst;
  const src = route.type === 'local' ? dst : (route.src ?? selectSource(ns, route.dev, nexthop));
  return { route, text: formatRoute(route), nexthop, src };
}
