const usage = `usage: packetwalk trace|rules|show|lab <manifest files...> [options]`;
const [command] = process.argv.slice(2);
if (!command || command === '--help' || command === '-h') {
  console.log(usage);
  process.exit(command ? 0 : 2);
}
console.error(`packetwalk: unknown command '${command}'\n${usage}`);
process.exit(2);
