export async function run(_args: string[]): Promise<number> {
  console.error('packetwalk show: not implemented yet');
  return 2;
}
