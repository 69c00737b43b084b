/**
 * `packetwalk show FILES --node NAME [--pod NS/NAME] addr|route|neigh|fdb|resolv|conntrack`
 * (`conntrack --from EP --to EP [...]`: the node's table after that trace)
 *
 * The terminal views of one netns, in the exact text of the real tools: `ip addr`, `ip route`
 * (`--table local` for `ip route show table local`), `ip neigh`, `bridge fdb show`,
 * `cat /etc/resolv.conf`, `conntrack -L`. Without --pod the node's root netns is shown; a
 * hostNetwork pod shares it. With --pod alone the node is the pod's.
 */
import { flag, parseArgs, traceRequest } from '../args.ts';
import { loadModel } from '../load.ts';
import { formatBridgeFdb, formatIpAddr, formatIpNeigh, formatIpRoute, formatResolvConf } from '../../engine/dataplane/index.ts';
import type { Netns, ResolvConf } from '../../engine/dataplane/types.ts';
import { runTrace } from '../../engine/index.ts';
import { conntrackListSummary, formatConntrackList } from '../../engine/netfilter/index.ts';
import type { ConntrackEntry } from '../../engine/netfilter/types.ts';

const VIEWS = ['addr', 'route', 'neigh', 'fdb', 'resolv', 'conntrack'] as const;
type View = (typeof VIEWS)[number];

function fail(message: string, code: number): number {
  console.error(`packetwalk show: ${message}`);
  return code;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  // The view is the last positional that names one; the rest are manifest files.
  const viewAt = args.positionals.findLastIndex((p) => (VIEWS as readonly string[]).includes(p));
  if (viewAt < 0) return fail(`which view? one of ${VIEWS.join(', ')}`, 2);
  const view = args.positionals[viewAt] as View;
  const files = args.positionals.filter((_, i) => i !== viewAt);
  const table = flag(args, 'table') ?? 'main';
  if (table !== 'main' && table !== 'local') return fail(`--table must be main or local (got '${table}')`, 2);

  const { model, ok } = loadModel(files);
  if (!ok) return 1;
  const cluster = model.cluster;

  let podKey: string | undefined;
  const podArg = flag(args, 'pod');
  if (podArg !== undefined) {
    const [ns, name] = podArg.includes('/') ? podArg.split('/', 2) : ['default', podArg];
    const pod = cluster.pods.find((p) => p.namespace === ns && p.name === name);
    if (!pod) {
      const inNs = cluster.pods.filter((p) => p.namespace === ns).map((p) => p.name);
      return fail(`unknown pod '${ns}/${name}'${inNs.length > 0 ? `; pods in ${ns}: ${inNs.join(', ')}` : ''}`, 1);
    }
    podKey = `${pod.namespace}/${pod.name}`;
    const nodeArg = flag(args, 'node');
    if (nodeArg !== undefined && nodeArg !== pod.node) return fail(`pod '${podKey}' runs on node '${pod.node}', not '${nodeArg}'`, 1);
  }
  const nodeName = flag(args, 'node') ?? (podKey ? cluster.pods.find((p) => `${p.namespace}/${p.name}` === podKey)?.node : undefined);
  const names = cluster.nodes.map((n) => n.name);
  if (nodeName === undefined) return fail(`missing --node; nodes: ${names.join(', ')}`, 2);
  const node = model.dataplane.nodes[nodeName];
  const clusterNode = cluster.nodes.find((n) => n.name === nodeName);
  if (!node || !clusterNode) return fail(`unknown node '${nodeName}'; nodes: ${names.join(', ')}`, 1);

  let netns: Netns = node.host;
  let resolv: ResolvConf | undefined = { nameservers: cluster.settings.upstreamDNS, search: clusterNode.searchDomains, options: [] };
  if (podKey) {
    const podNs = node.pods[podKey];
    if (podNs) {
      netns = podNs;
      resolv = podNs.resolvConf;
    } else {
      // hostNetwork pods (and pods without an address yet) live in the node's netns.
      resolv = node.hostNetworkResolvConf?.[podKey];
      if (!resolv && view === 'resolv') return fail(`pod '${podKey}' has no network namespace (no address yet?)`, 1);
    }
  }

  switch (view) {
    case 'addr':
      process.stdout.write(formatIpAddr(netns));
      break;
    case 'route':
      process.stdout.write(formatIpRoute(netns, table));
      break;
    case 'neigh':
      process.stdout.write(formatIpNeigh(netns));
      break;
    case 'fdb':
      process.stdout.write(formatBridgeFdb(netns));
      break;
    case 'resolv':
      process.stdout.write(resolv ? formatResolvConf(resolv) : '');
      break;
    case 'conntrack': {
      // A fresh model has no connections: a trace (--from/--to, as for `trace`) fills the tables,
      // and the node's entries are listed as they stand after it. Summary on stderr, as conntrack does.
      let entries: ConntrackEntry[] = [];
      if (flag(args, 'from') !== undefined || flag(args, 'to') !== undefined) {
        const req = traceRequest(args);
        if ('error' in req) return fail(req.error, 2);
        const t = runTrace(model, req);
        if ('error' in t) return fail(t.error, 1);
        entries = (t.conntrack ?? []).filter((e) => e.node === nodeName);
      }
      process.stdout.write(formatConntrackList(entries));
      process.stderr.write(conntrackListSummary(entries.length));
      break;
    }
  }
  return 0;
}
