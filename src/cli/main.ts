/**
 * `packetwalk trace|rules|show|lab <manifest files...> [options]` — the same engine as the app.
 * Each command lives in its own module under ./commands and returns an exit code.
 */
const usage = `usage: packetwalk <command> <manifest files...> [options]

commands:
  trace --from EP --to EP [--proto tcp|udp|icmp] [--port N] [--pick IP] [--seed N] [--json]
  rules --node NAME [--table nat|filter] [--format save|restore]
  show  --node NAME [--pod NS/NAME] addr|route|neigh|fdb|resolv
  show  --node NAME conntrack [--from EP --to EP [--proto P] [--port N] [--pick IP]]  (the table after that trace)
  lab   (prints a bash script: 'bash lab.sh up' / 'bash lab.sh down')

Manifest files may be '-' for standard input. With no files, the built-in demo cluster is used.`;

const commands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  trace: () => import('./commands/trace.ts'),
  rules: () => import('./commands/rules.ts'),
  show: () => import('./commands/show.ts'),
  lab: () => import('./commands/lab.ts'),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage);
    return command ? 0 : 2;
  }
  const load = commands[command];
  if (!load) {
    console.error(`packetwalk: unknown command '${command}'\n\n${usage}`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}

// Set the code and let Node exit once stdout has drained: process.exit() right after a large write
// cuts what a pipe receives at 64 KiB.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`packetwalk: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 70;
  },
);
