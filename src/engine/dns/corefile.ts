/**
 * The Corefile (Caddyfile syntax, as CoreDNS reads it): server blocks `ZONE[:PORT]... { ... }`,
 * directives `name args... [{ sub-directives }]`, `#` comments, quoted strings. Parsed into data,
 * then interpreted for the plugins kubeadm's Corefile uses; anything else is reported, never
 * silently ignored.
 */
import { problem, type Problem } from '../problems';

export interface CorefileDirective {
  name: string;
  args: string[];
  block: CorefileDirective[];
  /** 1-based line inside the Corefile. */
  line: number;
}

export interface ServerBlock {
  zones: { zone: string; port: number }[];
  directives: CorefileDirective[];
  line: number;
}

export interface Corefile {
  servers: ServerBlock[];
  problems: Problem[];
}

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      tokens.push({ text: '\n', line, quoted: false });
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      let s = '';
      const start = line;
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        if (text[i] === '\n') line++;
        s += text[i];
        i++;
      }
      i++;
      tokens.push({ text: s, line: start, quoted: true });
    } else {
      let s = '';
      while (i < text.length && !/[\s#"]/.test(text[i]!)) s += text[i++];
      tokens.push({ text: s, line, quoted: false });
    }
  }
  return tokens;
}

/** Splits tokens into lines, keeping `{` and `}` as their own structure markers. */
function lines(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  for (const t of tokens) {
    if (t.text === '\n') {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

function parseZone(key: string): { zone: string; port: number } {
  const m = /^(?:dns:\/\/)?(.*?)(?::(\d+))?$/.exec(key);
  let zone = (m?.[1] ?? key).toLowerCase();
  if (zone === '') zone = '.';
  if (zone !== '.' && !zone.endsWith('.')) zone += '.';
  return { zone, port: m?.[2] ? Number(m[2]) : 53 };
}

export function parseCorefile(text: string): Corefile {
  const problems: Problem[] = [];
  const servers: ServerBlock[] = [];
  const ls = lines(tokenize(text));
  let li = 0;

  /** Reads directives until the matching `}`; the opening `{` was already consumed. */
  function readBlock(): CorefileDirective[] {
    const out: CorefileDirective[] = [];
    while (li < ls.length) {
      const toks = ls[li++]!;
      const words = toks.map((t) => t.text);
      if (words[0] === '}' && !toks[0]!.quoted) {
        if (words.length > 1) {
          li--;
          ls[li] = toks.slice(1);
        }
        return out;
      }
      const opens = words[words.length - 1] === '{' && !toks[toks.length - 1]!.quoted;
      const args = opens ? words.slice(1, -1) : words.slice(1);
      const d: CorefileDirective = { name: words[0]!, args, block: [], line: toks[0]!.line };
      if (opens) d.block = readBlock();
      out.push(d);
    }
    problems.push(problem('error', 'corefile-syntax', 'Corefile: a block is missing its closing }'));
    return out;
  }

  while (li < ls.length) {
    const toks = ls[li++]!;
    const words = toks.map((t) => t.text);
    const line = toks[0]!.line;
    if (words[words.length - 1] !== '{') {
      // A snippet `(name) { ... }` or a bare key on one line followed by `{` on the next.
      if (ls[li]?.[0]?.text === '{' && ls[li]!.length === 1) li++;
      else {
        problems.push(problem('error', 'corefile-syntax', `Corefile line ${line}: expected '{' after '${words.join(' ')}'`));
        continue;
      }
    } else words.pop();
    if (words[0]?.startsWith('(')) {
      readBlock();
      problems.push(problem('warning', 'corefile-unsupported', `Corefile line ${line}: snippet ${words[0]} is not modelled`));
      continue;
    }
    const zones = words.flatMap((w) => w.split(',')).filter((w) => w !== '').map(parseZone);
    servers.push({ zones, directives: readBlock(), line });
  }
  return { servers, problems };
}

/** Plugins PacketWalk models, and the ones it knows but only reports. */
const MODELLED = new Set([
  'errors', 'health', 'ready', 'kubernetes', 'prometheus', 'forward', 'cache', 'loop', 'reload',
  'loadbalance', 'hosts', 'log', 'debug', 'bind', 'whoami',
]);
const KNOWN_NOT_MODELLED = new Set(['rewrite', 'template', 'file', 'auto', 'etcd', 'route53', 'k8s_external', 'autopath', 'dnssec', 'acl', 'nsid']);

export interface KubernetesPluginConfig {
  zones: string[];
  pods: 'disabled' | 'insecure' | 'verified';
  fallthrough: string[] | null;
  ttl: number;
}

export interface ForwardConfig {
  from: string;
  /** `/etc/resolv.conf` or addresses (`1.1.1.1`, `8.8.8.8:53`, `tls://…`). */
  to: string[];
  policy: 'random' | 'round_robin' | 'sequential';
}

/** What one server block does, in CoreDNS's fixed plugin order (plugin.cfg), not Corefile order. */
export interface ServerConfig {
  zones: { zone: string; port: number }[];
  kubernetes?: KubernetesPluginConfig;
  hosts?: { entries: { ip: string; names: string[] }[]; fallthrough: boolean; file?: string };
  forward?: ForwardConfig;
  cacheSeconds?: number;
  loadbalance: boolean;
  /** Directives present but not modelled (rewrite, template, ...). */
  unsupported: string[];
}

function fqdn(z: string): string {
  const s = z.toLowerCase();
  return s.endsWith('.') ? s : `${s}.`;
}

export function interpretServer(block: ServerBlock, problems: Problem[]): ServerConfig {
  const cfg: ServerConfig = { zones: block.zones, loadbalance: false, unsupported: [] };
  const serverZones = block.zones.map((z) => z.zone);
  for (const d of block.directives) {
    if (d.name === 'kubernetes') {
      const k: KubernetesPluginConfig = {
        zones: d.args.length ? d.args.map(fqdn) : serverZones,
        pods: 'disabled',
        fallthrough: null,
        ttl: 5,
      };
      for (const sub of d.block) {
        if (sub.name === 'pods' && ['disabled', 'insecure', 'verified'].includes(sub.args[0] ?? '')) {
          k.pods = sub.args[0] as KubernetesPluginConfig['pods'];
        } else if (sub.name === 'fallthrough') k.fallthrough = sub.args.map(fqdn);
        else if (sub.name === 'ttl' && /^\d+$/.test(sub.args[0] ?? '')) k.ttl = Number(sub.args[0]);
        else if (!['endpoint', 'tls', 'kubeconfig', 'namespaces', 'labels', 'endpoint_pod_names', 'noendpoints', 'ignore', 'upstream'].includes(sub.name)) {
          problems.push(problem('warning', 'corefile-unsupported', `Corefile line ${sub.line}: kubernetes option '${sub.name}' is not modelled`));
        }
      }
      cfg.kubernetes = k;
    } else if (d.name === 'forward') {
      const [from, ...to] = d.args;
      const policy = d.block.find((s) => s.name === 'policy')?.args[0];
      cfg.forward = {
        from: fqdn(from ?? '.'),
        to,
        policy: policy === 'round_robin' || policy === 'sequential' ? policy : 'random',
      };
    } else if (d.name === 'hosts') {
      const entries: { ip: string; names: string[] }[] = [];
      let fallthrough = false;
      for (const sub of d.block) {
        if (sub.name === 'fallthrough') fallthrough = true;
        else if (/^[\d.:a-fA-F]+$/.test(sub.name) && sub.args.length) entries.push({ ip: sub.name, names: sub.args.map((n) => n.toLowerCase().replace(/\.$/, '')) });
      }
      cfg.hosts = { entries, fallthrough };
      const file = d.args[0];
      if (file !== undefined && !file.endsWith('.') && file.includes('/')) cfg.hosts.file = file;
    } else if (d.name === 'cache') {
      cfg.cacheSeconds = /^\d+$/.test(d.args[0] ?? '') ? Number(d.args[0]) : 3600;
    } else if (d.name === 'loadbalance') cfg.loadbalance = true;
    else if (!MODELLED.has(d.name)) {
      cfg.unsupported.push(d.name);
      const why = KNOWN_NOT_MODELLED.has(d.name) ? 'is parsed but not modelled' : 'is not a plugin PacketWalk knows';
      problems.push(problem('warning', 'corefile-unsupported', `Corefile line ${d.line}: '${d.name}' ${why}; answers are computed as if it were absent`));
    }
  }
  return cfg;
}
