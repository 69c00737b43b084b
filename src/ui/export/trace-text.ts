/**
 * The trace as text files: JSON exactly as `packetwalk trace --json` prints it (DESIGN.md §6), and
 * a Markdown hop table to paste into tickets and docs.
 */
import type { Hop, Trace, TracePath } from '../../engine/walk/types';
import { headerLine, KIND_LABEL, outerLine, VERDICT_TEXT, whereOf } from '../hop-format';

/** Same bytes as the CLI: `console.log(JSON.stringify(trace, null, 2))`. */
export function traceJson(trace: Trace): string {
  return `${JSON.stringify(trace, null, 2)}\n`;
}

/** A table cell: pipes escaped, line breaks flattened, code spans where the text is code. */
function cell(text: string, code = false): string {
  const flat = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
  if (!flat) return '';
  if (!code) return flat;
  const ticks = flat.includes('`') ? '``' : '`';
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${flat}${ticks.length > 1 ? ' ' : ''}${ticks}`;
}

/** The rule, route or entry that decided the hop, as the real tool prints it. */
export function decisionOf(hop: Hop): string {
  const d = hop.detail;
  if (d.rule) return d.table && d.chain ? `-t ${d.table} ${d.rule}` : d.rule;
  if (d.table && d.chain) return `${d.table} ${d.chain}${d.target ? ` → ${d.target}` : ''}`;
  return d.route ?? d.conntrack ?? d.neighbour ?? d.policy ?? (d.query ? `${d.query}${d.answer ? ` → ${d.answer}` : ''}` : '');
}

function table(path: TracePath): string[] {
  const rows = ['| # | Where | Kind | Packet after the hop | Decision | What happens |', '|---:|---|---|---|---|---|'];
  for (const h of path.hops) {
    const outer = outerLine(h.packet);
    const packet = outer ? `${outer} [${headerLine(h.packet)}]` : headerLine(h.packet);
    rows.push(`| ${h.seq} | ${cell(whereOf(h))} | ${KIND_LABEL[h.kind]} | ${cell(packet, true)} | ${cell(decisionOf(h), true)} | ${cell(h.explain)} |`);
  }
  return rows;
}

function outcome(path: TracePath): string {
  const d = path.delivered;
  const to = d ? ` to ${d.pod ?? d.ip}${d.port !== null ? ` port ${d.port}` : ''}; the socket sees the peer as ${d.observedSource}` : '';
  return `**${VERDICT_TEXT[path.verdict]}**${to}.`;
}

export interface TraceTitle {
  from: string;
  to: string;
  proto: string;
  port: number | null;
}

export function traceMarkdown(trace: Trace, s: TraceTitle): string {
  const lines = [`# PacketWalk trace: ${s.from} → ${s.to} (${s.proto.toUpperCase()}${s.port !== null ? ` ${s.port}` : ''})`, '', outcome(trace), '', ...table(trace)];
  const icmp = trace.reply?.hops[0]?.packet.icmp;
  if (trace.reply) lines.push('', icmp ? `## Reply: ICMP ${icmp.name}` : '## Reply', '', outcome(trace.reply), '', ...table(trace.reply));
  if (trace.dns?.length) {
    lines.push('', '## DNS queries', '', '| Name | Type | Answer | Server |', '|---|---|---|---|');
    for (const q of trace.dns) lines.push(`| ${cell(q.name, true)} | ${q.type} | ${cell(q.answers.length ? q.answers.join(', ') : q.rcode)} | ${cell(q.server ?? '')} |`);
  }
  if (trace.notes?.length) lines.push('', '## Notes', '', ...trace.notes.map((n) => `- ${n.replace(/\r?\n/g, ' ')}`));
  return `${lines.join('\n')}\n`;
}
