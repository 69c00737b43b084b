/**
 * The picture a trace is drawn on: the cluster, plus a box for each off-cluster host the trace
 * talks to (an egress target, a NodePort client), with the hops placed on it and, in a big cluster,
 * focused on what the trace passes. The app's engine host and the embed both draw from this, so a
 * shared link shows the same boxes in both.
 */
import type { Cluster } from '../cluster/types';
import type { Dataplane } from '../dataplane/types';
import type { Trace } from '../walk/types';
import { deriveTopology } from './derive';
import { focusTopology } from './focus';
import { placeHops } from './place';
import type { ElementId, HopPlace, Topology } from './types';

export interface TracePicture {
  /** Every element, the trace's outside hosts included: hops are placed on it. */
  topology: Topology;
  /** What is drawn: `topology`, or a big cluster's focus on the trace. */
  shown: Topology;
  places: HopPlace[];
  replyPlaces: HopPlace[];
}

/** Addresses outside the cluster that the trace's hops end at or come from, not drawn yet. */
export function outsideHosts(t: Topology, trace: Trace): string[] {
  // A cluster address is never an outside host (a node's address is the source of a masqueraded
  // packet that an outside host receives, e.g. CoreDNS forwarding upstream).
  const known = new Set([...t.externals.map((e) => e.ip), ...t.nodes.map((n) => n.ip), ...t.pods.map((p) => p.ip), ...t.services.flatMap((s) => [s.clusterIP, ...s.loadBalancerIPs, ...s.externalIPs])]);
  const extra = new Set<string>();
  for (const hop of [...trace.hops, ...(trace.reply?.hops ?? [])]) {
    if (hop.netns !== 'external') continue;
    const ip = hop.kind === 'deliver' || hop.kind === 'drop' ? hop.packet.dst : hop.packet.src;
    if (!known.has(ip)) extra.add(ip);
  }
  return [...extra].sort();
}

/** The elements a trace's hops are placed on, and the Services they address: always drawn. */
function placed(places: HopPlace[]): Set<ElementId> {
  const keep = new Set<ElementId>();
  for (const p of places) {
    keep.add(p.at);
    if (p.service) keep.add(p.service);
  }
  return keep;
}

/** `base`: the cluster's topology so far (it may already hold outside hosts of earlier traces). */
export function tracePicture(cluster: Cluster, dataplane: Dataplane, base: Topology, trace: Trace): TracePicture {
  const extra = outsideHosts(base, trace);
  const topology = extra.length > 0 ? deriveTopology(cluster, dataplane, extra) : base;
  const places = placeHops(topology, trace.hops);
  const replyPlaces = trace.reply ? placeHops(topology, trace.reply.hops) : [];
  return { topology, shown: focusTopology(topology, placed([...places, ...replyPlaces])), places, replyPlaces };
}
