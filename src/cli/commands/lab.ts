/**
 * `packetwalk lab FILES [--external-ip IP]`: prints a bash script that builds the modelled cluster in
 * network namespaces (`bash lab.sh up`) and removes it (`bash lab.sh down`). See docs/lab.md.
 */
import { labScript } from '../../engine/lab/index.ts';
import { isIPv4 } from '../../engine/net/ipv4.ts';
import { flag, parseArgs } from '../args.ts';
import { loadModel } from '../load.ts';

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  const externalIp = flag(parsed, 'external-ip');
  if (externalIp !== undefined && !isIPv4(externalIp)) {
    console.error(`packetwalk lab: --external-ip: not an IPv4 address: ${externalIp}`);
    return 2;
  }
  const { model, ok } = loadModel(parsed.positionals);
  if (!ok) return 1;
  process.stdout.write(labScript(model.cluster, model.dataplane, externalIp ? { externalIp } : {}));
  return 0;
}
