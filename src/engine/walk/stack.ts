/**
 * The IPv4 layer of one netns, in the kernel's order: a locally generated packet goes route lookup
 * → OUTPUT → POSTROUTING → device; a received one goes PREROUTING (conntrack, DNAT) → routing
 * decision → INPUT and the socket, or FORWARD (TTL − 1) → POSTROUTING (SNAT/MASQUERADE) → device.
 */
import type { NatAction } from '../netfilter/types';
import { at, flowText, inNs, type Outcome, type Pkt, type WalkContext, type Where } from './context';
import { ctIn, ctOut, ioFor, type CtView } from './packet-conntrack';
import { runHook, type HookIo, type HookOutcome } from './hooks';
import { transmit } from './link';
import { lookupRoute, masqueradeSource, type RouteResult } from './routing';
import { deliver } from './socket';
import { bridgeExit, leaveBridge } from './bridge';
import { ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED, icmpErrorAbout, icmpLabel, rejectCode } from './icmp';


function applyDnat(ctx: WalkContext, w: Where, pkt: Pkt, nat: NatAction, iface: string | undefined): void {
  const before = flowText(pkt);
  if (nat.toIp) pkt.dst = nat.toIp;
  if (nat.toPort !== undefined) pkt.dport = nat.toPort;
  ctx.hop(at(w), 'nat', pkt, { table: 'nat', chain: nat.hit.ref.chain, rule: nat.hit.text, target: 'DNAT' }, `DNAT rewrites the destination: ${before} becomes ${flowText(pkt)}.`, {
    ...(iface ? { iface } : {}),
    commands: [inNs(w, `iptables -t nat -L ${nat.hit.ref.chain} -n -v`)],
  });
}

/** SNAT / MASQUERADE at POSTROUTING: MASQUERADE takes the preferred source of the outgoing route. */
function applySnat(ctx: WalkContext, w: Where, pkt: Pkt, nat: NatAction, out: RouteResult): void {
  const before = flowText(pkt);
  const src = nat.kind === 'MASQUERADE' ? masqueradeSource(w.ns, out.route.dev, out.nexthop) : nat.toIp;
  if (src) pkt.src = src;
  if (nat.toPort !== undefined) pkt.sport = nat.toPort;
  else if (nat.randomFully && pkt.sport !== undefined) pkt.sport = 1024 + Math.floor(ctx.prng.next() * 64512);
  const owner = w.ns.interfaces.find((i) => i.addresses.some((a) => a.ip === src));
  const how = nat.kind !== 'MASQUERADE'
    ? 'SNAT rewrites the source'
    : owner?.name === out.route.dev
      ? `MASQUERADE takes ${out.route.dev}'s address for this next hop`
      : `MASQUERADE wants ${out.route.dev}'s address, but it has none, so the kernel picks the first global address of the netns (${owner?.name ?? '?'}'s)`;
  const port = nat.randomFully ? ' and, with --random-fully, a random source port' : '';
  ctx.hop(at(w), 'nat', pkt, { table: 'nat', chain: nat.hit.ref.chain, rule: nat.hit.text, target: nat.kind }, `${how}${port}: ${before} becomes ${flowText(pkt)}.`, {
    iface: out.route.dev ?? '',
    commands: [inNs(w, `iptables -t nat -L ${nat.hit.ref.chain} -n -v`)],
  });
}

function routeCommand(w: Where, pkt: Pkt, iif?: string): string {
  return inNs(w, `ip route get ${pkt.dst}${iif ? ` from ${pkt.src} iif ${iif}` : ''}`);
}

function unroutable(ctx: WalkContext, w: Where, pkt: Pkt, iface: string | undefined, local: boolean): Outcome {
  ctx.hop(at(w), 'drop', pkt, {}, local ? `No route matches ${pkt.dst}: connect() fails with "Network is unreachable".` : `No route matches ${pkt.dst}: the kernel drops the packet and answers ICMP net unreachable.`, {
    ...(iface ? { iface } : {}),
    commands: [routeCommand(w, pkt, local ? undefined : iface)],
  });
  return local ? { verdict: 'unroutable' } : { verdict: 'unroutable', icmpError: icmpErrorAbout(w, ICMP_DEST_UNREACH, 0, pkt) };
}

/** A route of type blackhole / unreachable / prohibit ends the packet here. */
function deadRoute(ctx: WalkContext, w: Where, pkt: Pkt, r: RouteResult, iface: string | undefined): Outcome | undefined {
  const t = r.route.type;
  if (t !== 'blackhole' && t !== 'unreachable' && t !== 'prohibit') return undefined;
  const why = t === 'blackhole' ? 'silently discards it' : `rejects it with ICMP ${t === 'unreachable' ? 'host unreachable' : 'administratively prohibited'}`;
  ctx.hop(at(w), 'drop', pkt, { route: r.text }, `The matching route is a ${t} route: the kernel ${why}.`, {
    ...(iface ? { iface } : {}),
    commands: [routeCommand(w, pkt, iface)],
  });
  const out: Outcome = { verdict: t === 'blackhole' ? 'unroutable' : 'rejected' };
  // A forwarded packet gets the error back (ip_error); a local sender just gets the errno.
  if (t !== 'blackhole' && iface !== undefined) out.icmpError = icmpErrorAbout(w, ICMP_DEST_UNREACH, t === 'unreachable' ? 1 : 13, pkt);
  return out;
}

function hookStop(ctx: WalkContext, w: Where, pkt: Pkt, res: HookOutcome, iface: string | undefined): Outcome {
  // The drop names the rule (or chain policy) that decided, as the netfilter hop before it does.
  const by = { ...(res.table ? { table: res.table } : {}), ...(res.chain ? { chain: res.chain } : {}), ...(res.rule ? { rule: res.rule } : {}) };
  if (res.verdict === 'REJECT') {
    const how = res.rejectWith ?? 'icmp-port-unreachable';
    ctx.hop(at(w), 'drop', pkt, { ...by, target: 'REJECT' }, `The packet is rejected: the sender gets ${how}${pkt.proto === 'tcp' && how === 'icmp-port-unreachable' ? ', which connect() reports as "Connection refused"' : ''}.`, iface ? { iface } : {});
    const code = rejectCode(how);
    // A rejected tunnel outer header would get its error outside the model's flow: not sent.
    if (code === undefined || pkt.outer) return { verdict: 'rejected' };
    return { verdict: 'rejected', icmpError: icmpErrorAbout(w, ICMP_DEST_UNREACH, code, pkt) };
  }
  ctx.hop(at(w), 'drop', pkt, { ...by, target: 'DROP' }, 'The packet is dropped silently: the sender sees a timeout.', iface ? { iface } : {});
  return { verdict: 'dropped' };
}

/** A packet made by a socket in `w` (pod or node). `pkt.src` empty means "let the route choose". */
export function sendLocal(ctx: WalkContext, w: Where, pkt: Pkt): Outcome {
  const first = lookupRoute(w.ns, pkt.dst);
  if (!first) return unroutable(ctx, w, pkt, undefined, true);
  let r: RouteResult = first;
  if (!pkt.src) pkt.src = r.src ?? '0.0.0.0';
  const dead = deadRoute(ctx, w, pkt, r, undefined);
  if (dead) return dead;
  const srcNote = r.route.type === 'local' ? 'the destination is one of this netns\'s own addresses, so it stays on lo' : `it leaves through ${r.route.dev}${r.route.via ? ` towards ${r.route.via}` : ''}`;
  const made = pkt.icmp ? `The kernel answers with ICMP ${icmpLabel(pkt.icmp)}, quoting the header of the packet it refused, and routes it back to ${pkt.dst}. ` : '';
  ctx.hop(at(w), 'route', pkt, { route: r.text }, `${made}The routing table picks "${r.text}": ${srcNote}, with source ${pkt.src}.`, {
    ...(r.route.dev ? { iface: r.route.dev } : {}),
    commands: [routeCommand(w, pkt)],
  });
  const ct = ctIn(ctx, w, pkt, r.route.dev);
  let stopped: Outcome | undefined;
  const out = runHook(ctx, w, 'OUTPUT', pkt, ioFor(ct, r.route.dev ? { outIface: r.route.dev } : {}), (nat) => {
    applyDnat(ctx, w, pkt, nat, r.route.dev);
    // ip_route_me_harder, inside the nat OUTPUT hook: the new destination is routed again.
    const again = lookupRoute(w.ns, pkt.dst);
    if (!again) {
      stopped = unroutable(ctx, w, pkt, undefined, true);
      return 'stop';
    }
    r = again;
    ctx.hop(at(w), 'route', pkt, { route: r.text }, `After DNAT the packet is routed again to its new destination: "${r.text}".`, {
      ...(r.route.dev ? { iface: r.route.dev } : {}),
      commands: [routeCommand(w, pkt)],
    });
    stopped = deadRoute(ctx, w, pkt, r, undefined);
    if (stopped) return 'stop';
    return r.route.dev ? { outIface: r.route.dev } : {};
  });
  if (stopped) return stopped;
  if (out.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, out, r.route.dev);
  if (r.route.type === 'local') {
    return inputAndDeliver(ctx, w, pkt, ct, r.route.dev ?? 'lo');
  }
  return postroutingAndTransmit(ctx, w, pkt, ct, r);
}

function postroutingAndTransmit(ctx: WalkContext, w: Where, pkt: Pkt, ct: CtView, r: RouteResult): Outcome {
  const post = runHook(ctx, w, 'POSTROUTING', pkt, ioFor(ct, r.route.dev ? { outIface: r.route.dev } : {}));
  if (post.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, post, r.route.dev);
  if (post.nat && (post.nat.kind === 'SNAT' || post.nat.kind === 'MASQUERADE')) applySnat(ctx, w, pkt, post.nat, r);
  ctOut(ctx, w, pkt, ct, r.route.dev);
  return transmit(ctx, w, r, pkt);
}

function inputAndDeliver(ctx: WalkContext, w: Where, pkt: Pkt, ct: CtView, iface: string): Outcome {
  const inp = runHook(ctx, w, 'INPUT', pkt, ioFor(ct, { inIface: iface }));
  if (inp.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, inp, iface);
  ctOut(ctx, w, pkt, ct, iface);
  return deliver(ctx, w, pkt, iface);
}

/** A packet arriving on `iface` of netns `w` (`fromPort`: the bridge port it entered `iface` through). */
export function receive(ctx: WalkContext, w: Where, iface: string, pkt: Pkt, fromPort?: string): Outcome {
  if (ctx.exhausted) {
    ctx.hop(at(w), 'drop', pkt, {}, 'The walk stopped: too many hops, the modelled routes loop.', { iface });
    return { verdict: 'dropped' };
  }
  const ct = ctIn(ctx, w, pkt, iface);
  const pre = runHook(ctx, w, 'PREROUTING', pkt, ioFor(ct, { inIface: iface }));
  if (pre.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, pre, iface);
  const dstBefore = pkt.dst;
  if (pre.nat && (pre.nat.kind === 'DNAT' || pre.nat.kind === 'REDIRECT')) applyDnat(ctx, w, pkt, pre.nat, iface);
  const r = lookupRoute(w.ns, pkt.dst);
  if (!r) return unroutable(ctx, w, pkt, iface, false);
  if (r.route.type === 'local') {
    ctx.hop(at(w), 'route', pkt, { route: r.text }, `Routing decision: ${pkt.dst} is a local address of this netns, so the packet goes up to INPUT.`, {
      iface,
      commands: [routeCommand(w, pkt, iface)],
    });
    return inputAndDeliver(ctx, w, pkt, ct, iface);
  }
  if (fromPort && pkt.dst !== dstBefore && r.route.dev === iface) return bridgedDnat(ctx, w, iface, fromPort, pkt, ct, r);
  const dead = deadRoute(ctx, w, pkt, r, iface);
  if (dead) return dead;
  if (w.ns.sysctls['net.ipv4.ip_forward'] !== '1') {
    ctx.hop(at(w), 'drop', pkt, { route: r.text }, `${pkt.dst} is not local and net.ipv4.ip_forward is 0 here, so the packet is dropped.`, { iface });
    return { verdict: 'dropped' };
  }
  if (pkt.ttl <= 1) {
    ctx.hop(at(w), 'drop', pkt, { route: r.text }, 'The TTL would reach zero: the kernel drops the packet and sends ICMP time exceeded.', { iface });
    return { verdict: 'dropped', icmpError: icmpErrorAbout(w, ICMP_TIME_EXCEEDED, 0, pkt) };
  }
  pkt.ttl -= 1;
  ctx.hop(at(w), 'route', pkt, { route: r.text }, `Routing decision: forward via "${r.text}"; ip_forward decrements the TTL to ${pkt.ttl}.`, {
    iface,
    commands: [routeCommand(w, pkt, iface)],
  });
  const fwd = runHook(ctx, w, 'FORWARD', pkt, ioFor(ct, { inIface: iface, ...(r.route.dev ? { outIface: r.route.dev } : {}) }));
  if (fwd.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, fwd, iface);
  return postroutingAndTransmit(ctx, w, pkt, ct, r);
}

/**
 * br_netfilter's bridged DNAT (`br_nf_pre_routing_finish`): a frame that came in through a port of
 * a bridge, addressed to the bridge, and was DNATed to an address that same bridge reaches, is
 * bridged back out rather than routed: no TTL decrement, and FORWARD and POSTROUTING see the
 * bridge ports (`-m physdev --physdev-is-bridged`). A pod → ClusterIP → pod on the same cni0, or
 * on another Weave peer, goes this way.
 */
function bridgedDnat(ctx: WalkContext, w: Where, bridge: string, inPort: string, pkt: Pkt, ct: CtView, r: RouteResult): Outcome {
  const out = bridgeExit(ctx, w, bridge, r.nexthop);
  if (!out) {
    ctx.hop(at(w), 'drop', pkt, { route: r.text }, `No port of ${bridge} answers ARP for ${r.nexthop}: the kernel reports "No route to host".`, { iface: bridge });
    return { verdict: 'unroutable' };
  }
  ctx.hop(at(w), 'bridge', pkt, { route: r.text, lines: [`physdev in ${inPort} → out ${out}`] }, `After DNAT, ${pkt.dst} is reached through ${bridge} itself ("${r.text}"), so br_netfilter bridges the frame from ${inPort} straight to ${out} instead of routing it: the TTL stays ${pkt.ttl}, and FORWARD sees the bridge ports.`, {
    iface: bridge,
    commands: [inNs(w, `bridge fdb show br ${bridge}`), inNs(w, 'sysctl net.bridge.bridge-nf-call-iptables')],
  });
  const fwd = runHook(ctx, w, 'FORWARD', pkt, ioFor(ct, { inIface: bridge, outIface: bridge, physdev: { in: inPort, out } }));
  if (fwd.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, fwd, bridge);
  const post = runHook(ctx, w, 'POSTROUTING', pkt, ioFor(ct, { outIface: bridge, physdev: { in: inPort, out } }));
  if (post.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, post, bridge);
  if (post.nat && (post.nat.kind === 'SNAT' || post.nat.kind === 'MASQUERADE')) applySnat(ctx, w, pkt, post.nat, r);
  ctOut(ctx, w, pkt, ct, bridge);
  return leaveBridge(ctx, w, bridge, r.nexthop, pkt);
}

/**
 * br_netfilter: a frame bridged between two ports of a host bridge passes PREROUTING (conntrack,
 * nat for the first packet), FORWARD and POSTROUTING with the bridge as in/out device and
 * `-m physdev` seeing the ports. This is where a reply that never touches the host's routing
 * (Weave's L2 mesh, a pod on the same bridge) is still un-NATed. Undefined means "go on".
 */
export function bridgedNetfilter(ctx: WalkContext, w: Where, bridge: string, inPort: string, outPort: string, pkt: Pkt): Outcome | undefined {
  if (w.nsId !== 'host' || w.ns.sysctls['net.bridge.bridge-nf-call-iptables'] === '0') return undefined;
  const physdev = { in: inPort, out: outPort };
  const ct = ctIn(ctx, w, pkt, bridge);
  const pre = runHook(ctx, w, 'PREROUTING', pkt, ioFor(ct, { inIface: bridge, physdev: { in: inPort } }));
  if (pre.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, pre, bridge);
  if (pre.nat && (pre.nat.kind === 'DNAT' || pre.nat.kind === 'REDIRECT')) applyDnat(ctx, w, pkt, pre.nat, bridge);
  const fwd = runHook(ctx, w, 'FORWARD', pkt, ioFor(ct, { inIface: bridge, outIface: bridge, physdev }));
  if (fwd.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, fwd, bridge);
  const post = runHook(ctx, w, 'POSTROUTING', pkt, ioFor(ct, { outIface: bridge, physdev: { out: outPort } }));
  if (post.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, post, bridge);
  ctOut(ctx, w, pkt, ct, bridge);
  return undefined;
}

/**
 * Conntrack state of a tunnel's outer header, which netfilter sees as a packet of its own. Each
 * outer flow is a conntrack entry: VXLAN's UDP source port is a hash of the inner flow, so the
 * reply's outer packet (to port 4789/8472 again) starts a flow of its own; IPIP (protocol 4) is
 * tracked by addresses only, so the reply's outer packet is the reply of the request's.
 */
function outerIo(ctx: WalkContext, w: Where, pkt: Pkt, extra: Partial<HookIo>): HookIo {
  const o = pkt.outer!;
  // Each node has its own conntrack table.
  const k = (src: string, dst: string, sport?: number, dport?: number) => `${w.node}|${src}|${dst}|${o.proto}|${sport ?? ''}|${dport ?? ''}`;
  const reply = ctx.outerFlows.has(k(o.dst, o.src, o.dport, o.sport));
  const seen = reply || ctx.outerFlows.has(k(o.src, o.dst, o.sport, o.dport));
  if (!seen) ctx.outerFlows.add(k(o.src, o.dst, o.sport, o.dport));
  return { ctState: seen ? 'ESTABLISHED' : 'NEW', ctNat: { dnat: false, snat: false }, ctDir: reply ? 'REPLY' : 'ORIGINAL', outer: true, ...extra };
}

/**
 * The outer header leaves like any locally generated packet (OUTPUT, then POSTROUTING on `dev`),
 * or arrives for this node (PREROUTING, then INPUT from `dev`). Undefined means "go on".
 */
export function outerHooks(ctx: WalkContext, w: Where, pkt: Pkt, way: 'out' | 'in', dev: string): Outcome | undefined {
  const io = outerIo(ctx, w, pkt, way === 'out' ? { outIface: dev } : { inIface: dev });
  for (const hook of way === 'out' ? (['OUTPUT', 'POSTROUTING'] as const) : (['PREROUTING', 'INPUT'] as const)) {
    const res = runHook(ctx, w, hook, pkt, io);
    if (res.verdict !== 'ACCEPT') return hookStop(ctx, w, pkt, res, dev);
    if (res.nat) unmodelledOuterNat(ctx, res.nat);
  }
  return undefined;
}

function unmodelledOuterNat(ctx: WalkContext, nat: NatAction): void {
  const note = `A ${nat.kind} rule (${nat.hit.text}) matched a tunnel's outer header; the walker does not rewrite outer headers.`;
  if (!ctx.notes.includes(note)) ctx.notes.push(note);
}
