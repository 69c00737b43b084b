/**
 * The walker's view of the FIB: the dataplane's `lookupRoute` (kernel semantics: local table first,
 * longest prefix, lowest metric, preferred source) reshaped for the walker, which also needs the
 * blackhole/unreachable/prohibit route itself to show it. Plus the one source choice the dataplane
 * does not make: MASQUERADE's.
 */
import { lookupRoute as fibLookup } from '../dataplane';
import type { Interface, Netns, Route } from '../dataplane/types';
import { maskOf, parseIPv4, type IPv4 } from '../net/ipv4';

export interface RouteResult {
  route: Route;
  /** The route as `ip route` prints it (the dataplane's `formatRoute`, without iproute2's trailing space). */
  text: string;
  /** Where the frame goes next on `dev`: the gateway, or the destination itself. */
  nexthop: IPv4;
  /** The preferred source for locally generated packets (`ip route get` prints it as `src`). */
  src: IPv4 | undefined;
}

/**
 * `ip route get <dst>`: undefined when nothing matches (ENETUNREACH). A blackhole, unreachable or
 * prohibit route is returned (with no source) so the walker can show which route killed the packet.
 */
export function lookupRoute(ns: Netns, dst: IPv4): RouteResult | undefined {
  const r = fibLookup(ns, dst);
  // iproute2 ends each route line with a space; a hop's detail is one line of text, not terminal output.
  if (r.ok) return { route: r.route, text: r.routeText.trimEnd(), nexthop: r.nextHop, src: r.src ?? undefined };
  if (!r.route || r.routeText === undefined) return undefined;
  return { route: r.route, text: r.routeText.trimEnd(), nexthop: dst, src: undefined };
}

const byName = new WeakMap<Netns, Map<string, Interface>>();

export function interfaceNamed(ns: Netns, name: string | undefined): Interface | undefined {
  if (name === undefined) return undefined;
  let m = byName.get(ns);
  if (!m) byName.set(ns, (m = new Map(ns.interfaces.map((i) => [i.name, i]))));
  return m.get(name);
}

/** `inet_addr_type() == RTN_LOCAL`: the local table holds a `local` route for `ip` (its own addresses, 127/8). */
export function isLocalAddress(ns: Netns, ip: IPv4): boolean {
  const r = fibLookup(ns, ip);
  return r.ok && r.type === 'local';
}

/** Scopes a MASQUERADE source may have: `inet_select_addr(…, RT_SCOPE_UNIVERSE)` takes global ones only. */
const isGlobalPrimary = (a: Interface['addresses'][number]) => a.scope === 'global' && !a.secondary;

/**
 * MASQUERADE's source (`nf_nat_masquerade_ipv4` → `inet_select_addr(out, nexthop, RT_SCOPE_UNIVERSE)`):
 * unlike the route's preferred source it ignores `src` and matches the subnet of the next hop (the
 * destination itself on a connected route). A primary global address of the output device on that
 * subnet, else its first one, else the first primary global address of any device in ifindex order.
 */
export function masqueradeSource(ns: Netns, dev: string | undefined, nexthop: IPv4): IPv4 | undefined {
  const hop = parseIPv4(nexthop);
  const own = interfaceNamed(ns, dev)?.addresses.filter(isGlobalPrimary) ?? [];
  const onSubnet = own.find((a) => {
    const ip = parseIPv4(a.ip);
    return hop !== null && ip !== null && ((ip ^ hop) & maskOf(a.prefixLen)) === 0;
  });
  if (onSubnet ?? own[0]) return (onSubnet ?? own[0])!.ip;
  return [...ns.interfaces].sort((a, b) => a.index - b.index).flatMap((i) => i.addresses.filter(isGlobalPrimary))[0]?.ip;
}
