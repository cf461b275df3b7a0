#!/usr/bin/env python3
"""The multi-node target's two `accelerate launch` command lines, run by the real accelerate on the GPU machine.

test/support/multiNodeDevicePlans.ts writes PLANS (a JSON list, machine rank 0 first, of {argv, env}) exactly as the
extension's multi-node target plans a two-machine run whose main is 127.0.0.1. Both machines are started here at
once, each in its own process group as the extension's supervisor starts them, in a checkout whose
scripts/train_wm.py joins the process group accelerate sets up and all-reduces a tensor: rank r contributes r + 1,
so both must read 3. On a machine with one GPU both ranks use gloo on the CPU (NCCL refuses two ranks on one GPU);
with two or more GPUs each machine gets its own GPU and NCCL, as on real hosts.

Run from the repository root on the GPU machine:
    python3 remote-kit/tests/test_multi_machine_accelerate_gpu.py PLANS
With OUT set, each machine's log and the JSON report are copied there.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from cuda_or_skip import cuda_device_count  # beside this file

TRAINER = """
import json, os, sys
import torch
import torch.distributed as dist

backend = os.environ["CWF_BACKEND"]
dist.init_process_group(backend)
rank = dist.get_rank()
device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0"))) if backend == "nccl" else torch.device("cpu")
value = torch.tensor([float(rank + 1)], device=device)
dist.all_reduce(value)
report = {
    "rank": rank,
    "world_size": dist.get_world_size(),
    "sum": value.item(),
    "backend": backend,
    "env": {key: os.environ.get(key) for key in ("MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE", "LOCAL_RANK")},
}
with open(os.path.join(os.environ["CWF_REPORTS"], "rank-%d.json" % rank), "w") as handle:
    json.dump(report, handle)
print("all_reduce on rank %d of %d: %s" % (rank, dist.get_world_size(), value.item()), flush=True)
dist.destroy_process_group()
"""


def main():
    plans = json.load(open(sys.argv[1]))
    assert len(plans) == 2, "two machines expected, got %d" % len(plans)
    gpus = cuda_device_count()
    backend = "nccl" if gpus >= 2 else "gloo"
    work = tempfile.mkdtemp(prefix="cwf-multi-")
    checkout = os.path.join(work, "Ctrl-World")
    reports = os.path.join(work, "reports")
    os.makedirs(os.path.join(checkout, "scripts"))
    os.makedirs(reports)
    with open(os.path.join(checkout, "scripts", "train_wm.py"), "w") as handle:
        handle.write(TRAINER)
    machines = []
    for rank, plan in enumerate(plans):
        env = dict(os.environ, **plan["env"], CWF_BACKEND=backend, CWF_REPORTS=reports)
        # Each machine its own GPU where there are two; the plans name GPU 0 on both, as two one-GPU hosts would.
        if backend == "nccl":
            env["CUDA_VISIBLE_DEVICES"] = str(rank)
        log = open(os.path.join(work, "machine-%d.log" % rank), "w")
        machines.append(
            (
                subprocess.Popen(
                    plan["argv"], cwd=checkout, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                ),
                log,
            )
        )
    codes = []
    for process, log in machines:
        try:
            codes.append(process.wait(timeout=240))
        except subprocess.TimeoutExpired:
            for other, _ in machines:
                os.killpg(other.pid, 9)
            codes.append("timed out")
        log.close()
    logs = [open(os.path.join(work, "machine-%d.log" % rank)).read() for rank in range(2)]
    results = [json.load(open(os.path.join(reports, name))) for name in sorted(os.listdir(reports))]
    report = {
        "gpus": gpus,
        "backend": backend,
        "exit_codes": codes,
        "argv": [p["argv"] for p in plans],
        "ranks": results,
    }
    out = os.environ.get("OUT")
    if out:
        for rank in range(2):
            shutil.copy(os.path.join(work, "machine-%d.log" % rank), out)
        json.dump(report, open(os.path.join(out, "multi-machine-report.json"), "w"), indent=2)
    print(json.dumps(report, indent=2))
    for rank, text in enumerate(logs):
        print("--- machine %d log (last lines)\n%s" % (rank, "\n".join(text.splitlines()[-15:])))
    assert codes == [0, 0], "both machines exit 0: %s" % codes
    assert [r["rank"] for r in results] == [0, 1], results
    assert all(r["world_size"] == 2 and r["sum"] == 3.0 for r in results), results
    assert all(r["env"]["MASTER_ADDR"] == "127.0.0.1" for r in results), results
    print("OK: real accelerate ran both machines of the plan; the all-reduce summed to 3 on both (%s)" % backend)


if __name__ == "__main__":
    main()
