import type { TraceRequest } from '../engine/walk/types.ts';

/** Minimal argv parsing shared by the commands: `--flag value`, `--flag=value`, booleans, positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) flags.set(name, a.slice(eq + 1));
      else if (booleanFlags.includes(name)) flags.set(name, true);
      else {
        const v = argv[i + 1];
        if (v === undefined) flags.set(name, true);
        else {
          flags.set(name, v);
          i++;
        }
      }
    } else positionals.push(a);
  }
  return { positionals, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/**
 * `--from EP --to EP [--proto tcp|udp|icmp] [--port N] [--pick IP] [--seed N]` as a trace request,
 * or the message saying which flag is wrong. Shared by `trace` and `show conntrack`.
 */
export function traceRequest(args: ParsedArgs): TraceRequest | { error: string } {
  const from = flag(args, 'from');
  const to = flag(args, 'to');
  if (!from || !to) return { error: '--from and --to are required' };
  const req: TraceRequest = { from, to };
  const proto = flag(args, 'proto');
  if (proto !== undefined) {
    if (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp') return { error: `--proto must be tcp, udp or icmp, not '${proto}'` };
    req.proto = proto;
  }
  for (const name of ['port', 'seed'] as const) {
    const v = flag(args, name);
    if (v === undefined) continue;
    const n = Number(v);
    const ok = name === 'port' ? Number.isInteger(n) && n >= 1 && n <= 65535 : Number.isInteger(n) && n >= 0;
    if (!ok) return { error: `--${name} must be ${name === 'port' ? 'a port number 1-65535' : 'a non-negative integer'}, not '${v}'` };
    req[name] = n;
  }
  const pick = flag(args, 'pick');
  if (pick !== undefined) req.pick = pick;
  return req;
}
