#!/usr/bin/env bash
# `npm run demo`: everything needed to try the extension in a real VS Code in the browser, on a generated
# demo dataset. Prints the URL to open; Ctrl+C stops it. DEMO_PORT picks the port (default 8080), DEMO_DIR the folder
# the demo's workspace, GPU host and VS Code state go to (default .demo), and DEMO_SKIP_BUILD=1 starts it with the
# VSIX already in out/ without the set-up and packaging (for the end-to-end test, which packages first).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${DEMO_PORT:-8080}"
DEMO="${DEMO_DIR:-.demo}"
WORKSPACE="$DEMO/workspace"

if [ "${DEMO_SKIP_BUILD:-}" != 1 ]; then
  bash scripts/setup.sh
  npm run --silent package
fi

if [ ! -d "$WORKSPACE/datasets/flexiv_1113" ]; then
  echo "demo: generating the demo Flexiv dataset"
  mkdir -p "$WORKSPACE/datasets"
  /usr/bin/python3 test/fixtures/flexiv_episodes.py --demo "$WORKSPACE/datasets" >/dev/null
fi
if [ ! -f "$WORKSPACE/config_flexiv.py" ]; then
  # The Flexiv training config of the hand-over note, to try the config editor on (Open Training Config).
  cp test/fixtures/configs/config_flexiv.py "$WORKSPACE/config_flexiv.py"
fi
# A simulated GPU host on this machine for trying training: fake nvidia-smi (two A100s) and accelerate, and a
# Ctrl-World checkout whose scripts/train_wm.py is a stand-in that prints the real log lines and writes small
# checkpoints and sample videos. It trains nothing.
GPU_HOST="$DEMO/gpu-host"
if [ ! -d "$GPU_HOST/Ctrl-World" ]; then
  echo "demo: creating the simulated GPU host in $GPU_HOST"
  rm -rf "$GPU_HOST"
  node --import tsx test/support/gpuHost.ts "$GPU_HOST" >/dev/null
fi
gpu_host_abs=$(cd "$GPU_HOST" && pwd)
mkdir -p "$WORKSPACE/.vscode" "$DEMO/user-data/User" "$DEMO/extensions"
# The simulated host's tools reach the extension through its environment setup, as a conda environment would on a
# real host: code-server gives the extension host the PATH of a login shell, not the PATH it was started with.
cat > "$WORKSPACE/.vscode/settings.json" <<JSON
{
  "ctrlWorld.datasetFolders": ["datasets"],
  "ctrlWorld.ssh.defaultHost": "local",
  "ctrlWorld.remote.ctrlWorldFolder": "$gpu_host_abs/Ctrl-World",
  "ctrlWorld.remote.registryFolder": "$gpu_host_abs/registry",
  "ctrlWorld.remote.envSetup": "export PATH=\"$gpu_host_abs/bin:\$PATH\" PYTHONPATH=\"$gpu_host_abs/site\"",
  "ctrlWorld.training.checkpointSizeGb": 0.01
}
JSON
cat > "$DEMO/user-data/User/settings.json" <<JSON
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "git.openRepositoryInParentFolders": "never"
}
JSON

code_server=.tools/code-server/node_modules/.bin/code-server
vsix=$(ls -t out/*.vsix | head -n 1)
"$code_server" --user-data-dir "$DEMO/user-data" --extensions-dir "$DEMO/extensions" --install-extension "$vsix" --force >/dev/null
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$DEMO/code-server.yaml"
workspace_abs=$(cd "$WORKSPACE" && pwd)
echo
echo "Ctrl-World Flexiv demo: open http://127.0.0.1:$PORT/?folder=$workspace_abs"
echo "(the Ctrl-World icon is in the activity bar; Ctrl+C here stops the demo)"
echo "Training: Start Flexiv Training on \"This machine\" uses a SIMULATED GPU host (fake nvidia-smi and accelerate, a"
echo "stand-in trainer that trains nothing) in $GPU_HOST."
echo
exec "$code_server" --config "$DEMO/code-server.yaml" --user-data-dir "$DEMO/user-data" \
  --extensions-dir "$DEMO/extensions" --disable-telemetry --disable-update-check --disable-workspace-trust \
  "$workspace_abs"
