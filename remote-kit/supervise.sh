#!/bin/sh
# Runs one training command in its own process group, detached from any SSH session; records pid/pgid and exit code.
# Usage: supervise.sh RUN_DIR WORKDIR ENV_SOURCE -- COMMAND [ARG...]
# ENV_SOURCE is "-" (stdin) or a FIFO carrying NAME=value lines: secrets reach the environment without touching disk
# or any command line that ps shows.
run_dir=$1
workdir=$2
env_source=$3
shift 4
log="$run_dir/train.log"

if [ "$env_source" = - ]; then env_input=/dev/stdin; else env_input=$env_source; fi
while IFS= read -r line; do
  name=${line%%=*}
  case $name in '' | [0-9]* | *[!A-Za-z0-9_]*) continue ;; esac
  export "$name=${line#*=}"
done < "$env_input"
[ "$env_source" = - ] || rm -f "$env_source"
exec < /dev/null

finish() {
  printf '%s\n' "$1" > "$run_dir/exit.tmp" && mv "$run_dir/exit.tmp" "$run_dir/exit"
}

pgid=$(ps -o pgid= -p $$ | tr -d ' ')
printf '%s %s\n' "$$" "$pgid" > "$run_dir/pid.tmp" && mv "$run_dir/pid.tmp" "$run_dir/pid"

if ! cd "$workdir"; then
  echo "Ctrl-World Flexiv: cannot enter the Ctrl-World folder $workdir" >> "$log"
  finish 127
  exit 127
fi
if [ -n "${CWF_ENV_SETUP:-}" ]; then
  # As bash users write it: `source` where /bin/sh is dash; `command eval` so a failing `.` is caught, not fatal.
  source() { . "$@"; }
  if ! command eval "$CWF_ENV_SETUP" >> "$log" 2>&1; then
    echo "Ctrl-World Flexiv: the environment setup command failed: $CWF_ENV_SETUP" >> "$log"
    finish 126
    exit 126
  fi
fi
unset CWF_ENV_SETUP
stop_after=${CWF_STOP_AFTER_STEP:-}
unset CWF_STOP_AFTER_STEP
if [ -n "${CWF_PYTHONPATH:-}" ]; then
  PYTHONPATH="$CWF_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}"
  export PYTHONPATH
  unset CWF_PYTHONPATH
fi

"$@" >> "$log" 2>&1 &
child=$!
# From here this shell outlives a TERM to the group (a stop), so it still records the exit status.
trap '' TERM

# Ctrl-World's loop has no break at max_train_steps: it trains whole epochs past it (tqdm then prints
# "Steps: : N it"). Once the bar passes that step, its checkpoint and validation are written: the run ends there.
watch_total() {
  while kill -0 "$child" 2> /dev/null; do
    sleep "${CWF_TOTAL_POLL_SECONDS:-5}"
    step=$(tail -c 4096 "$log" | tr '\r' '\n' | sed -n 's/.*Steps: *: *\([0-9][0-9]*\)it.*/\1/p' | tail -n 1)
    if [ -n "$step" ] && [ "$step" -gt "$stop_after" ]; then
      printf '%s\n' "$step" > "$run_dir/reached-total"
      echo "Ctrl-World Flexiv: step $step is past max_train_steps ($stop_after); train_wm.py would train on to the end of its epoch, so the run ends here." >> "$log"
      kill -TERM "-$pgid" 2> /dev/null
      return
    fi
  done
}
watcher=
if [ -n "$stop_after" ]; then
  watch_total &
  watcher=$!
fi
viewer=
# In a tmux session the pane shows the log live; the log file stays the one record.
if [ -n "${CWF_SHOW_LOG:-}" ]; then
  tail -f "$log" &
  viewer=$!
fi
wait "$child"
code=$?
finish "$code"
[ -z "$viewer" ] || kill "$viewer" 2> /dev/null
[ -z "$watcher" ] || kill "$watcher" 2> /dev/null
exit "$code"
