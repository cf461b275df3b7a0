#!/usr/bin/env python3
"""Ctrl-World Flexiv's preflight of the trainer itself: asks the checkout, in the interpreter that will train.

Reads a JSON request on stdin and prints one JSON answer. Request:
  workdir   the Ctrl-World checkout (absolute)
  script    the trainer, relative to workdir (scripts/train_wm.py)
  args      the trainer's arguments as the launch passes them (upstream's flags only, e.g. ["--ckpt_path", P])
  config    the text of the run's config.py, imported ahead of the checkout's own exactly as the launch arranges
  module    the module name that text is saved under ("config", as the launch does)
  fields    config fields whose effective values to report
  data      true: also build the trainer's dataset (train and val) and read one item of each
Answer:
  node      where it ran: SLURM's name for the node under srun, else the host name
  imports   {"checked": [module], "missing": [{"module", "pip", "file"}]}: every module the trainer's files import
            (the script and the checkout's own modules it reaches), looked up without importing
  validation {"remainder": N, "positiveOnly": bool} or null: when the script runs validation
  trainer   {"configFile", "values": {field: value}, "data": {...}} or {"error", "detail"}: the script run up to its
            main(args) call, which is not made; args are the values train_wm.py would train with
Standard library only at the top level; the trainer's run happens in a child process so that nothing it imports
(torch, diffusers) stays in this one.
"""

import ast
import json
import os
import socket
import subprocess
import sys
import tempfile

RESULT_PREFIX = "CWF-TRAINER-PROBE "
CAPTURE_NAME = "__ctrl_world_flexiv_capture__"
# Import names whose pip package is named otherwise.
PIP_NAMES = {
    "PIL": "pillow",
    "cv2": "opencv-python",
    "yaml": "pyyaml",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "google": "protobuf",
}


def read(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def stdlib_names():
    names = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names) | {"__future__"}
    if names - {"__future__"}:
        return names
    import sysconfig  # Python < 3.10: what lives in the standard library folder

    stdlib = sysconfig.get_paths()["stdlib"]
    found = set(names)
    for entry in os.listdir(stdlib):
        found.add(entry[:-3] if entry.endswith(".py") else entry)
    return found


def is_main_guard(node):
    return isinstance(node, ast.If) and "__main__" in ast.dump(node.test)


def optional_import(node, parents):
    """An import inside try/except or under a condition (`if is_torch_xla_available():`) is optional by intent."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Try) or (isinstance(node, ast.If) and not is_main_guard(node)):
            return True
    return False


def local_module_file(roots, dotted):
    for root in roots:
        base = os.path.join(root, *dotted.split("."))
        for candidate in (base + ".py", os.path.join(base, "__init__.py")):
            if os.path.isfile(candidate):
                return candidate
    return None


def is_local(roots, top):
    return top == "config" or any(
        os.path.isfile(os.path.join(root, top + ".py")) or os.path.isdir(os.path.join(root, top)) for root in roots
    )


def imported_modules(script, workdir):
    """{top-level module: first file importing it} for every import the trainer's own files make."""
    roots = [os.path.dirname(script), workdir]
    external, seen, queue = {}, set(), [script]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            tree = ast.parse(read(path), filename=path)
        except (OSError, SyntaxError):
            continue
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + ["%s.%s" % (node.module, alias.name) for alias in node.names]
            else:
                continue
            if optional_import(node, parents):
                continue
            for dotted in names:
                top = dotted.split(".")[0]
                if is_local(roots, top):
                    found = local_module_file(roots, dotted)
                    if found and top != "config":
                        queue.append(found)
                else:
                    external.setdefault(top, os.path.relpath(path, workdir))
    return external


def requirement_pins(workdir):
    """{pip name (lower case): requirement line} from the checkout's requirements.txt, to suggest its own pins."""
    pins = {}
    try:
        lines = read(os.path.join(workdir, "requirements.txt")).splitlines()
    except OSError:
        return pins
    for line in lines:
        line = line.split("#")[0].strip()
        name = line.split("==")[0].split(">=")[0].split("<")[0].split("[")[0].strip()
        if name:
            pins[name.lower()] = line
    return pins


def check_imports(script, workdir):
    import importlib.util

    stdlib = stdlib_names()
    pins = requirement_pins(workdir)
    modules = {name: where for name, where in imported_modules(script, workdir).items() if name not in stdlib}
    missing = []
    for name in sorted(modules):
        try:
            present = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            present = False
        if not present:
            pip = PIP_NAMES.get(name, name)
            missing.append({"module": name, "pip": pins.get(pip.lower(), pip), "file": modules[name]})
    return {"checked": sorted(modules), "missing": missing}


def validation_schedule(script):
    """`global_step % args.validation_steps == N` (and whether `global_step > 0` goes with it) in the script."""
    try:
        tree = ast.parse(read(script))
    except (OSError, SyntaxError):
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq):
            continue
        left, right = node.left, node.comparators[0]
        if (
            isinstance(left, ast.BinOp)
            and isinstance(left.op, ast.Mod)
            and isinstance(left.right, ast.Attribute)
            and left.right.attr == "validation_steps"
            and isinstance(right, ast.Constant)
            and isinstance(right.value, int)
        ):
            source = ast.dump(tree)
            positive = (
                "Compare(left=Name(id='global_step', ctx=Load()), ops=[Gt()], comparators=[Constant(value=0" in source
            )
            return {"remainder": right.value, "positiveOnly": positive}
    return None


def jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return repr(value)


def shape_of(value):
    shape = getattr(value, "shape", None)
    return list(shape) if shape is not None else None


def dataset_class(tree):
    """The dataset class main() imports ("from dataset.dataset_droid_exp33 import Dataset_mix" upstream)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "main":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                    for alias in inner.names:
                        if alias.name.startswith("Dataset"):
                            return inner.module, alias.name
    return None


def load_data(args, found):
    import importlib

    module, name = found
    cls = getattr(importlib.import_module(module), name)
    result = {}
    for mode in ("train", "val"):
        try:
            dataset = cls(args, mode=mode)
            item = dataset[0]
            result[mode] = {
                "samples": len(dataset),
                "shapes": {key: shape_of(item[key]) for key in item if shape_of(item[key]) is not None},
            }
        except Exception as error:  # the trainer's own code failing is the finding, whatever it raised
            result[mode] = {"error": "%s: %s" % (type(error).__name__, error), "where": last_frame(error)}
    return result


def last_frame(error):
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    return "%s:%d" % (frames[-1].filename, frames[-1].lineno) if frames else None


def capture(request):
    """Child process: run the trainer's module code with its main(args) call replaced by a report of args."""
    workdir, script = request["workdir"], os.path.join(request["workdir"], request["script"])
    tree = ast.parse(read(script), filename=script)
    replaced = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "main" and node.args:
            node.func.id = CAPTURE_NAME
            replaced += 1
    if not replaced:
        emit({"error": "no-main", "detail": "%s has no main(args) call to stop at." % request["script"]})
        return
    found = dataset_class(tree)

    def report(args, *_rest, **_named):
        values = {field: jsonable(getattr(args, field, None)) for field in request.get("fields", [])}
        config = sys.modules.get("config")
        answer = {"configFile": getattr(config, "__file__", None), "values": values}
        if request.get("data") and found:
            answer["data"] = load_data(args, found)
        emit(answer)
        sys.stdout.flush()
        os._exit(0)

    sys.argv = [script] + list(request.get("args", []))
    # As `python scripts/train_wm.py` with PYTHONPATH=<run config folder>: the script's folder, then that folder.
    sys.path[0] = os.path.dirname(script)
    sys.path.insert(1, request["configDir"])
    os.chdir(workdir)
    scope = {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__, CAPTURE_NAME: report}
    exec(compile(tree, script, "exec"), scope)
    emit({"error": "main-not-reached", "detail": "%s finished without calling main(args)." % request["script"]})


def emit(answer):
    sys.stdout.write("\n" + RESULT_PREFIX + json.dumps(answer) + "\n")


def run_trainer(request):
    with tempfile.TemporaryDirectory(prefix="cwf-trainer-probe-") as config_dir:
        with open(os.path.join(config_dir, request.get("module", "config") + ".py"), "w", encoding="utf-8") as handle:
            handle.write(request["config"])
        child_request = dict(request, configDir=config_dir)
        # No GPU is touched: the probe stops before the trainer builds anything.
        env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
        try:
            done = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--capture"],
                input=json.dumps(child_request).encode(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                timeout=float(request.get("timeout", 240)),
            )
        except subprocess.TimeoutExpired:
            return {"error": "timeout", "detail": "train_wm.py did not reach main(args) in time."}
    out = done.stdout.decode("utf-8", errors="replace")
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    tail = [line for line in (done.stderr.decode("utf-8", errors="replace") + "\n" + out).splitlines() if line.strip()]
    return {"error": "exit", "code": done.returncode, "detail": "\n".join(tail[-6:])}


def main():
    request = json.loads(sys.stdin.read())
    if "--capture" in sys.argv[1:]:
        capture(request)
        return
    script = os.path.join(request["workdir"], request["script"])
    if not os.path.isfile(script):
        print(json.dumps({"error": "no-script", "message": "%s does not exist." % script}))
        return
    imports = check_imports(script, request["workdir"])
    node = os.environ.get("SLURMD_NODENAME") or socket.gethostname()
    answer = {"node": node, "imports": imports, "validation": validation_schedule(script)}
    # With a module missing the trainer cannot even start; the list above already says which.
    answer["trainer"] = run_trainer(request) if not imports["missing"] else None
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
