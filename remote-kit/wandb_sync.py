#!/usr/bin/env python3
"""Ctrl-World Flexiv's upload of an offline W&B run: `wandb sync DIR` in the training environment.

Reads {"dir": path, "apiKey": key or null} on stdin (the key never on a command line), or instead of "dir" the run's
{"workdir", "wandbId"}: its folder is then the offline-run-*-<wandbId> that wandb made under $WANDB_DIR/wandb or the
trainer's working folder's wandb/ (the log names it only in wandb's exit footer, which a stopped run never prints).
Prints one JSON answer: {"code": exit status, "url": the run's page or null, "tail": the last lines wandb printed,
"dir": the folder synced}. Standard library only.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys

RUN_PAGE = re.compile(r"https?://\S+/runs/[^\s)]+")


def main():
    request = json.loads(sys.stdin.read())
    program = shutil.which("wandb")
    if program is None:
        print(
            json.dumps(
                {
                    "error": "no-wandb",
                    "message": "The wandb command is not installed in the training "
                    "environment: pip install wandb there, or set ctrlWorld.remote.envSetup to activate it.",
                }
            )
        )
        return
    run_dir = request.get("dir")
    if not run_dir:
        # wandb's own folder: $WANDB_DIR/wandb, or wandb/ in the folder the trainer ran in.
        wandb_dir = os.path.join(os.environ.get("WANDB_DIR") or request["workdir"], "wandb")
        name = "offline-run-*-" + request["wandbId"]
        # Sorted by their start stamps: the newest, should the id have been used again.
        runs = sorted(
            glob.glob(os.path.join(glob.escape(wandb_dir), "offline-run-*-" + glob.escape(request["wandbId"])))
        )
        if not runs:
            message = "No offline W&B run of this run (%s) is in %s on this host." % (name, wandb_dir)
            print(json.dumps({"error": "no-run-dir", "message": message}))
            return
        run_dir = runs[-1]
    if not os.path.isdir(run_dir):
        print(json.dumps({"error": "no-run-dir", "message": "%s is not a folder on this host." % run_dir}))
        return
    env = dict(os.environ)
    if request.get("apiKey"):
        env["WANDB_API_KEY"] = request["apiKey"]
    done = subprocess.run(
        [program, "sync", run_dir],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        timeout=3600,
    )
    output = done.stdout.decode("utf-8", errors="replace")
    found = RUN_PAGE.search(output)
    lines = [line for line in output.splitlines() if line.strip()]
    answer = {"code": done.returncode, "url": found.group(0) if found else None, "tail": lines[-8:], "dir": run_dir}
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
