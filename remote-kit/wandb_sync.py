#!/usr/bin/env python3
"""Ctrl-World Flexiv's upload of an offline W&B run: `wandb sync DIR` in the training environment.

Reads {"dir": path, "apiKey": key or null} on stdin (the key never on a command line) and prints one JSON answer:
{"code": exit status, "url": the run's page or null, "tail": the last lines wandb printed}. Standard library only.
"""

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
    if not os.path.isdir(request["dir"]):
        print(json.dumps({"error": "no-run-dir", "message": "%s is not a folder on this host." % request["dir"]}))
        return
    env = dict(os.environ)
    if request.get("apiKey"):
        env["WANDB_API_KEY"] = request["apiKey"]
    done = subprocess.run(
        [program, "sync", request["dir"]],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        timeout=3600,
    )
    output = done.stdout.decode("utf-8", errors="replace")
    found = RUN_PAGE.search(output)
    lines = [line for line in output.splitlines() if line.strip()]
    print(json.dumps({"code": done.returncode, "url": found.group(0) if found else None, "tail": lines[-8:]}))


if __name__ == "__main__":
    main()
