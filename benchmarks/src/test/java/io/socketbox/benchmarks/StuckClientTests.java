package io.socketbox.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StuckClient}'s reading of the kernel's socket table.
 */
class StuckClientTests {

	private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid";

	private static final String ESTABLISHED = "   4: 0100007F:C350 0100007F:1F90 01 00000000:00001F40 00:00000000 00000000     0";

	private static final String CLOSE_WAIT_V6 = "   7: 0000000000000000FFFF00000100007F:C350 "
			+ "0000000000000000FFFF00000100007F:1F90 08 00000000:00002000 00:00000000 00000000     0";

	@Test
	void stateOfTheLineWithBothPorts() {
		// Local port 50000 (C350), remote port 8080 (1F90)
		assertThat(StuckClient.stateOf(ESTABLISHED, ":C350 ", ":1F90 ")).isEqualTo("01");
		assertThat(StuckClient.stateOf(CLOSE_WAIT_V6, ":C350 ", ":1F90 ")).isEqualTo("08");
	}

	@Test
	void otherSocketsAndTheServersSideAreNotMatched() {
		// The server's end of the same connection has the ports the other way round
		assertThat(StuckClient.stateOf(ESTABLISHED, ":1F90 ", ":C350 ")).isNull();
		assertThat(StuckClient.stateOf(ESTABLISHED, ":C351 ", ":1F90 ")).isNull();
		// A port that only ends like ours
		assertThat(StuckClient.stateOf(ESTABLISHED, ":350 ", ":1F90 ")).isNull();
		assertThat(StuckClient.stateOf(HEADER, ":C350 ", ":1F90 ")).isNull();
	}

}
