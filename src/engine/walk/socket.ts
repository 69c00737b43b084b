/**
 * The receiving socket. A pod that declares container ports listens on exactly those (for its
 * protocol); a packet to any other port gets what the kernel sends when no socket matches: a TCP
 * RST ("connection refused") or an ICMP port unreachable for UDP. A pod without declared ports is
 * assumed to listen (ports in a pod spec are informational, so we cannot know better).
 */
import type { Pod } from '../cluster/types';
import { at, endpointText, type Outcome, type Pkt, type WalkContext, type Where } from './context';
import { ICMP_DEST_UNREACH, icmpArrival, icmpErrorAbout } from './icmp';

export function podOf(ctx: WalkContext, w: Where): Pod | undefined {
  if (w.nsId.startsWith('pod:')) return ctx.pod(w.nsId.slice(4));
  return undefined;
}

/** Who listens on `port` in this netns: a pod's container, or undefined for "assumed". */
function listener(ctx: WalkContext, w: Where, pkt: Pkt): { pod?: Pod; refused: boolean; container?: string } {
  if (pkt.proto === 'icmp' || pkt.dport === undefined) return { refused: false, ...podField(podOf(ctx, w)) };
  const proto = pkt.proto.toUpperCase();
  const candidates = w.nsId === 'host'
    ? ctx.cluster.pods.filter((p) => p.hostNetwork && p.node === w.node)
    : [podOf(ctx, w)].filter((p): p is Pod => !!p);
  for (const pod of candidates) {
    for (const c of pod.containers) {
      if (c.ports.some((p) => p.containerPort === pkt.dport && p.protocol === proto)) return { pod, refused: false, container: c.name };
    }
  }
  const pod = w.nsId === 'host' ? undefined : candidates[0];
  if (!pod) return { refused: false };
  const declares = pod.containers.some((c) => c.ports.length > 0);
  return { pod, refused: declares };
}

function podField(pod: Pod | undefined): { pod?: Pod } {
  return pod ? { pod } : {};
}

export function deliver(ctx: WalkContext, w: Where, pkt: Pkt, iface: string): Outcome {
  if (ctx.replying) return toClient(ctx, w, pkt, iface);
  const l = listener(ctx, w, pkt);
  const podName = l.pod ? `${l.pod.namespace}/${l.pod.name}` : null;
  if (l.refused) {
    const declared = l.pod!.containers.flatMap((c) => c.ports.map((p) => `${p.containerPort}/${p.protocol}`)).join(', ');
    const what = pkt.proto === 'tcp' ? 'answers the SYN with a TCP RST: "Connection refused"' : 'answers with ICMP port unreachable';
    ctx.hop(at(w), 'drop', pkt, { lines: [`listening: ${declared}`] }, `Nothing listens on ${endpointText(pkt.dst, pkt.dport)} in ${podName} (it listens on ${declared}), so the kernel ${what}.`, {
      iface,
      commands: [`kubectl exec -n ${l.pod!.namespace} ${l.pod!.name} -- ss -ltnu`],
    });
    // TCP answers with a RST (the trace's reply); UDP with an ICMP port unreachable from this netns.
    return pkt.proto === 'tcp' ? { verdict: 'rejected', at: w } : { verdict: 'rejected', icmpError: icmpErrorAbout(w, ICMP_DEST_UNREACH, 3, pkt) };
  }
  const who = l.pod ? `${l.container ? `container ${l.container} of ` : ''}pod ${podName}` : w.nsId === 'host' ? `a process on node ${w.node}` : w.nsId;
  ctx.hop(at(w), 'deliver', pkt, {}, `The packet reaches the socket of ${who} on ${endpointText(pkt.dst, pkt.dport)}; it sees the peer as ${endpointText(pkt.src, pkt.sport)}.`, {
    iface,
    commands: [w.nsId === 'host' ? `ss -tanu dst ${pkt.src}` : `kubectl exec -n ${l.pod?.namespace ?? ''} ${l.pod?.name ?? ''} -- ss -tanu`],
  });
  return {
    verdict: 'delivered',
    delivered: { pod: podName, ip: pkt.dst, port: pkt.dport ?? null, observedSource: pkt.src },
    at: w,
  };
}

/** The reply reaches the socket that sent the first packet (connected, so no listener check). */
function toClient(ctx: WalkContext, w: Where, pkt: Pkt, iface: string): Outcome {
  const pod = podOf(ctx, w);
  const podName = pod ? `${pod.namespace}/${pod.name}` : null;
  const who = podName ? `pod ${podName}` : `node ${w.node}`;
  const explain = ctx.replying === 'rst'
    ? `The RST reaches the client socket in ${who}: connect() fails with "Connection refused".`
    : ctx.replying === 'icmp-error' && pkt.icmp
      ? icmpArrival(pkt.icmp, pkt.src, `the ${pkt.icmp.quoted.proto === 'icmp' ? 'pinging' : 'client'} socket in ${who}`)
      : `The reply reaches the client socket in ${who}, which sees it coming from ${endpointText(pkt.src, pkt.sport)}, the address it connected to.`;
  ctx.hop(at(w), 'deliver', pkt, {}, explain, { iface });
  return {
    verdict: 'delivered',
    delivered: { pod: podName, ip: pkt.dst, port: pkt.dport ?? null, observedSource: pkt.src },
    at: w,
  };
}
