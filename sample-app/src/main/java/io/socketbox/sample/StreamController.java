package io.socketbox.sample;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The stream's HTTP side, as {@code benchmarks/socketio/rolling-server.js} has it:
 * {@code GET /ready} (200 once the node accepts traffic, SocketBox's endpoint
 * included, and is linked with {@code sample.stream.await-peers} other nodes), {@code GET /stream/start} and {@code GET /stream/stop} (what was produced).
 */
@RestController
@ConditionalOnProperty(name = "sample.stream.enabled", havingValue = "true")
class StreamController {

	private final StreamProducer producer;

	private final ApplicationAvailability availability;

	StreamController(StreamProducer producer, ApplicationAvailability availability) {
		this.producer = producer;
		this.availability = availability;
	}

	@GetMapping(path = "/ready", produces = MediaType.TEXT_PLAIN_VALUE)
	ResponseEntity<String> ready() {
		if (this.availability.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC
				|| !this.producer.arePeersLinked()) {
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("starting");
		}
		return ResponseEntity.ok("ready");
	}

	@GetMapping(path = "/stream/start", produces = MediaType.TEXT_PLAIN_VALUE)
	String start() {
		this.producer.startProducing();
		return "producing";
	}

	@GetMapping(path = "/stream/stop", produces = MediaType.APPLICATION_JSON_VALUE)
	String stop() {
		return this.producer.stopProducing();
	}

}
