export async function run(_args: string[]): Promise<number> {
  console.error('packetwalk rules: not implemented yet');
  return 2;
}
