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

	private static final String SERVER_SIDE = "   5: 0100007F:1F90 0100007F:C350 01 000A5830:00000000 01:00000014 00000000     0";

	@Test
	void entryOfTheLineWithBothPorts() {
		// Local port 50000 (C350), remote port 8080 (1F90)
		assertThat(StuckClient.Entry.parse(ESTABLISHED, ":C350", ":1F90"))
			.isEqualTo(new StuckClient.Entry("01", 0));
		assertThat(StuckClient.Entry.parse(CLOSE_WAIT_V6, ":C350", ":1F90"))
			.isEqualTo(new StuckClient.Entry("08", 0));
	}

	@Test
	void serverSideSendQueueIsTheFirstHalfOfTheQueuesField() {
		assertThat(StuckClient.Entry.parse(SERVER_SIDE, ":1F90", ":C350").sendQueue()).isEqualTo(0xA5830);
	}

	@Test
	void otherSocketsAndTheOtherEndAreNotMatched() {
		// The server's end of the same connection has the ports the other way round
		assertThat(StuckClient.Entry.parse(ESTABLISHED, ":1F90", ":C350")).isNull();
		assertThat(StuckClient.Entry.parse(SERVER_SIDE, ":C350", ":1F90")).isNull();
		assertThat(StuckClient.Entry.parse(ESTABLISHED, ":C351", ":1F90")).isNull();
		assertThat(StuckClient.Entry.parse(HEADER, ":C350", ":1F90")).isNull();
	}

}
