/**
 * Building a network namespace the way the kernel fills it in: adding an address also adds the
 * `proto kernel` routes (the connected route in main; `local` and `broadcast` in the local table),
 * exactly as `fib_add_ifaddr` does.
 */
import { formatIPv4, maskOf, parseIPv4, type IPv4 } from '../net/ipv4';
import type { Address, FdbEntry, Interface, LinkKind, Neighbour, Netns, Route } from './types';

export interface LinkSpec {
  name: string;
  kind: LinkKind;
  mtu: number;
  mac: string;
  up?: boolean;
  peer?: Interface['peer'];
  master?: string;
  vxlan?: Interface['vxlan'];
  ipip?: Interface['ipip'];
  sysctls?: Record<string, string>;
  linkNetns?: string;
  linkNetnsId?: number;
  qdisc?: string;
  noArp?: boolean;
}

export class NetnsBuilder {
  readonly ns: Netns;
  private nextIndex = 1;

  constructor(id: string, node: string, sysctls: Record<string, string> = {}) {
    this.ns = { id, node, interfaces: [], routes: [], neighbours: [], fdb: [], sysctls };
    // `lo` with 127.0.0.1/8, as the kernel sets it up in every netns (what addAddress would add, unrolled).
    const lo = this.addLink({ name: 'lo', kind: 'loopback', mtu: 65536, mac: '00:00:00:00:00:00' });
    lo.addresses.push({ ip: '127.0.0.1', prefixLen: 8, scope: 'host' });
    this.ns.routes.push(
      { table: 'local', type: 'local', dst: '127.0.0.1', dev: 'lo', proto: 'kernel', scope: 'host', src: '127.0.0.1' },
      { table: 'local', type: 'local', dst: '127.0.0.0/8', dev: 'lo', proto: 'kernel', scope: 'host', src: '127.0.0.1' },
      { table: 'local', type: 'broadcast', dst: '127.255.255.255', dev: 'lo', proto: 'kernel', scope: 'link', src: '127.0.0.1' },
    );
  }

  /** Reserves an ifindex without a visible link (a device created and moved away, e.g. a veth peer). */
  skipIndex(): number {
    return this.nextIndex++;
  }

  peekIndex(): number {
    return this.nextIndex;
  }

  addLink(spec: LinkSpec): Interface {
    const iface: Interface = {
      index: this.nextIndex++,
      name: spec.name,
      kind: spec.kind,
      mtu: spec.mtu,
      mac: spec.mac,
      up: spec.up ?? true,
      addresses: [],
      sysctls: spec.sysctls ?? {},
    };
    if (spec.peer) iface.peer = spec.peer;
    if (spec.master) iface.master = spec.master;
    if (spec.vxlan) iface.vxlan = spec.vxlan;
    if (spec.ipip) iface.ipip = spec.ipip;
    if (spec.linkNetns) iface.linkNetns = spec.linkNetns;
    if (spec.linkNetnsId !== undefined) iface.linkNetnsId = spec.linkNetnsId;
    if (spec.qdisc) iface.qdisc = spec.qdisc;
    if (spec.noArp) iface.noArp = spec.noArp;
    this.ns.interfaces.push(iface);
    return iface;
  }

  iface(name: string): Interface {
    const i = this.ns.interfaces.find((x) => x.name === name);
    if (!i) throw new Error(`no interface ${name} in ${this.ns.id}`);
    return i;
  }

  /**
   * `ip addr add ip/len dev`: the kernel adds `local ip` (local table), and unless /32 the connected
   * route; below /31 also the subnet broadcast. Loopback's prefix is `local` as a whole.
   */
  addAddress(dev: string, ip: IPv4, prefixLen: number, scope: Address['scope'] = 'global', withBroadcast = true): void {
    const iface = this.iface(dev);
    const addr = parseIPv4(ip);
    if (addr === null) throw new Error(`bad address ${ip}`);
    const mask = maskOf(prefixLen);
    const net = (addr & mask) >>> 0;
    const brd = (net | (~mask >>> 0)) >>> 0;
    const primary = iface.addresses.find((a) => a.prefixLen === prefixLen && cover(a.ip, prefixLen, addr));
    const a: Address = { ip, prefixLen, scope };
    if (withBroadcast && prefixLen < 31 && iface.kind !== 'loopback') a.broadcast = formatIPv4(brd);
    if (primary) a.secondary = true;
    iface.addresses.push(a);
    const src = primary ? primary.ip : ip;
    this.ns.routes.push({ table: 'local', type: 'local', dst: ip, dev, proto: 'kernel', scope: 'host', src });
    if (a.secondary) return;
    if (iface.kind === 'loopback') {
      this.ns.routes.push({ table: 'local', type: 'local', dst: `${formatIPv4(net)}/${prefixLen}`, dev, proto: 'kernel', scope: 'host', src });
    } else if (prefixLen < 32) {
      this.ns.routes.push({ table: 'main', type: 'unicast', dst: `${formatIPv4(net)}/${prefixLen}`, dev, proto: 'kernel', scope: 'link', src });
    }
    if (prefixLen < 31) {
      this.ns.routes.push({ table: 'local', type: 'broadcast', dst: formatIPv4(brd), dev, proto: 'kernel', scope: 'link', src });
    }
  }

  addRoute(route: Omit<Route, 'table' | 'type'> & Partial<Pick<Route, 'table' | 'type'>>): void {
    // Filled in place rather than spread: this runs for every route of every pod.
    const r = route as Route;
    r.table ??= 'main';
    r.type ??= 'unicast';
    this.ns.routes.push(r);
  }

  addNeighbour(n: Neighbour): void {
    this.ns.neighbours.push(n);
  }

  addFdb(e: FdbEntry): void {
    this.ns.fdb.push(e);
  }
}

function cover(ip: IPv4, len: number, addr: number): boolean {
  const a = parseIPv4(ip);
  return a !== null && ((a ^ addr) & maskOf(len)) === 0;
}

/** `a.b.c.d/len` for routes, with a /32 printed bare as `ip route` does. */
export function routeDst(net: IPv4, len: number): string {
  return len === 32 ? net : `${net}/${len}`;
}
