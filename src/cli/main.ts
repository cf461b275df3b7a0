// `ctrl-world-flexiv <command> ...`: loads the group of the command asked for and runs it there; `--help` and unknown
// commands load every group, for the list.
import { runCommands } from './dispatch';
import type { CliIo } from './framework';
import { GROUP_NAMES, groupOf, loadGroup } from './groups';

export async function runCli(argv: string[], io: CliIo, version: string): Promise<number> {
  const group = groupOf(argv[0]);
  if (group) {
    const { commands, runCommands: runInGroup } = await loadGroup(group);
    return runInGroup(argv, io, version, commands);
  }
  // The version needs no command at all.
  if (argv[0] === '--version' || argv[0] === '-v') return runCommands(argv, io, version, []);
  const groups = await Promise.all(GROUP_NAMES.map(loadGroup));
  return runCommands(
    argv,
    io,
    version,
    groups.flatMap((loaded) => loaded.commands),
  );
}
