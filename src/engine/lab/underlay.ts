/**
 * The world outside the nodes, all inside namespaces of our own: `pw-wire` (a bridge joining the
 * nodes' eth0 and holding their default gateway), `pw-external` (a client) and `pw-upstream` (the
 * upstream resolvers). Nothing is connected to the host's root netns.
 */
import { cidrContains } from '../net/ipv4';
import { UPSTREAM_PORT, type LabLayout } from './layout';
import { ScriptLines } from './shell';

/** Addresses an internet router does not route (RFC 1918, CGNAT, link-local): unreachable from the lab. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];
function isPrivate(ip: string): boolean {
  return PRIVATE_RANGES.some((r) => cidrContains(r, ip));
}

/** A host that sits on the wire bridge, or behind pw-wire's routing when it is off the subnet. */
function attach(out: ScriptLines, layout: LabLayout, netns: string, port: string, ips: string[], onWire: boolean): void {
  const w = layout.wire;
  const wirePrefix = w.subnet.split('/')[1];
  out.add(`ip -n ${netns} link set lo up`, `ip -n ${netns} link add eth0 type veth peer name ${port} netns ${w.netns}`);
  if (onWire) {
    out.add(`ip -n ${w.netns} link set ${port} master ${w.bridge} up`);
    for (const ip of ips) out.add(`ip -n ${netns} addr replace ${ip}/${wirePrefix} dev eth0`);
    out.add(`ip -n ${netns} link set eth0 up`);
    if (w.gateways[0]) out.add(`ip -n ${netns} route replace default via ${w.gateways[0]} dev eth0`);
    return;
  }
  // Off the subnet: pw-wire routes to it over a point-to-point veth and answers ARP for the rest.
  out.add(`ip -n ${w.netns} link set ${port} up`, `pw_sysctl ${w.netns} net/ipv4/conf/${port}/proxy_arp 1`);
  for (const ip of ips) out.add(`ip -n ${netns} addr replace ${ip}/32 dev eth0`, `ip -n ${w.netns} route replace ${ip}/32 dev ${port}`);
  out.add(`ip -n ${netns} link set eth0 up`, `ip -n ${netns} route replace default dev eth0`);
}

export function underlayCommands(layout: LabLayout): ScriptLines {
  const w = layout.wire;
  const out = new ScriptLines();
  out.comment(`underlay: bridge '${w.bridge}' in ${w.netns} joins every node's eth0 (${w.subnet})`);
  out.add(`ip -n ${w.netns} link set lo up`, `ip -n ${w.netns} link add ${w.bridge} type bridge`, `ip -n ${w.netns} link set ${w.bridge} up`);
  const prefix = w.subnet.split('/')[1];
  for (const gw of w.gateways) out.add(`ip -n ${w.netns} addr replace ${gw}/${prefix} dev ${w.bridge}  # the nodes' default gateway`);
  out.add(`pw_sysctl ${w.netns} net/ipv4/ip_forward 1`);
  out.blank().comment(`external client ${layout.external.ip}`);
  attach(out, layout, layout.external.netns, 'external', [layout.external.ip], layout.external.prefixLen !== 32);
  if (layout.upstream) {
    out.blank().comment(`upstream resolver${layout.upstream.ips.length > 1 ? 's' : ''} ${layout.upstream.ips.join(', ')}`);
    attach(out, layout, layout.upstream.netns, UPSTREAM_PORT, layout.upstream.ips, layout.upstream.onWire);
    if (!layout.upstream.onWire) {
      out.comment(
        [
          'the internet stand-in: pw-wire sends every public address to pw-upstream, which holds every',
          'address as its own (AnyIP: a local route for 0.0.0.0/0); private ranges stay unreachable',
        ].join('\n'),
      );
      out.add(`ip -n ${w.netns} route replace default dev ${UPSTREAM_PORT}`);
      for (const r of PRIVATE_RANGES) out.add(`ip -n ${w.netns} route replace unreachable ${r}`);
      // Every address is local in pw-upstream except the lab's own ranges, which `throw` on to the
      // main table so that replies still leave by eth0.
      const own = [...PRIVATE_RANGES, w.subnet, ...(isPrivate(layout.external.ip) ? [] : [`${layout.external.ip}/32`])];
      // Any policy rule unmerges the local and main tables, so that `throw` continues in main.
      out.add(`ip -n ${layout.upstream.netns} rule add priority 32000 lookup main`);
      out.add(`ip -n ${layout.upstream.netns} route replace local 0.0.0.0/0 dev lo table local`);
      for (const r of own) out.add(`ip -n ${layout.upstream.netns} route replace throw ${r} table local`);
    }
  }
  return out;
}
