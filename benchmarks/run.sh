#!/usr/bin/env bash
# Runs the benchmark: SocketBox's sample cluster (A) against Socket.IO 4 with its Redis
# adapter (B), on 127.0.0.1, and prints a Markdown table (also written to
# benchmarks/target/benchmark-results.md). Needs a JDK 17 and node/npm (20+); the Maven
# wrapper fetches Maven, the benchmark runs `npm ci` in benchmarks/socketio itself.
#
#   benchmarks/run.sh [--quick] [--scenarios 1,2,...] [--repeat N] [--node-jvm-args "..."]
#                     [--container jetty|tomcat] [--warmup SECONDS]
#
# The build makes the sample twice: sample-app.jar on Jetty (the sample's container) and
# sample-app-tomcat.jar on Tomcat; --container tomcat runs the second.
#
# Scenario 10 (STOMP) compares SocketBox's clustered simple broker with Spring's relay to
# RabbitMQ and Spring's simple broker: it starts rabbitmq-server (with its STOMP plugin) when
# it is installed, and says so and skips that column when it is not.
#
# Scenario 11 (rolling restart behind nginx, issue 15) runs only when named: --scenarios 11; it
# needs nginx (apt-get install nginx-light).
#
# A full run takes about 20 minutes (scenario 10 alone: about 8); --quick takes about 3.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT_DIR"

if [[ "${SKIP_BUILD:-}" != "true" ]]; then
	echo "Building sample-app and benchmarks ..." >&2
	./mvnw -q -pl sample-app,benchmarks -am -DskipTests package
fi

# 10,000 client connections live in this JVM during scenario 5
exec java -Xmx2g -jar benchmarks/target/benchmarks.jar "$@"
