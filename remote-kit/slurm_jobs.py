"""SLURM's side of the run registry: submit, ask about and cancel a job. Standard library only (3.6+).

Imported by runs.py (both copied to <root>/kit/<version>/). States come from squeue, which knows a job until
MinJobAge after its end, then from sacct, which answers only on clusters with accounting storage.
"""

import subprocess
import time

# SLURM's job states (squeue %T, sacct State) by what they mean for the run.
WAITING = ("PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESV_DEL_HOLD")
ACTIVE = ("RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT", "RESIZING")
ENDS = {
    "COMPLETED": ("finished", None),
    "CANCELLED": ("stopped", None),
    # A known end, not a crash: the checkpoints so far are good, and Continue from Checkpoint submits a new job.
    "TIMEOUT": (
        "stopped",
        "The job reached its time limit (SLURM state TIMEOUT): a known end, not a crash. Its checkpoints are kept; "
        "Continue from Checkpoint submits a new job from the last one.",
    ),
    "FAILED": ("failed", "The job failed: a task exited with an error (see the log)."),
    "OUT_OF_MEMORY": ("failed", "SLURM ended the job: a node ran out of memory."),
    "NODE_FAIL": ("failed", "SLURM ended the job: one of its nodes failed."),
    "BOOT_FAIL": ("failed", "SLURM could not boot the job's nodes."),
    "DEADLINE": ("failed", "SLURM ended the job at its deadline."),
    "PREEMPTED": ("failed", "The job was preempted by a job of higher priority."),
}


def quiet_output(argv):
    """A SLURM client's stdout, or "" when it failed or is not installed."""
    try:
        result = subprocess.run(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.decode("utf-8", errors="replace") if result.returncode == 0 else ""


def job_status(job_id):
    """(state, reason, estimated start) of a job; state None when SLURM no longer knows it."""
    line = quiet_output(["squeue", "-h", "-t", "all", "-j", job_id, "-o", "%T|%r|%S"]).strip()
    if line:
        state, reason, start = (line.split("\n")[0].split("|") + ["", ""])[:3]
        return state, "" if reason in ("None", "(null)") else reason, start if start[:1].isdigit() else ""
    line = quiet_output(["sacct", "-n", "-X", "-P", "-j", job_id, "-o", "State"]).strip()
    if line:
        # "CANCELLED by 1000": the first word is the state.
        return line.split("\n")[0].split()[0], "", ""
    return None, "", ""


def run_state(state, stop_requested):
    """The run's state and, for an end that is not a plain success, what to tell the user."""
    if state in WAITING:
        return ("stopping" if stop_requested else "starting"), None
    if state in ACTIVE:
        return ("stopping" if stop_requested else "running"), None
    if state == "CANCELLED" and not stop_requested:
        return "stopped", "The job was cancelled outside the extension (scancel, or an administrator)."
    return ENDS.get(state, ("failed", "The job ended in SLURM state %s." % state))


def submit(script, cwd, env):
    """sbatch --parsable: (job id, None), or (None, why sbatch refused)."""
    try:
        result = subprocess.run(
            ["sbatch", "--parsable", script],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, str(error)
    if result.returncode != 0:
        return None, result.stderr.decode("utf-8", errors="replace").strip()
    # --parsable prints "jobid" or "jobid;cluster".
    return result.stdout.decode().strip().split(";")[0], None


def cancel(job_id, seconds):
    """scancel (SLURM sends every task TERM, then KILL after the cluster's KillWait); True once the job is over."""
    subprocess.run(["scancel", job_id], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + seconds
    while time.time() < deadline:
        if job_status(job_id)[0] not in WAITING + ACTIVE:
            return True
        time.sleep(0.5)
    return False
