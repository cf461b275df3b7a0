#!/usr/bin/env python3
"""Ctrl-World Flexiv's look at a converted dataset on the GPU host, for the same check the editor runs locally.

  converted_snapshot.py ROOT NAME META_ROOT [CFG]

Prints one gzip-compressed JSON document with what the check reads, so that one round trip serves a dataset of
any size: the folders of ROOT/NAME (the upstream layout) and of each ROOT/<episode> holding annotation/ and
latent_videos/ (the per-episode tree), every .json file under them and in META_ROOT/NAME and META_ROOT/CFG as text,
and for every .pt file its zip directory (entry names and sizes) and its data.pkl bytes, found by the kit's one
latent-file rule (latent_file.py). The tensors themselves are never read. Standard library only (3.6+).

  {"dirs": {folder: [names]}, "texts": {file: text}, "unreadable": {file: reason},
   "latents": {file: {"size", "entries": [[name, size]], "pickle": base64} or {"error": reason}}}
"""

import base64
import gzip
import json
import os
import sys

from latent_file import LatentFormatError, read_pickle

TEXT_LIMIT = 64 * 1024 * 1024


def read_text(path, snapshot):
    try:
        if os.path.getsize(path) > TEXT_LIMIT:
            snapshot["unreadable"][path] = "it is over 64 MiB, far larger than a converted dataset's JSON"
            return
        with open(path, "r", encoding="utf-8") as handle:
            snapshot["texts"][path] = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        snapshot["unreadable"][path] = str(error)


def read_latent(path):
    """The zip directory and data.pkl of a torch.save file, or why they cannot be read (in the local check's words)."""
    try:
        size = os.path.getsize(path)
        entries, _, data = read_pickle(path)
    except (LatentFormatError, OSError) as error:
        return {"error": str(error)}
    return {
        "size": size,
        "entries": [list(entry) for entry in entries],
        "pickle": base64.b64encode(data).decode("ascii"),
    }


def list_folder(folder, snapshot):
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    snapshot["dirs"][folder] = names
    return names


def walk(folder, snapshot):
    for current, folders, files in os.walk(folder):
        folders.sort()
        snapshot["dirs"][current] = sorted(folders + files)
        for name in files:
            path = os.path.join(current, name)
            if name.endswith(".json"):
                read_text(path, snapshot)
            elif name.endswith(".pt"):
                snapshot["latents"][path] = read_latent(path)


def snapshot_of(root, name, meta_root, cfg):
    snapshot = {"dirs": {}, "texts": {}, "unreadable": {}, "latents": {}}
    for child in list_folder(root, snapshot) or []:
        folder = os.path.join(root, child)
        if child == name or (
            os.path.isdir(os.path.join(folder, "annotation")) and os.path.isdir(os.path.join(folder, "latent_videos"))
        ):
            walk(folder, snapshot)
    for meta in sorted({name, cfg}):
        folder = os.path.join(meta_root, meta)
        for entry in list_folder(folder, snapshot) or []:
            if entry.endswith(".json"):
                read_text(os.path.join(folder, entry), snapshot)
    return snapshot


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write("usage: converted_snapshot.py ROOT NAME META_ROOT [CFG]\n")
        return 2
    root, name, meta_root = (os.path.normpath(value) for value in argv[:3])
    cfg = argv[3] if len(argv) == 4 else name
    document = json.dumps(snapshot_of(root, name, meta_root, cfg)).encode("utf-8")
    sys.stdout.buffer.write(gzip.compress(document))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
