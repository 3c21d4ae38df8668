#!/usr/bin/env bash
# Runs a local cluster of the sample chat: N nodes on ports 8081, 8082, ... that find
# each other through a shared cache directory. Ctrl-C stops them all.
#
#   sample-app/run-cluster.sh [--nodes N]
#
# Extra Spring Boot arguments go to every node after '--', for example
#   sample-app/run-cluster.sh --nodes 3 -- --socketbox.debug-mode=true
set -euo pipefail

SAMPLE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(dirname "$SAMPLE_DIR")"
TARGET_DIR="$SAMPLE_DIR/target"
JAR="$TARGET_DIR/sample-app.jar"
FIRST_PORT=8081
START_TIMEOUT_SECONDS=60

nodes=2
extra_args=()
while [[ $# -gt 0 ]]; do
	case "$1" in
		--nodes)
			[[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--nodes needs a positive number" >&2; exit 2; }
			nodes="$2"
			shift 2
			;;
		--)
			shift
			extra_args=("$@")
			break
			;;
		-h|--help)
			sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "Unknown argument: $1 (try --help)" >&2
			exit 2
			;;
	esac
done

if [[ ! -f "$JAR" ]]; then
	echo "Building $JAR ..."
	(cd "$ROOT_DIR" && ./mvnw -q -DskipTests package -pl sample-app -am)
fi

# A fresh directory for each run, so that members of an earlier run do not linger
cache_dir="$TARGET_DIR/cluster-cache"
rm -rf "$cache_dir"
mkdir -p "$cache_dir"

pids=()
stop_nodes() {
	trap - EXIT INT TERM
	if [[ ${#pids[@]} -gt 0 ]]; then
		echo
		echo "Stopping ${#pids[@]} node(s) ..."
		kill "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
}
trap stop_nodes EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ports=()
for ((i = 0; i < nodes; i++)); do
	port=$((FIRST_PORT + i))
	log="$TARGET_DIR/node-$port.log"
	java -jar "$JAR" --server.port="$port" --socketbox.cache.file.directory="$cache_dir" \
		${extra_args[@]+"${extra_args[@]}"} >"$log" 2>&1 &
	pids+=($!)
	ports+=("$port")
	echo "Started node on port $port (pid $!, log $log)"
done

for ((i = 0; i < nodes; i++)); do
	port="${ports[$i]}"
	deadline=$((SECONDS + START_TIMEOUT_SECONDS))
	until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/api/cluster"; do
		if ! kill -0 "${pids[$i]}" 2>/dev/null; then
			echo "Node on port $port exited; last lines of its log:" >&2
			tail -n 20 "$TARGET_DIR/node-$port.log" >&2
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			echo "Node on port $port did not answer within ${START_TIMEOUT_SECONDS}s; see $TARGET_DIR/node-$port.log" >&2
			exit 1
		fi
		sleep 0.5
	done
done

echo
echo "Cluster of $nodes node(s) is up. Open one page per node:"
for port in "${ports[@]}"; do
	echo "  http://127.0.0.1:$port/"
done
echo "Add ?user=NAME to a page's URL to appear by name (a demo, not a login)."
echo "Press Ctrl-C to stop."
wait
