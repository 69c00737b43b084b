/**
 * `packetwalk rules FILES --node NAME [--table nat|filter] [--format save|restore]`
 *
 * restore: exactly what kube-proxy hands to `iptables-restore` on the node (its chains only).
 * save: what `iptables-save` shows on the node: base chains, kube-proxy's and the CNI's chains
 * (the header lines carry no timestamp, so the output is reproducible).
 */
import { flag, parseArgs } from '../args.ts';
import { loadModel } from '../load.ts';
import { kubeProxyRestoreText } from '../../engine/kube-proxy/index.ts';
import { printIptablesSave } from '../../engine/netfilter/index.ts';
import type { TableName } from '../../engine/netfilter/types.ts';

const TABLES = ['nat', 'filter'] as const;
const FORMATS = ['save', 'restore'] as const;

/** Keeps one `*table … COMMIT` block of restore text. */
function restoreTable(text: string, table: TableName): string {
  const start = text.indexOf(`*${table}\n`);
  if (start < 0) return '';
  const end = text.indexOf('COMMIT\n', start);
  return text.slice(start, end < 0 ? undefined : end + 'COMMIT\n'.length);
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const table = flag(args, 'table');
  const format = flag(args, 'format') ?? 'save';
  if (table !== undefined && !(TABLES as readonly string[]).includes(table)) {
    console.error(`packetwalk rules: --table must be one of ${TABLES.join(', ')} (got '${table}')`);
    return 2;
  }
  if (!(FORMATS as readonly string[]).includes(format)) {
    console.error(`packetwalk rules: --format must be one of ${FORMATS.join(', ')} (got '${format}')`);
    return 2;
  }

  const { model, ok } = loadModel(args.positionals);
  if (!ok) return 1;
  const names = model.cluster.nodes.map((n) => n.name);
  const node = flag(args, 'node');
  if (node === undefined || !names.includes(node)) {
    const what = node === undefined ? 'missing --node' : `unknown node '${node}'`;
    console.error(`packetwalk rules: ${what}; nodes: ${names.join(', ')}`);
    return node === undefined ? 2 : 1;
  }

  if (format === 'restore') {
    const text = kubeProxyRestoreText(model.cluster, node);
    process.stdout.write(table ? restoreTable(text, table as TableName) : text);
    return 0;
  }
  const dataplane = model.dataplane.nodes[node];
  if (!dataplane) {
    console.error(`packetwalk rules: no dataplane for node '${node}'`);
    return 1;
  }
  process.stdout.write(printIptablesSave(dataplane.iptables, table ? { tables: [table as TableName] } : {}));
  return 0;
}
