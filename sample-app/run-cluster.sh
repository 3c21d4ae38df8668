#!/usr/bin/env bash
# Runs a local cluster of the sample chat: N nodes on ports 8081, 8082, ... that find
# each other through a shared cache directory. Ctrl-C stops them all.
#
#   sample-app/run-cluster.sh [--nodes N] [--no-cds] [--lb]
#
# --lb also starts nginx on port 8080 in front of the nodes (sample-app/nginx/nginx.conf:
# round-robin, no session affinity), as a load balancer would in production.
# Nodes start from the extracted jar with a CDS archive (README, "Fast start"), prepared
# in target/cds/ by a training run of two nodes the first time and whenever the jar, the
# JVM or the extra arguments change. --no-cds starts them with java -jar sample-app.jar instead.
# Extra Spring Boot arguments go to every node after '--', for example
#   sample-app/run-cluster.sh --nodes 3 -- --socketbox.debug-mode=true
set -euo pipefail

SAMPLE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(dirname "$SAMPLE_DIR")"
TARGET_DIR="$SAMPLE_DIR/target"
JAR="$TARGET_DIR/sample-app.jar"
FIRST_PORT=8081
START_TIMEOUT_SECONDS=60
CDS_DIR="$TARGET_DIR/cds"

nodes=2
cds=true
lb=false
extra_args=()
while [[ $# -gt 0 ]]; do
	case "$1" in
		--nodes)
			[[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--nodes needs a positive number" >&2; exit 2; }
			nodes="$2"
			shift 2
			;;
		--no-cds)
			cds=false
			shift
			;;
		--lb)
			lb=true
			shift
			;;
		--)
			shift
			extra_args=("$@")
			break
			;;
		-h|--help)
			sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "Unknown argument: $1 (try --help)" >&2
			exit 2
			;;
	esac
done

NGINX_PORT=8080
nginx_bin=""
if [[ "$lb" == true ]]; then
	nginx_bin="$(command -v nginx || true)"
	[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
	if [[ -z "$nginx_bin" ]]; then
		echo "--lb needs nginx, which is not installed. Install it with your package manager:" >&2
		echo "  sudo apt-get install nginx-light    (Debian, Ubuntu)" >&2
		echo "  sudo dnf install nginx              (Fedora, RHEL)" >&2
		echo "  brew install nginx                  (macOS)" >&2
		exit 2
	fi
fi

if [[ ! -f "$JAR" ]]; then
	echo "Building $JAR ..."
	(cd "$ROOT_DIR" && ./mvnw -q -DskipTests package -pl sample-app -am)
fi

# Prints what the archive in $CDS_DIR was made from: the jar, the JVM and the arguments
cds_stamp() {
	echo "jar: $(cksum <"$JAR")"
	echo "java: $(command -v java) $(java -version 2>&1 | head -n 2 | tr '\n' ' ')"
	echo "arguments: ${extra_args[*]+${extra_args[*]}}"
}

# Waits until the node on port $1 (pid $2) answers /api/cluster with text that contains $3,
# for at most $4 seconds
await_cluster() {
	local deadline=$((SECONDS + $4))
	until curl -fs --max-time 2 "http://127.0.0.1:$1/api/cluster" 2>/dev/null | grep -qF "$3"; do
		kill -0 "$2" 2>/dev/null && ((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

# Extracts the jar into $CDS_DIR and makes app.jsa there with a training cluster of two
# nodes on the first two ports: a peer, then the trainee, which joins it, dials it (the
# later node has the higher id, and the higher id dials), and writes the archive when it
# is stopped (SIGTERM) once its link is up. So the archive holds what a node loads to
# start, join and link, not only to refresh its context.
prepare_cds() {
	local stamp jar peer trainee trained=false
	stamp="$(cds_stamp)"
	if [[ -f "$CDS_DIR/app.jsa" && "$(cat "$CDS_DIR/stamp" 2>/dev/null)" == "$stamp" ]]; then
		return 0
	fi
	echo "Preparing the CDS archive in $CDS_DIR (once per build of the jar) ..."
	rm -rf "$CDS_DIR"
	java -Djarmode=tools -jar "$JAR" extract --destination "$CDS_DIR" >/dev/null || return 1
	# The archive records the class path as given: every node names the jar exactly so.
	jar="$CDS_DIR/$(basename "$JAR")"
	java -jar "$jar" --server.port="$FIRST_PORT" --socketbox.cache.file.directory="$CDS_DIR/training-cache" \
		${extra_args[@]+"${extra_args[@]}"} >"$CDS_DIR/training-peer.log" 2>&1 &
	peer=$!
	if await_cluster "$FIRST_PORT" "$peer" "{" "$START_TIMEOUT_SECONDS"; then
		# -Xlog:cds=off: the training run lists every class it cannot archive, harmless here.
		java -XX:ArchiveClassesAtExit="$CDS_DIR/app.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" \
			--server.port=$((FIRST_PORT + 1)) --socketbox.cache.file.directory="$CDS_DIR/training-cache" \
			${extra_args[@]+"${extra_args[@]}"} >"$CDS_DIR/training.log" 2>&1 &
		trainee=$!
		await_cluster $((FIRST_PORT + 1)) "$trainee" "{" "$START_TIMEOUT_SECONDS" && trained=true
		# Arguments that turn the cluster off leave nothing to link: an archive of the start
		[[ "$trained" == true ]] && await_cluster $((FIRST_PORT + 1)) "$trainee" '"link":"UP"' 20
		kill "$trainee" 2>/dev/null
		wait "$trainee" 2>/dev/null
	fi
	kill "$peer" 2>/dev/null
	wait "$peer" 2>/dev/null
	rm -rf "$CDS_DIR/training-cache"
	[[ "$trained" == true && -f "$CDS_DIR/app.jsa" ]] || return 1
	echo "$stamp" >"$CDS_DIR/stamp"
}

launch=(-jar "$JAR")
if [[ "$cds" == true ]]; then
	if prepare_cds; then
		launch=(-XX:SharedArchiveFile="$CDS_DIR/app.jsa" -jar "$CDS_DIR/$(basename "$JAR")")
	else
		echo "Could not prepare the CDS archive (see $CDS_DIR/training.log): starting without it" >&2
	fi
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
	java "${launch[@]}" --server.port="$port" --socketbox.cache.file.directory="$cache_dir" \
		${extra_args[@]+"${extra_args[@]}"} >"$log" 2>&1 &
	pids+=($!)
	ports+=("$port")
	echo "Started node on port $port (pid $!, log $log)"
done

for ((i = 0; i < nodes; i++)); do
	port="${ports[$i]}"
	if ! await_cluster "$port" "${pids[$i]}" "{" "$START_TIMEOUT_SECONDS"; then
		if ! kill -0 "${pids[$i]}" 2>/dev/null; then
			echo "Node on port $port exited; last lines of its log:" >&2
			tail -n 20 "$TARGET_DIR/node-$port.log" >&2
		else
			echo "Node on port $port did not answer within ${START_TIMEOUT_SECONDS}s; see $TARGET_DIR/node-$port.log" >&2
		fi
		exit 1
	fi
done

if [[ "$lb" == true ]]; then
	# sample-app/nginx/nginx.conf with the nodes started here in its upstream block
	nginx_dir="$TARGET_DIR/nginx"
	rm -rf "$nginx_dir"
	mkdir -p "$nginx_dir/temp"
	awk -v ports="${ports[*]}" '
		/upstream-servers-start/ { skip = 1; n = split(ports, p, " ")
			for (i = 1; i <= n; i++) printf "\t\tserver 127.0.0.1:%s max_fails=0;\n", p[i]
			next }
		/upstream-servers-end/ { skip = 0; next }
		!skip' "$SAMPLE_DIR/nginx/nginx.conf" >"$nginx_dir/nginx.conf"
	"$nginx_bin" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -g 'daemon off;' >"$nginx_dir/nginx.log" 2>&1 &
	pids+=($!)
	deadline=$((SECONDS + 10))
	until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$NGINX_PORT/api/cluster"; do
		if ! kill -0 "${pids[-1]}" 2>/dev/null || ((SECONDS >= deadline)); then
			echo "nginx did not start on port $NGINX_PORT; see $nginx_dir/nginx.log" >&2
			exit 1
		fi
		sleep 0.2
	done
	echo "Started nginx on port $NGINX_PORT (pid ${pids[-1]}, log $nginx_dir/nginx.log)"
fi

echo
if [[ "$lb" == true ]]; then
	echo "Cluster of $nodes node(s) is up behind nginx: http://127.0.0.1:$NGINX_PORT/"
	echo "Each new connection goes to any node. Or open one page per node:"
else
	echo "Cluster of $nodes node(s) is up. Open one page per node:"
fi
for port in "${ports[@]}"; do
	echo "  http://127.0.0.1:$port/"
done
echo "Add ?user=NAME to a page's URL to appear by name (a demo, not a login)."
echo "Press Ctrl-C to stop."
wait
