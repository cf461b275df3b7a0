#!/usr/bin/env python3
"""Ctrl-World Flexiv's run registry on the GPU host: launch, list and stop runs. Standard library only (3.6+).

Copied by the extension to <root>/kit/<version>/; every command prints one JSON document on stdout.
  runs.py launch             (a JSON launch request on stdin; see cmd_launch(); a request naming a batchScript
                              is submitted to SLURM with sbatch, and SLURM's job then stands for the run's processes)
  runs.py list ROOT [RUN_ID] [TAIL_BYTES]
  runs.py stop ROOT RUN_ID GRACE_SECONDS
"""

import fcntl
import glob
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import slurm_jobs

LOCK_NAME = ".ctrl-world-flexiv-run.json"
TERMINAL = ("finished", "failed", "stopped")
KIT = os.path.dirname(os.path.abspath(__file__))
RUN_MARKER = "CTRL_WORLD_FLEXIV_RUN"


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_atomic(path, text, mode=0o644):
    tmp = "%s.tmp-%d" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(tmp, path)


def read_text(path, default=None):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return default


def fail(code, message):
    print(json.dumps({"error": code, "message": message}))
    sys.exit(3)


def boot_id():
    return (read_text("/proc/sys/kernel/random/boot_id") or "").strip() or None


def process_start(pid):
    stat = read_text("/proc/%d/stat" % pid)
    if not stat:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def group_alive(record):
    pgid = record.get("pgid")
    if not pgid:
        return False
    if record.get("bootId") and boot_id() and record["bootId"] != boot_id():
        return False
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    leader_start = process_start(pgid)
    # The leader still alive but started at another time: the pgid was reused after a reboot or wrap-around.
    return not (leader_start and record.get("procStart") and leader_start != record["procStart"])


def marked_processes(run_id):
    """Every process, in the run's group or not, that carries the run's marker in its environment."""
    found = []
    needle = ("%s=%s\0" % (RUN_MARKER, run_id)).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % entry, "rb") as handle:
                if needle in handle.read() + b"\0":
                    found.append(int(entry))
        except OSError:
            continue
    return found


def last_lines(log_path, count=20):
    tail = read_tail(log_path, 16384)
    lines = [line.split("\r")[-1].rstrip() for line in tail.split("\n")]
    return [line for line in lines if line.strip()][-count:]


def read_tail(path, size):
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            handle.seek(max(0, end - size))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def derive_state(run_dir, record):
    """The run's state from what is on disk and in the process table; the host is the one source of truth."""
    if record.get("slurm"):
        return slurm_run_state(run_dir, record), None
    exit_text = read_text(os.path.join(run_dir, "exit"))
    failure = read_text(os.path.join(run_dir, "stop-failure"))
    if failure is not None and (exit_text is not None or not group_alive(record)):
        # Stopped because a run on another machine it belongs with failed: the whole run failed.
        record["failure"] = failure.strip()
        code = int(exit_text.strip()) if exit_text and exit_text.strip().lstrip("-").isdigit() else None
        return "failed", code
    stop_requested = os.path.exists(os.path.join(run_dir, "stop-requested"))
    if exit_text is not None and exit_text.strip().lstrip("-").isdigit():
        code = int(exit_text.strip())
        if stop_requested:
            return "stopped", code
        # Ended by supervise.sh once max_train_steps was passed: the run did all it was asked to.
        if os.path.exists(os.path.join(run_dir, "reached-total")):
            return "finished", code
        return ("finished" if code == 0 else "failed"), code
    if record.get("pgid") is None:
        started = os.path.getmtime(os.path.join(run_dir, "run.json"))
        return ("starting" if time.time() - started < 60 else "failed"), None
    if group_alive(record):
        return ("stopping" if stop_requested else "running"), None
    return ("stopped" if stop_requested else "failed"), None


def load(run_dir, tail_bytes):
    record = json.loads(read_text(os.path.join(run_dir, "run.json"), "{}"))
    if record.get("state") not in TERMINAL:
        state, code = derive_state(run_dir, record)
        record["state"] = state
        if state in TERMINAL:
            record["endedAt"] = now()
            record["exitCode"] = code
            if state == "failed":
                record["lastLines"] = last_lines(os.path.join(run_dir, "train.log"))
                if code is None and not record.get("failure"):
                    record["failure"] = (
                        "The run's processes are gone without an exit status (killed, or the host rebooted)."
                    )
            write_atomic(os.path.join(run_dir, "run.json"), json.dumps(record, indent=2))
    log = os.path.join(run_dir, "train.log")
    size = os.path.getsize(log) if os.path.exists(log) else 0
    return {"record": record, "logSize": size, "logTail": read_tail(log, tail_bytes) if tail_bytes else ""}


def cmd_list(root, run_id=None, tail_bytes="8192"):
    runs_dir = os.path.join(root, "runs")
    names = [run_id] if run_id else sorted(os.listdir(runs_dir)) if os.path.isdir(runs_dir) else []
    result = []
    for name in names:
        run_dir = os.path.join(runs_dir, name)
        if os.path.exists(os.path.join(run_dir, "run.json")):
            result.append(load(run_dir, int(tail_bytes)))
    print(json.dumps(result))


def slurm_run_state(run_dir, record):
    """The run's state from its SLURM job; what SLURM said is kept in the record for the views."""
    job = record["slurm"]
    state, reason, start = slurm_jobs.job_status(job["jobId"])
    if state is None:
        if time.time() - os.path.getmtime(os.path.join(run_dir, "run.json")) < 60:
            return "starting"
        record["failure"] = (
            "SLURM no longer lists job %s and keeps no accounting (sacct), so how it ended is unknown." % job["jobId"]
        )
        return "failed"
    job.update(state=state, reason=reason, startEstimate=start if state == "PENDING" else "")
    run_state, failure = slurm_jobs.run_state(state, os.path.exists(os.path.join(run_dir, "stop-requested")))
    if failure:
        record["failure"] = failure
    return run_state


def submit_batch(request, run_dir, record, lock):
    """sbatch the run's script; the environment (the WandB key among it) reaches the job through sbatch's own."""
    env = dict(os.environ, **request.get("env", {}))
    env[RUN_MARKER] = request["runId"]
    job_id, refusal = slurm_jobs.submit(os.path.join(run_dir, request["batchScript"]), run_dir, env)
    if refusal is not None:
        # Nothing ran: leave no run behind, so the same launch can be tried again once fixed.
        shutil.rmtree(run_dir, ignore_errors=True)
        lock.close()
        fail("submit-failed", "sbatch refused the job: %s" % refusal)
    record.update(slurm={"jobId": job_id})
    write_atomic(os.path.join(run_dir, "run.json"), json.dumps(record, indent=2))
    lock.close()
    print(json.dumps({"runId": record["runId"], "runDir": run_dir, "jobId": job_id}))


def claim_output(request, record):
    """Takes the output folder for this run, or refuses: a running run or earlier checkpoints own it."""
    output = request["outputDir"]
    os.makedirs(output, exist_ok=True)
    handle = open(os.path.join(output, LOCK_NAME), "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fail("output-in-use", "Another launch into %s is under way." % output)
    handle.seek(0)
    try:
        owner = json.loads(handle.read() or "{}")
    except ValueError:
        owner = {}
    owner_dir = owner.get("runDir")
    if owner_dir and os.path.exists(os.path.join(owner_dir, "run.json")):
        owner_state = load(owner_dir, 0)["record"]["state"]
        if owner_state not in TERMINAL:
            fail("output-in-use", "Run %s is %s in %s." % (owner.get("runId"), owner_state, output))
    checkpoints = sorted(glob.glob(os.path.join(output, "checkpoint-*.pt")))
    if checkpoints:
        fail(
            "output-has-checkpoints",
            "%s already holds %s; a new run would overwrite it." % (output, os.path.basename(checkpoints[-1])),
        )
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"runId": record["runId"], "runDir": record["runDir"], "claimedAt": now()}))
    handle.flush()
    return handle


def run_file_parts(name):
    """A file of the run's folder named by the request ("config_snapshot.py", "python/config.py"): never outside it."""
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        fail("bad-file-name", "The launch request names a file outside the run folder: %r." % name)
    return parts


def start_supervisor(request, run_dir, env_lines):
    base = ["sh", os.path.join(KIT, "supervise.sh"), run_dir, request["workdir"]]
    if request.get("detach") == "tmux":
        fifo = os.path.join(run_dir, ".env-fifo")
        os.mkfifo(fifo, 0o600)
        marker = "%s=%s" % (RUN_MARKER, shlex.quote(request["runId"]))
        command = marker + " " + " ".join(shlex.quote(arg) for arg in base + [fifo, "--"] + request["argv"])
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", "cwf-" + request["runId"], command],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=30,
        )
        deadline = time.time() + 15
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                if time.time() > deadline:
                    fail("start-failed", "The tmux session did not start the run.")
                time.sleep(0.05)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "w", encoding="utf-8") as pipe:
            pipe.write(env_lines)
        return
    # The supervisor carries the run's marker from its start, so a sweep for the run's processes finds it too.
    child = subprocess.Popen(
        base + ["-", "--"] + request["argv"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
        cwd="/",
        env=dict(os.environ, **{RUN_MARKER: request["runId"]}),
    )
    child.stdin.write(env_lines.encode("utf-8"))
    child.stdin.close()


def cmd_launch():
    request = json.loads(sys.stdin.read())
    files = [(run_file_parts(name), text) for name, text in request.get("files", {}).items()]
    run_dir = os.path.join(request["root"], "runs", request["runId"])
    record = dict(
        request["record"],
        runId=request["runId"],
        runDir=run_dir,
        logFile=os.path.join(run_dir, "train.log"),
        state="starting",
        bootId=boot_id(),
    )
    os.makedirs(os.path.dirname(run_dir), exist_ok=True)
    try:
        os.mkdir(run_dir)
    except FileExistsError:
        fail("run-exists", "A run called %s already exists." % request["runId"])
    try:
        # The other machines of a multi-node run write no checkpoints (accelerate's main process does), and on a
        # shared filesystem the main machine already holds the folder.
        lock = claim_output(request, record) if request.get("claimOutput", True) else open(os.devnull)
    except SystemExit:
        os.rmdir(run_dir)
        raise
    for parts, text in files:
        path = os.path.join(run_dir, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, text)
    open(record["logFile"], "a").close()
    write_atomic(os.path.join(run_dir, "run.json"), json.dumps(record, indent=2))
    if request.get("batchScript"):
        submit_batch(request, run_dir, record, lock)
        return
    env = dict(request.get("env", {}), PATH=os.environ.get("PATH", "/usr/bin:/bin"))
    # Prepended by supervise.sh after the environment setup, which may set PYTHONPATH itself.
    if "PYTHONPATH" in env:
        env["CWF_PYTHONPATH"] = env.pop("PYTHONPATH")
    env[RUN_MARKER] = request["runId"]
    start_supervisor(request, run_dir, "".join("%s=%s\n" % item for item in env.items()))
    deadline = time.time() + 20
    while not os.path.exists(os.path.join(run_dir, "pid")):
        if time.time() > deadline:
            fail("start-failed", "The run did not start within 20 s; see %s." % record["logFile"])
        time.sleep(0.05)
    pid, pgid = (int(value) for value in read_text(os.path.join(run_dir, "pid")).split())
    record.update(pid=pid, pgid=pgid, procStart=process_start(pid), state="running")
    write_atomic(os.path.join(run_dir, "run.json"), json.dumps(record, indent=2))
    lock.close()
    print(json.dumps({"runId": record["runId"], "runDir": run_dir, "pid": pid, "pgid": pgid}))


def wait_gone(record, run_id, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if not group_alive(record) and not marked_processes(run_id):
            return True
        time.sleep(0.2)
    return False


def signal_run(record, run_id, sig):
    if group_alive(record):
        try:
            os.killpg(record["pgid"], sig)
        except OSError:
            pass
    for pid in marked_processes(run_id):
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def wait_or_kill(record, run_id, seconds, after_kill):
    """Waits `seconds` for the run's processes to exit, then SIGKILLs any left and waits `after_kill` more.
    True when they exited without the SIGKILL."""
    if wait_gone(record, run_id, seconds):
        return True
    signal_run(record, run_id, signal.SIGKILL)
    wait_gone(record, run_id, after_kill)
    return False


def cmd_stop(root, run_id, grace, failure=None):
    run_dir = os.path.join(root, "runs", run_id)
    record = json.loads(read_text(os.path.join(run_dir, "run.json"), "{}"))
    if not record:
        fail("no-run", "There is no run %s on this host." % run_id)
    if record.get("state") in TERMINAL:
        print(json.dumps({"runId": run_id, "state": record["state"], "signal": None, "remaining": []}))
        return
    if failure:
        write_atomic(os.path.join(run_dir, "stop-failure"), failure + "\n")
    write_atomic(os.path.join(run_dir, "stop-requested"), now() + "\n")
    if record.get("slurm"):
        slurm_jobs.cancel(record["slurm"]["jobId"], float(grace) + 60)
        # SLURM calls the job over before the last of its processes that this machine can see has exited (the batch
        # script's supervisor still writes the record): wait for them as for a local run, and end any that stay.
        wait_or_kill(record, run_id, 10, 5)
        state = load(run_dir, 0)["record"]["state"]
        remaining = sorted(set(marked_processes(run_id)))
        print(json.dumps({"runId": run_id, "state": state, "signal": "TERM", "remaining": remaining}))
        return
    signal_run(record, run_id, signal.SIGTERM)
    used = "TERM" if wait_or_kill(record, run_id, float(grace), 10) else "KILL"
    if record.get("detach") == "tmux":
        subprocess.run(
            ["tmux", "kill-session", "-t", "cwf-" + run_id], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    remaining = sorted(set(marked_processes(run_id)))
    state = load(run_dir, 0)["record"]["state"]
    print(json.dumps({"runId": run_id, "state": state, "signal": used, "remaining": remaining}))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "launch":
        cmd_launch()
    elif command == "list":
        cmd_list(*args)
    elif command == "stop":
        cmd_stop(*args)
    else:
        fail("usage", "unknown command %s" % command)
