#!/usr/bin/env python3
"""Ctrl-World Flexiv's look into a training output folder on the GPU host. Standard library only (3.6+).

  outputs.py DIR [SETTLE_SECONDS] [SECOND_LOOK_SECONDS]

Prints one JSON document: the checkpoints (checkpoint-N.pt) and validation samples (samples/train_steps_S_I.mp4)
with size and time, the disk left on the folder's volume, and the run that claimed the folder, if any.
A file counts as still being written ("writing") when a partial of it exists (checkpoint-N.pt.tmp, .checkpoint-N.pt,
train_steps_S_I.mp4.tmp.mp4, ...), when its size or time changes during a short second look, or when it changed
less than SETTLE_SECONDS ago: torch.save streams several GB into the final name, so a file that is there is not
yet a file that is done. A partial with no final file yet is listed too, as the save under way.
"""

import json
import os
import re
import stat
import sys
import time

from probe import disk_free  # the kit's folder is on sys.path: it is the folder of the script that runs

CHECKPOINT = re.compile(r"^(checkpoint-(\d+)\.pt)$")
CHECKPOINT_PARTIAL = re.compile(r"^\.?(checkpoint-(\d+)\.pt)(?:[.~].*)?$")
SAMPLE = re.compile(r"^(train_steps_(\d+)_(\d+)\.mp4)$")
SAMPLE_PARTIAL = re.compile(r"^\.?(train_steps_(\d+)_(\d+)\.mp4)(?:[.~].*)?$")
LOCK_NAME = ".ctrl-world-flexiv-run.json"
RECENT_WINDOW = 120


def files_in(folder):
    """{name: (size, mtime)} of the regular files in a folder; {} when it does not exist."""
    found = {}
    try:
        names = os.listdir(folder)
    except OSError:
        return found
    for name in names:
        try:
            info = os.stat(os.path.join(folder, name))
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found[name] = (info.st_size, info.st_mtime)
    return found


def classify(files, final, partial):
    """Final files by name, and the final names that have a partial beside them (with the partial's size, time)."""
    finals, partials = {}, {}
    for name, (size, mtime) in files.items():
        match = final.match(name)
        if match:
            finals[name] = (size, mtime, match.groups()[1:])
            continue
        match = partial.match(name)
        if match:
            target = match.group(1)
            best = partials.get(target)
            if best is None or mtime > best[1]:
                partials[target] = (size, mtime, match.groups()[1:])
    return finals, partials


def entries(folder, files, later, final, partial, settle, now):
    finals, partials = classify(files, final, partial)
    result = []
    for name in set(finals) | set(partials):
        if name in finals:
            size, mtime, groups = finals[name]
            if name in partials:
                writing = "partial"
            elif later.get(name) != (size, mtime):
                writing = "growing"
            elif now - mtime < settle:
                writing = "recent"
            else:
                writing = None
        else:
            size, mtime, groups = partials[name]
            writing = "partial"
        result.append(
            {
                "name": name,
                "path": os.path.join(folder, name),
                "size": size,
                "mtime": mtime,
                "numbers": [int(group) for group in groups],
                "writing": writing,
                "exists": name in finals,
            }
        )
    return result


def owner(folder):
    try:
        with open(os.path.join(folder, LOCK_NAME), encoding="utf-8") as handle:
            claim = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        return None
    run_dir = claim.get("runDir")
    if not claim.get("runId") or not run_dir:
        return None
    log = os.path.join(run_dir, "train.log")
    return {"runId": claim["runId"], "runDir": run_dir, "logFile": log if os.path.exists(log) else None}


def main(folder, settle="10", second_look="1"):
    settle, second_look = float(settle), float(second_look)
    samples_dir = os.path.join(folder, "samples")
    first = (files_in(folder), files_in(samples_dir))
    now = time.time()
    changing = any(now - mtime < RECENT_WINDOW for listing in first for _, mtime in listing.values())
    # A second look only when something changed lately: a finished run's folder answers at once.
    if changing and second_look > 0:
        time.sleep(second_look)
        later = (files_in(folder), files_in(samples_dir))
        now = time.time()
    else:
        later = first
    print(
        json.dumps(
            {
                "dir": folder,
                "exists": os.path.isdir(folder),
                "checkpoints": entries(folder, first[0], later[0], CHECKPOINT, CHECKPOINT_PARTIAL, settle, now),
                "samples": entries(samples_dir, first[1], later[1], SAMPLE, SAMPLE_PARTIAL, settle, now),
                "disk": disk_free(folder),
                "owner": owner(folder),
                "now": now,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
