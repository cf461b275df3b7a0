// `preflight`, `train start|stop|logs` and `runs`: dist/cli-training.js.
export { runCommands } from '../dispatch';
export { TRAINING_COMMANDS as commands } from '../training';
