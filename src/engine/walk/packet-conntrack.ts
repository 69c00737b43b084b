/**
 * Conntrack as one packet sees it in a host netns: at PREROUTING/OUTPUT it finds its entry (or
 * starts an unconfirmed one; an ICMP error finds the connection it quotes: RELATED), NAT is undone
 * for replies, and after POSTROUTING/INPUT a new entry is confirmed. The hooks read the state.
 */
import type { ConntrackEntry } from '../netfilter/types';
import { conntrackLookup, conntrackSeenReply, formatConntrackEntry as formatConntrack } from '../netfilter';
import { at, endpointText, flowText, inNs, type Pkt, type WalkContext, type Where } from './context';
import { confirm, unconfirmedEntry, type FlowKey } from './conntrack';
import type { HookIo } from './hooks';
import { icmpLabel } from './icmp';

/** Conntrack as seen by one packet inside one host netns. */
export interface CtView {
  entry?: ConntrackEntry;
  direction: 'new' | 'original' | 'reply';
  /** Reply to a DNATed connection: the source goes back to the original destination on the way out. */
  unDnat?: { src: string; sport?: number };
  /** An ICMP error tied to the entry (RELATED), or to nothing conntrack knows (INVALID). */
  related?: boolean;
  invalid?: boolean;
}

function key(p: Pkt): FlowKey {
  const k: FlowKey = { proto: p.proto, src: p.src, dst: p.dst };
  if (p.sport !== undefined) k.sport = p.sport;
  if (p.dport !== undefined) k.dport = p.dport;
  return k;
}

/** The conntrack step at PREROUTING / OUTPUT: find or create the entry; un-SNAT replies now. */
export function ctIn(ctx: WalkContext, w: Where, pkt: Pkt, iface: string | undefined): CtView {
  if (w.nsId !== 'host') return { direction: 'new' };
  if (pkt.icmp) return ctRelated(ctx, w, pkt, iface);
  const table = ctx.ct(w.node);
  const m = conntrackLookup(table, key(pkt));
  if (!m) return { direction: 'new', entry: unconfirmedEntry(w.node, key(pkt)) };
  if (m.direction === 'original') return { direction: 'original', entry: m.entry };
  const seen = conntrackSeenReply(table, m.entry);
  ctx.setCt(seen.table);
  const e = seen.entry;
  const view: CtView = { direction: 'reply', entry: e };
  const before = flowText(pkt);
  if (e.status.includes('SNAT')) {
    pkt.dst = e.orig.src;
    if (e.orig.sport !== undefined) pkt.dport = e.orig.sport;
  }
  if (e.status.includes('DNAT')) {
    view.unDnat = { src: e.orig.dst };
    if (e.orig.dport !== undefined) view.unDnat.sport = e.orig.dport;
  }
  const undid = e.status.includes('SNAT')
    ? `the reply's destination goes back from ${before.split(' → ')[1]} to the original client ${flowText(pkt).split(' → ')[1]} (un-SNAT)`
    : e.status.includes('DNAT')
      ? 'its source will be translated back to the original destination on the way out'
      : 'no address translation to undo';
  ctx.hop(at(w), 'conntrack', pkt, { conntrack: formatConntrack(e) }, `The packet matches the reply tuple of a tracked connection: ${undid}.`, {
    ...(iface ? { iface } : {}),
    commands: [inNs(w, `conntrack -L -p ${pkt.proto} -d ${e.orig.dst}`)],
  });
  return view;
}

/**
 * An ICMP error at PREROUTING / OUTPUT (`icmp_error_message`): the header it quotes, inverted, is
 * looked up like a packet; a match makes the error RELATED to that connection and NAT is undone on
 * both the outer and the quoted header (`nf_nat_icmp_reply_translation`). An error made here about
 * a packet this netns was handling carries that packet's conntrack even when it was never
 * confirmed (`nf_ct_attach`, as for a REJECT). Otherwise the error is INVALID.
 */
function ctRelated(ctx: WalkContext, w: Where, pkt: Pkt, iface: string | undefined): CtView {
  const q = pkt.icmp!.quoted;
  const inverted: FlowKey = { proto: q.proto, src: q.dst, dst: q.src };
  if (q.dport !== undefined) inverted.sport = q.dport;
  if (q.sport !== undefined) inverted.dport = q.sport;
  const m = conntrackLookup(ctx.ct(w.node), inverted);
  if (!m) {
    if (pkt.ctAttached === `${w.node}|${w.nsId}`) {
      ctx.hop(at(w), 'conntrack', pkt, {}, `The ICMP ${icmpLabel(pkt.icmp!)} carries the conntrack entry of the packet it answers (never confirmed, since that packet went no further), so netfilter sees it as RELATED and the nat table leaves it alone.`, iface ? { iface } : {});
      const quotedKey: FlowKey = { proto: q.proto, src: q.src, dst: q.dst };
      if (q.sport !== undefined) quotedKey.sport = q.sport;
      if (q.dport !== undefined) quotedKey.dport = q.dport;
      return { direction: 'reply', related: true, entry: unconfirmedEntry(w.node, quotedKey) };
    }
    return { direction: 'new', invalid: true };
  }
  const e = m.entry;
  const view: CtView = { direction: m.direction, entry: e, related: true };
  const before = pkt.dst;
  if (m.direction === 'reply' && e.status.includes('SNAT')) {
    pkt.dst = e.orig.src;
    q.src = e.orig.src;
    if (e.orig.sport !== undefined) q.sport = e.orig.sport;
  }
  if (m.direction === 'reply' && e.status.includes('DNAT')) {
    view.unDnat = { src: e.orig.dst };
    if (e.orig.dport !== undefined) view.unDnat.sport = e.orig.dport;
  }
  const undid = before !== pkt.dst
    ? `conntrack sends it back to ${pkt.dst}, the connection's real client, and rewrites the quoted header to match (un-SNAT)`
    : view.unDnat
      ? 'its source will be translated back to the address the client sent to on the way out'
      : 'there is no address translation to undo';
  ctx.hop(at(w), 'conntrack', pkt, { conntrack: formatConntrack(e) }, `The ICMP ${icmpLabel(pkt.icmp!)} quotes a packet of a tracked connection, so conntrack marks it RELATED: ${undid}.`, {
    ...(iface ? { iface } : {}),
    commands: [inNs(w, `conntrack -L -p ${q.proto} -d ${e.orig.dst}`)],
  });
  return view;
}

export function ioFor(ct: CtView, extra: Partial<HookIo>): HookIo {
  const io: HookIo = {
    ctState: ct.related ? 'RELATED' : ct.invalid ? 'INVALID' : ct.direction === 'new' ? 'NEW' : 'ESTABLISHED',
    ctNat: { dnat: !!ct.entry?.status.includes('DNAT'), snat: !!ct.entry?.status.includes('SNAT') },
    ctDir: ct.direction === 'reply' ? 'REPLY' : 'ORIGINAL',
    ...extra,
  };
  if (ct.entry && ct.direction !== 'new') {
    io.ctOrig = ct.entry.orig;
    io.ctReply = ct.entry.reply;
  }
  return io;
}

/** After the last hook (POSTROUTING or INPUT): un-DNAT a reply, or confirm a new entry. */
export function ctOut(ctx: WalkContext, w: Where, pkt: Pkt, ct: CtView, iface: string | undefined): void {
  if (!ct.entry) return;
  if (ct.related) {
    if (!ct.unDnat || !pkt.icmp) return;
    const q = pkt.icmp.quoted;
    const before = pkt.src;
    pkt.src = ct.unDnat.src;
    q.dst = ct.unDnat.src;
    if (ct.unDnat.sport !== undefined) q.dport = ct.unDnat.sport;
    ctx.hop(at(w), 'conntrack', pkt, { conntrack: formatConntrack(ct.entry) }, `Conntrack undoes the DNAT on the ICMP error too: it now comes from ${pkt.src} instead of ${before}, and quotes the packet as the client sent it (${q.src} → ${endpointText(q.dst, q.dport)}).`, {
      ...(iface ? { iface } : {}),
      commands: [inNs(w, `conntrack -L -p ${q.proto} -s ${ct.entry.orig.src}`)],
    });
    return;
  }
  if (ct.direction === 'reply' && ct.unDnat) {
    const before = flowText(pkt);
    pkt.src = ct.unDnat.src;
    if (ct.unDnat.sport !== undefined) pkt.sport = ct.unDnat.sport;
    ctx.hop(at(w), 'conntrack', pkt, { conntrack: formatConntrack(ct.entry) }, `Conntrack undoes the DNAT on the reply: ${before} becomes ${flowText(pkt)}, so the client sees the address it connected to.`, {
      ...(iface ? { iface } : {}),
      commands: [inNs(w, `conntrack -L -p ${pkt.proto} -s ${ct.entry.orig.src}`)],
    });
  } else if (ct.direction === 'new') {
    // The entry's mark is the connmark (CONNMARK), not the skb mark the rules set.
    const confirmed = confirm(ctx.ct(w.node), ct.entry, key(pkt));
    ctx.setCt(confirmed.table);
    ct.entry = confirmed.entry;
    const nat = ct.entry.status.filter((s) => s === 'DNAT' || s === 'SNAT');
    ctx.hop(at(w), 'conntrack', pkt, { conntrack: formatConntrack(ct.entry) }, `Conntrack confirms the new connection${nat.length ? ` with ${nat.join(' and ')}` : ''}; replies will match its reply tuple${nat.length ? ' and be translated back' : ''}.`, {
      ...(iface ? { iface } : {}),
      commands: [inNs(w, `conntrack -L -p ${pkt.proto} -s ${ct.entry.orig.src} -d ${ct.entry.orig.dst}`)],
    });
  }
}
