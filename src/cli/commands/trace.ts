/**
 * `packetwalk trace FILES --from EP --to EP [--proto tcp|udp|icmp] [--port N] [--pick IP] [--seed N] [--json]`
 * Text: a hop table (one line per hop, the decision and the explanation under it).
 * JSON: the trace contract of DESIGN.md §6. Exit 0 when a trace was produced, whatever its verdict;
 * 1 on a user error (bad flags, bad manifests, an endpoint that does not exist).
 */
import { runTrace } from '../../engine/index.ts';
import type { Hop, PacketHeaders, Trace, TracePath, TraceRequest } from '../../engine/walk/types.ts';
import { parseArgs, traceRequest } from '../args.ts';
import { loadModel } from '../load.ts';

const USAGE = 'usage: packetwalk trace [FILES...] --from EP --to EP [--proto tcp|udp|icmp] [--port N] [--pick IP] [--seed N] [--json]';

function endpoint(ip: string, port: number | undefined): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

export function formatPacket(p: PacketHeaders): string {
  const inner = `${p.proto}${p.icmp ? ` ${p.icmp.name}` : ''} ${endpoint(p.src, p.sport)} → ${endpoint(p.dst, p.dport)} ttl ${p.ttl}`;
  if (!p.outer) return inner;
  const o = p.outer;
  const outer = `${o.proto === 'ipip' ? 'ipip' : `udp ${o.sport ?? ''}→${o.dport ?? ''}${o.vni !== undefined ? ` vni ${o.vni}` : ''}`} ${o.src} → ${o.dst} ttl ${o.ttl}`;
  return `[${outer}] ${inner}`;
}

function decision(h: Hop): string | undefined {
  const d = h.detail;
  if (d.rule) return `${d.table ? `${d.table} ` : ''}${d.rule}`;
  return d.route ?? d.conntrack ?? d.neighbour ?? (d.query ? `${d.query} → ${d.answer ?? ''}` : undefined) ?? d.policy;
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s.slice(0, n - 1)}…` : s.padEnd(n);
}

export function formatPath(path: TracePath): string {
  const lines: string[] = [];
  lines.push(`${'#'.padStart(3)}  ${pad('node', 10)} ${pad('netns', 30)} ${pad('iface', 16)} ${pad('kind', 9)} packet`);
  for (const h of path.hops) {
    lines.push(`${String(h.seq).padStart(3)}  ${pad(h.node ?? '-', 10)} ${pad(h.netns, 30)} ${pad(h.iface ?? '', 16)} ${pad(h.kind, 9)} ${formatPacket(h.packet)}`);
    const d = decision(h);
    if (d) lines.push(`       ${d}`);
    lines.push(`       ${h.explain}`);
  }
  if (path.delivered) {
    const d = path.delivered;
    lines.push(`delivered to ${d.pod ?? d.ip} at ${endpoint(d.ip, d.port ?? undefined)}; the socket sees the peer as ${d.observedSource}`);
  }
  return lines.join('\n');
}

export function formatTrace(req: TraceRequest, t: Trace): string {
  const out: string[] = [`trace ${req.from} → ${req.to} (${req.proto ?? 'tcp'}${req.port !== undefined ? `/${req.port}` : ''}): ${t.verdict}`];
  if (t.dns?.length) {
    out.push('', 'DNS queries:');
    for (const q of t.dns) out.push(`  ${q.type.padEnd(4)} ${q.name} → ${q.rcode}${q.answers.length ? ` ${q.answers.join(', ')}` : ''}${q.server ? ` (${q.server})` : ''}`);
  }
  out.push('', formatPath(t));
  if (t.reply) out.push('', `reply: ${t.reply.verdict}`, formatPath(t.reply));
  if (t.notes?.length) out.push('', 'notes:', ...t.notes.map((n) => `  ${n}`));
  return out.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json']);
  const req = traceRequest(args);
  if ('error' in req) {
    console.error(`packetwalk trace: ${req.error}${req.error.startsWith('--from') ? `\n${USAGE}` : ''}`);
    return 1;
  }
  const { model, ok } = loadModel(args.positionals);
  if (!ok) return 1;
  const trace = runTrace(model, req);
  if ('error' in trace) {
    console.error(`packetwalk trace: ${trace.error}`);
    return 1;
  }
  console.log(args.flags.get('json') ? JSON.stringify(trace, null, 2) : formatTrace(req, trace));
  return 0;
}
