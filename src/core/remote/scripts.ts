// The shell scripts the extension runs on a host, in one place. Each returns the argv for RemoteHost.exec or the
// runner: the values travel as positional parameters ($1, $2…) and are never spliced into the script text, so no
// quoting is needed and a folder name cannot change what runs.

/** `sh -c SCRIPT sh ARGS…`: ARGS become $1, $2… of SCRIPT. */
function shellScript(script: string, ...args: readonly string[]): string[] {
  return ['sh', '-c', script, 'sh', ...args];
}

/** Up to `maxBytes` of `file` from byte `offset` (0-based): how a growing log is read a piece at a time. */
export function readFileSlice(file: string, offset: number, maxBytes: number): string[] {
  return shellScript('tail -c +"$2" "$1" | head -c "$3"', file, String(offset + 1), String(maxBytes));
}

/**
 * Stdin into `dir/name`, executable, replacing any earlier file at once: written under a name of its own per process
 * first, as two commands may install the same file side by side.
 */
export function installExecutable(dir: string, name: string): string[] {
  return shellScript(
    'mkdir -p "$1" && cat > "$1/.$2.$$" && chmod 755 "$1/.$2.$$" && mv -f "$1/.$2.$$" "$1/$2"',
    dir,
    name,
  );
}

/** An empty `dir/name`, e.g. the marker that a folder's copy is complete. */
export function touchFile(dir: string, name: string): string[] {
  return shellScript(': > "$1/$2"', dir, name);
}

/** A tar stream on stdin unpacked into `dir`, created first. */
export function untarInto(dir: string): string[] {
  return shellScript('mkdir -p "$1" && exec tar -C "$1" -xf -', dir);
}

/** The names of the `config*.py` modules in `dir`, one per line. */
export function listConfigModules(dir: string): string[] {
  return shellScript('cd "$1" && ls -1 config*.py', dir);
}

/** SLURM's accounts and QoS of the user on the login node, as `account|qos` lines. */
export function userAssociations(): string[] {
  // $USER is the login node's name for the user, which the SSH alias may not spell out.
  return shellScript('exec sacctmgr -nP show assoc user="${USER:-$(id -un)}" format=account,qos');
}

/**
 * Runs `python3 DIR/SCRIPT ARGS…` after the optional environment setup (`runSetup` is the shell function or command
 * that runs it); exits `missingCode` when DIR has no `.complete` marker and `setupFailedCode` when the setup fails.
 */
export function pythonInFolder(
  dir: string,
  script: string,
  args: readonly string[],
  envSetup: string | undefined,
  codes: { readonly runSetup: string; readonly missing: number; readonly setupFailed: number },
): string[] {
  const setup = `if [ -n "$setup" ]; then ${codes.runSetup} "$setup" >&2 || exit ${codes.setupFailed}; fi`;
  const launcher =
    `k=$1; s=$2; setup=$3; shift 3; test -f "$k/.complete" || exit ${codes.missing}; ${setup}; ` +
    'exec python3 "$k/$s" "$@"';
  return shellScript(launcher, dir, script, envSetup ?? '', ...args);
}
