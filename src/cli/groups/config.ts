// `config show|check|set|render`: dist/cli-config.js.
export { runCommands } from '../dispatch';
export { CONFIG_COMMANDS as commands } from '../config';
