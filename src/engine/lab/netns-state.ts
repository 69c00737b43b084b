/**
 * Layer-3 state of one modelled netns as `ip` / `bridge` / sysctl commands: addresses, links up,
 * sysctls, routes, permanent neighbours and VXLAN FDB entries.
 */
import type { Interface, Netns, Route } from '../dataplane/types';
import { cidrContains } from '../net/ipv4';
import { labIfName } from './layout';
import { ScriptLines, sh } from './shell';

/** `net.ipv4.conf.vxlan.calico.rp_filter` → `net/ipv4/conf/vxlan.calico/rp_filter` (names may hold dots). */
export function sysctlPath(key: string): string {
  const perIface = /^net\.ipv4\.(conf|neigh)\.(.+)\.([^.]+)$/.exec(key);
  if (perIface) return `net/ipv4/${perIface[1]}/${labIfName(perIface[2]!)}/${perIface[3]}`;
  return key.replace(/\./g, '/');
}

/**
 * Per-interface sysctl keys: full (`net.ipv4.conf.cali1.proxy_arp`), `neigh.proxy_delay`
 * (net.ipv4.neigh.<iface>.proxy_delay) or bare (`proxy_arp`: net.ipv4.conf.<iface>.proxy_arp).
 */
function ifaceSysctlPath(iface: string, key: string): string {
  if (key.startsWith('net.')) return sysctlPath(key);
  const dev = labIfName(iface);
  if (key.startsWith('neigh.')) return `net/ipv4/neigh/${dev}/${key.slice('neigh.'.length)}`;
  if (key.startsWith('conf.')) return `net/ipv4/conf/${dev}/${key.slice('conf.'.length)}`;
  return `net/ipv4/conf/${dev}/${key}`;
}

/** `ip_forward` first: writing it resets every interface's `forwarding`. */
export function globalSysctls(netns: string, ns: Netns): ScriptLines {
  const out = new ScriptLines();
  const keys = Object.keys(ns.sysctls).sort((a, b) => Number(b.endsWith('ip_forward')) - Number(a.endsWith('ip_forward')));
  for (const k of keys) out.add(`pw_sysctl ${netns} ${sh(sysctlPath(k))} ${sh(ns.sysctls[k]!)}`);
  return out;
}

function isIpip(i: Interface | undefined): boolean {
  return i?.kind === 'ipip';
}

function ifOrIpip(cond: boolean, body: string[], fallback: string[]): string[] {
  if (!cond) return body;
  const otherwise = fallback.length ? ['else', ...fallback.map((l) => `  ${l}`)] : [];
  return ['if [ "$PW_HAVE_IPIP" = 1 ]; then', ...body.map((l) => `  ${l}`), ...otherwise, 'fi'];
}

/** Addresses, interface sysctls, then links up (ipip addresses move to lo when the kernel lacks ipip). */
export function interfaceState(netns: string, ns: Netns): ScriptLines {
  const out = new ScriptLines();
  for (const i of ns.interfaces) {
    const dev = sh(labIfName(i.name));
    for (const a of i.addresses) {
      const brd = a.broadcast ? ` brd ${a.broadcast}` : '';
      const scope = a.scope !== 'global' ? ` scope ${a.scope}` : '';
      out.add(
        ...ifOrIpip(
          isIpip(i),
          [`ip -n ${netns} addr replace ${a.ip}/${a.prefixLen}${brd}${scope} dev ${dev}`],
          [`ip -n ${netns} addr replace ${a.ip}/32 dev lo  # ${i.name} is not built: its address stays local on lo`],
        ),
      );
    }
  }
  for (const i of ns.interfaces) {
    for (const k of Object.keys(i.sysctls).sort()) {
      const line = `pw_sysctl ${netns} ${sh(ifaceSysctlPath(i.name, k))} ${sh(i.sysctls[k]!)}`;
      out.add(...ifOrIpip(isIpip(i), [line], []));
    }
  }
  for (const i of ns.interfaces) {
    const line = `ip -n ${netns} link set ${sh(labIfName(i.name))} ${i.up ? 'up' : 'down'}`;
    if (i.kind === 'loopback') continue;
    out.add(...ifOrIpip(isIpip(i), [line], []));
  }
  return out;
}

export function routeSpec(r: Route, dev: string | undefined): string {
  const parts: string[] = [];
  if (r.type !== 'unicast') parts.push(r.type);
  parts.push(r.dst);
  if (r.via) parts.push('via', r.via);
  if (dev) parts.push('dev', sh(labIfName(dev)));
  if (r.proto && r.proto !== 'boot') parts.push('proto', r.proto);
  if (r.scope && !(r.scope === 'global' && r.type === 'unicast')) parts.push('scope', r.scope);
  if (r.src) parts.push('src', r.src);
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  if (r.onlink) parts.push('onlink');
  return parts.join(' ');
}

/** The interface on which `ip` reaches `via` directly (the underlay for a node). */
function directDev(ns: Netns, via: string): string | undefined {
  return ns.interfaces.find((i) => i.kind !== 'ipip' && i.addresses.some((a) => cidrContains(`${a.ip}/${a.prefixLen}`, via)))?.name;
}

/**
 * Main-table routes; the kernel makes the local table from the addresses. Link routes go first so
 * that gateways of the others resolve. Routes over an ipip device fall back to a plain route via the
 * same next hop on the underlay (no encapsulation) when the kernel has no ipip.
 */
export function routeState(netns: string, ns: Netns): ScriptLines {
  const out = new ScriptLines();
  const main = ns.routes.filter((r) => r.table === 'main');
  const ordered = [...main.filter((r) => !r.via), ...main.filter((r) => r.via)];
  for (const r of ordered) {
    const dev = ns.interfaces.find((i) => i.name === r.dev);
    const line = `ip -n ${netns} route replace ${routeSpec(r, r.dev)}`;
    if (isIpip(dev)) {
      const under = r.via ? directDev(ns, r.via) : undefined;
      const fallback = under
        ? [`ip -n ${netns} route replace ${routeSpec({ ...r, onlink: true }, under)}  # nearest equivalent of ${r.dev}: no encapsulation`]
        : [`:  # ${r.dev} route ${r.dst} has no equivalent without ipip`];
      out.add(...ifOrIpip(true, [line], fallback));
    } else out.add(line);
  }
  return out;
}

/** Permanent neighbours and VXLAN FDB entries; learned (REACHABLE/STALE) ones the kernel relearns. */
export function neighbourState(netns: string, ns: Netns): ScriptLines {
  const out = new ScriptLines();
  for (const n of ns.neighbours) {
    if (n.state !== 'PERMANENT') continue;
    const dev = ns.interfaces.find((i) => i.name === n.dev);
    out.add(...ifOrIpip(isIpip(dev), [`ip -n ${netns} neigh replace ${n.ip} lladdr ${n.lladdr} dev ${sh(labIfName(n.dev))} nud permanent`], []));
  }
  for (const f of ns.fdb) {
    if (!f.dst) continue;
    out.add(`ip netns exec ${netns} bridge fdb append ${f.mac} dev ${sh(labIfName(f.dev))} dst ${f.dst} self${f.permanent ? ' permanent' : ''}`);
  }
  return out;
}
