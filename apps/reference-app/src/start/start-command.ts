import type { CommandContext } from '../cli/command-context';

/** `kit start` (in progress). */
export async function startCommand(context: CommandContext): Promise<number> {
  context.terminal.err('kit start: not built yet\n');
  return 1;
}
