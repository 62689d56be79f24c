# Sourced by each benchmark's run.sh: `--json FILE` writes the run's figures to FILE as JSON (exported as BENCH_JSON,
# which the benchmarks read), beside the lines they print.
while [ $# -gt 0 ]; do
  case "$1" in
    --json) BENCH_JSON="$(realpath -m "$2")"; export BENCH_JSON; shift 2 ;;
    --json=*) BENCH_JSON="$(realpath -m "${1#--json=}")"; export BENCH_JSON; shift ;;
    *) echo "unknown argument: $1 (only --json FILE)" >&2; exit 2 ;;
  esac
done

# Installs what is missing (scripts/ensure-deps.sh) unless the suite already did, and never where node_modules is a
# link to another checkout's (a git worktree): `npm install` there would replace the link and change other people's
# dependencies.
bench_ensure_deps() {
  if [ -z "${BENCH_SKIP_BUILD:-}" ] && [ ! -L "$ROOT/node_modules" ]; then bash "$ROOT/scripts/ensure-deps.sh" >/dev/null; fi
}
