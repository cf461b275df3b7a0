// `quality`: dist/cli-quality.js.
import type { CliCommand } from '../framework';
import { qualityCommand } from '../quality';

export { runCommands } from '../dispatch';
export const commands: readonly CliCommand[] = [qualityCommand];
