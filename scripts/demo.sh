#!/usr/bin/env bash
# `npm run demo`: everything needed to try the extension in a real VS Code in the browser, on a generated
# demo dataset. Prints the URL to open; Ctrl+C stops it. DEMO_PORT picks the port (default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${DEMO_PORT:-8080}"
DEMO=.demo
WORKSPACE="$DEMO/workspace"

bash scripts/setup.sh
npm run --silent package

if [ ! -d "$WORKSPACE/datasets/flexiv_1113" ]; then
  echo "demo: generating the demo Flexiv dataset"
  mkdir -p "$WORKSPACE/datasets"
  /usr/bin/python3 test/fixtures/flexiv_episodes.py --demo "$WORKSPACE/datasets" >/dev/null
fi
if [ ! -f "$WORKSPACE/config_flexiv.py" ]; then
  # The Flexiv training config of the hand-over note, to try the config editor on (Open Training Config).
  cp test/fixtures/configs/config_flexiv.py "$WORKSPACE/config_flexiv.py"
fi
mkdir -p "$WORKSPACE/.vscode" "$DEMO/user-data/User" "$DEMO/extensions"
cat > "$WORKSPACE/.vscode/settings.json" <<JSON
{
  "ctrlWorld.datasetFolders": ["datasets"]
}
JSON
cat > "$DEMO/user-data/User/settings.json" <<JSON
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off"
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
echo
exec "$code_server" --config "$DEMO/code-server.yaml" --user-data-dir "$DEMO/user-data" --extensions-dir "$DEMO/extensions" \
  --disable-telemetry --disable-update-check --disable-workspace-trust "$workspace_abs"
