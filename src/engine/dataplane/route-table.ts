/**
 * The kernel's IPv4 route lookup for one netns (`ip route get`): the `local` table first, then
 * `main` (the default rules 0/32766), longest-prefix match with the lowest metric winning among equal
 * prefixes, route types (local, broadcast, blackhole, unreachable, prohibit), gateways (`onlink` or
 * through a connected route) and source-address selection as `inet_select_addr` does it.
 * Tables are indexed per prefix length, so one lookup costs at most 33 map probes.
 */
import { maskOf, parseCidr, parseIPv4, type IPv4 } from '../net/ipv4';
import type { Interface, Netns, Route } from './types';

interface PrefixIndex {
  /** Prefix lengths present, longest first. */
  lengths: number[];
  /** len → masked network → routes (lowest metric first). */
  byLen: Map<number, Map<number, Route[]>>;
}

interface NetnsIndex {
  local: PrefixIndex;
  main: PrefixIndex;
  ifaces: Map<string, Interface>;
}

const indexes = new WeakMap<Netns, NetnsIndex>();

function buildIndex(routes: Route[]): PrefixIndex {
  const byLen = new Map<number, Map<number, Route[]>>();
  for (const r of routes) {
    const p = r.dst === 'default' ? { net: 0, len: 0 } : parseCidr(r.dst);
    if (!p) continue;
    let m = byLen.get(p.len);
    if (!m) byLen.set(p.len, (m = new Map()));
    const list = m.get(p.net);
    if (list) {
      list.push(r);
      list.sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0));
    } else m.set(p.net, [r]);
  }
  return { lengths: [...byLen.keys()].sort((a, b) => b - a), byLen };
}

function indexOf(ns: Netns): NetnsIndex {
  let ix = indexes.get(ns);
  if (!ix) {
    ix = {
      local: buildIndex(ns.routes.filter((r) => r.table === 'local')),
      main: buildIndex(ns.routes.filter((r) => r.table === 'main')),
      ifaces: new Map(ns.interfaces.map((i) => [i.name, i])),
    };
    indexes.set(ns, ix);
  }
  return ix;
}

/** Longest-prefix match in one table; `oif` restricts to routes out of that device (`ip route get ... oif`). */
function longestPrefixMatch(ix: PrefixIndex, addr: number, oif?: string): Route | undefined {
  for (const len of ix.lengths) {
    const list = ix.byLen.get(len)?.get((addr & maskOf(len)) >>> 0);
    if (!list) continue;
    const r = oif ? list.find((x) => x.dev === oif || x.dev === undefined) : list[0];
    if (r) return r;
  }
  return undefined;
}

export interface RouteLookupOptions {
  /** `from`: a source address already chosen (a forwarded packet's, or a bound socket's). */
  src?: IPv4;
  /** `oif`: force the output device (SO_BINDTODEVICE). */
  oif?: string;
}

export type RouteError = 'blackhole' | 'unreachable' | 'prohibit' | 'no-route' | 'bad-address';

export type RouteLookup =
  | {
      ok: true;
      type: 'unicast' | 'local' | 'broadcast';
      route: Route;
      /** The matched route as `ip route show` prints it. */
      routeText: string;
      /** Output device; `lo` for local delivery, as `ip route get` reports it. */
      dev: string;
      /** The route's gateway, when it has one. */
      gateway?: IPv4;
      /** Who the frame goes to on `dev`: the gateway, else the destination itself. */
      nextHop: IPv4;
      /** Preferred source: the route's `src`, else the first primary address in scope (also MASQUERADE's choice). */
      src: IPv4 | null;
      /** `ip route get <dst>` output. */
      text: string;
    }
  | { ok: false; error: RouteError; route?: Route; routeText?: string; text: string };

/** `RTNETLINK answers: ...` as ip prints the errno the kernel returns for each failure. */
const ERRORS: Record<RouteError, string> = {
  blackhole: 'RTNETLINK answers: Invalid argument',
  unreachable: 'RTNETLINK answers: No route to host',
  prohibit: 'RTNETLINK answers: Permission denied',
  'no-route': 'RTNETLINK answers: Network is unreachable',
  'bad-address': 'Error: any valid prefix is expected rather than',
};

export function lookupRoute(ns: Netns, dst: IPv4, opts: RouteLookupOptions = {}): RouteLookup {
  const addr = parseIPv4(dst);
  if (addr === null) return { ok: false, error: 'bad-address', text: `${ERRORS['bad-address']} "${dst}".` };
  const ix = indexOf(ns);
  const route = longestPrefixMatch(ix.local, addr, opts.oif) ?? longestPrefixMatch(ix.main, addr, opts.oif);
  if (!route) return { ok: false, error: 'no-route', text: ERRORS['no-route'] };
  const routeText = formatRoute(route);
  if (route.type === 'blackhole' || route.type === 'unreachable' || route.type === 'prohibit') {
    return { ok: false, error: route.type, route, routeText, text: ERRORS[route.type] };
  }
  const from = opts.src ? ` from ${opts.src}` : '';
  if (route.type === 'local') {
    // ip_route_output: local delivery goes out through lo; source = the route's prefsrc, else dst.
    const src = opts.src ?? route.src ?? dst;
    const srcText = opts.src ? '' : ` src ${src}`;
    return { ok: true, type: 'local', route, routeText, dev: 'lo', nextHop: dst, src, text: `local ${dst}${from} dev lo${srcText} uid 0 \n    cache <local> ` };
  }
  const dev = route.dev ?? '';
  const src = opts.src ?? route.src ?? selectSource(ns, ix, route);
  const srcText = opts.src || src === null ? '' : ` src ${src}`;
  if (route.type === 'broadcast') {
    return { ok: true, type: 'broadcast', route, routeText, dev, nextHop: dst, src, text: `broadcast ${dst}${from} dev ${dev}${srcText} uid 0 \n    cache <local,brd> ` };
  }
  const via = route.via ? ` via ${route.via}` : '';
  const result: RouteLookup = {
    ok: true,
    type: 'unicast',
    route,
    routeText,
    dev,
    nextHop: route.via ?? dst,
    src,
    text: `${dst}${from}${via} dev ${dev}${srcText} uid 0 \n    cache `,
  };
  if (route.via) result.gateway = route.via;
  return result;
}

const SCOPE_RANK = { global: 0, link: 253, host: 254 } as const;

/**
 * inet_select_addr(dev, gateway, route scope): the first primary address on the output device whose
 * scope fits (preferring one whose subnet holds the gateway); failing that, the first primary
 * non-link-scope address on any device, in ifindex order (lo first).
 */
function selectSource(ns: Netns, ix: NetnsIndex, route: Route): IPv4 | null {
  const scope = SCOPE_RANK[route.scope ?? 'global'];
  const iface = route.dev ? ix.ifaces.get(route.dev) : undefined;
  const gw = route.via ? parseIPv4(route.via) : null;
  let first: IPv4 | null = null;
  for (const a of iface?.addresses ?? []) {
    if (a.secondary || SCOPE_RANK[a.scope] > scope) continue;
    const ip = parseIPv4(a.ip);
    if (gw === null || (ip !== null && ((ip ^ gw) & maskOf(a.prefixLen)) === 0)) return a.ip;
    first ??= a.ip;
  }
  if (first) return first;
  for (const i of ns.interfaces) {
    for (const a of i.addresses) {
      if (a.secondary) continue;
      if (a.scope !== 'link' && SCOPE_RANK[a.scope] <= scope) return a.ip;
    }
  }
  return null;
}

/** One route as `ip route show [table local]` prints it (iproute2 6.1: trailing space included). */
export function formatRoute(r: Route): string {
  const parts: string[] = [];
  if (r.type !== 'unicast') parts.push(r.type);
  parts.push(r.dst);
  if (r.via) parts.push(`via ${r.via}`);
  if (r.dev) parts.push(`dev ${r.dev}`);
  if (r.proto && r.proto !== 'boot') parts.push(`proto ${r.proto}`);
  else if (!r.proto && r.protoId !== undefined) parts.push(`proto ${r.protoId}`);
  if (r.scope && r.scope !== 'global') parts.push(`scope ${r.scope}`);
  if (r.src) parts.push(`src ${r.src}`);
  if (r.metric !== undefined && r.metric !== 0) parts.push(`metric ${r.metric}`);
  if (r.onlink) parts.push('onlink');
  return `${parts.join(' ')} `;
}

/** Sort key of the kernel's fib trie dump: network address ascending, longer prefix first. */
export function routeOrder(a: Route, b: Route): number {
  const pa = a.dst === 'default' ? { net: 0, len: 0 } : (parseCidr(a.dst) ?? { net: 0, len: 0 });
  const pb = b.dst === 'default' ? { net: 0, len: 0 } : (parseCidr(b.dst) ?? { net: 0, len: 0 });
  return pa.net - pb.net || pb.len - pa.len || (a.metric ?? 0) - (b.metric ?? 0);
}

