#!/usr/bin/env python3
"""Ctrl-World Flexiv's preflight probe on the GPU host: answers many questions in one round trip.

Reads a JSON request on stdin and prints one JSON answer. Standard library only (3.6+). Request keys, all optional:
  paths {id: path}        -> {id: {"exists", "isDir", "size"}}
  files {id: path}        -> {id: text or null}   (first 512 KiB)
  globs {id: pattern}     -> {id: [{"path", "size"}]}
  packages [name]         -> {name: version or null}   (read from package metadata; nothing is imported)
  commands [name]         -> {name: path or null}
  ports [number]          -> {number: true when free}
  disk [path]             -> {path: {"freeBytes", "totalBytes", "checked"}}   (the nearest existing folder is measured)
  git path                -> {"commit", "dirty"} or null
Always: python (its version) and node (SLURM's name for the node under srun, else the host name).
"""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys


def path_info(path):
    if not os.path.exists(path):
        return {"exists": False, "isDir": False, "size": None}
    return {"exists": True, "isDir": os.path.isdir(path), "size": os.path.getsize(path)}


def read_file(path):
    try:
        with open(path, "rb") as handle:
            return handle.read(512 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return None


def package_version(name):
    try:
        from importlib import metadata

        return metadata.version(name)
    except Exception:
        pass
    try:
        import pkg_resources

        return pkg_resources.get_distribution(name).version
    except Exception:
        return None


def port_free(port):
    """Whether torch's rendezvous store could listen on the port. It sets SO_REUSEADDR, so a port that the last run's
    connections left in TIME_WAIT is free to it; only a listener or a live connection holds it."""
    for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((address, port))
        except OSError:
            return False
        finally:
            sock.close()
    return True


def disk_free(path):
    checked = os.path.abspath(path)
    while not os.path.exists(checked) and checked != "/":
        checked = os.path.dirname(checked)
    stat = os.statvfs(checked)
    return {"freeBytes": stat.f_bavail * stat.f_frsize, "totalBytes": stat.f_blocks * stat.f_frsize, "checked": checked}


def git_state(path):
    try:
        commit = subprocess.run(
            ["git", "-C", path, "rev-parse", "HEAD"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20
        )
        if commit.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "-C", path, "status", "--porcelain", "--untracked-files=no"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
        return {"commit": commit.stdout.decode().strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return None


def node_name():
    return os.environ.get("SLURMD_NODENAME") or socket.gethostname()


def main():
    request = json.loads(sys.stdin.read() or "{}")
    answer = {
        "python": sys.version.split()[0],
        "node": node_name(),
        "paths": {key: path_info(value) for key, value in request.get("paths", {}).items()},
        "files": {key: read_file(value) for key, value in request.get("files", {}).items()},
        "globs": {
            key: [{"path": match, "size": os.path.getsize(match)} for match in sorted(glob.glob(value))]
            for key, value in request.get("globs", {}).items()
        },
        "packages": {name: package_version(name) for name in request.get("packages", [])},
        "commands": {name: shutil.which(name) for name in request.get("commands", [])},
        "ports": {str(port): port_free(int(port)) for port in request.get("ports", [])},
        "disk": {path: disk_free(path) for path in request.get("disk", [])},
        "git": git_state(request["git"]) if request.get("git") else None,
    }
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
