export async function run(_args: string[]): Promise<number> {
  console.error('packetwalk trace: not implemented yet');
  return 2;
}
