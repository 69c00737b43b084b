export async function run(_args: string[]): Promise<number> {
  console.error('packetwalk lab: not implemented yet');
  return 2;
}
