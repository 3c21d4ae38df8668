package io.socketbox.spring.internal.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.socketbox.spring.internal.OutboundText;

/**
 * The messages to one session ({@code d} frames), numbered in the order they were sent,
 * the most recent of them kept for replay: bounded by count and bytes, the oldest going
 * first. Kept whether the client is connected or not, since a frame that was in a socket
 * buffer when the connection broke never reached it.
 * <p>
 * Not thread-safe: the session numbers, keeps and sends under its own lock.
 */
public final class DirectBuffer {

	private final int maxCount;

	private final long maxBytes;

	private final ArrayDeque<Entry> entries = new ArrayDeque<>();

	private long bytes;

	private long last;

	/**
	 * Create a buffer.
	 * @param maxCount most messages kept
	 * @param maxBytes most bytes (UTF-8) kept
	 */
	public DirectBuffer(int maxCount, long maxBytes) {
		this.maxCount = maxCount;
		this.maxBytes = maxBytes;
	}

	/**
	 * Number a message and keep it.
	 * @param text the message
	 * @return its {@code d} frame
	 */
	public OutboundText add(OutboundText text) {
		long seq = ++this.last;
		OutboundText frame = SessionFrames.direct(seq, text);
		this.entries.addLast(new Entry(seq, frame));
		this.bytes += frame.size();
		while (this.entries.size() > this.maxCount || this.bytes > this.maxBytes) {
			this.bytes -= this.entries.removeFirst().frame().size();
		}
		return frame;
	}

	/**
	 * Return what a client that last received the given message has missed.
	 * @param received the seq of the last {@code d} frame the client received
	 * @return the frames to send it again, and whether some are no longer kept
	 */
	public Replay replayAfter(long received) {
		List<OutboundText> frames = new ArrayList<>();
		if (received >= this.last) {
			return new Replay(frames, false);
		}
		long first = this.entries.isEmpty() ? this.last + 1 : this.entries.peekFirst().seq();
		for (Entry entry : this.entries) {
			if (entry.seq() > received) {
				frames.add(entry.frame());
			}
		}
		return new Replay(frames, first > received + 1);
	}

	/**
	 * Return the frames kept, oldest first, to hand the session to another node.
	 * @return the texts of the {@code d} frames
	 */
	public List<String> frames() {
		return this.entries.stream().map((entry) -> entry.frame().text()).toList();
	}

	/**
	 * Take over the frames another node kept for a session, and its numbering.
	 * @param last the seq of the session's last message
	 * @param frames the {@code d} frames kept, oldest first
	 * @throws IllegalArgumentException if {@code last} is negative, or a frame is not a
	 * {@code d} frame numbered at most {@code last}, in order
	 */
	public void restore(long last, List<String> frames) {
		if (last < 0) {
			throw new IllegalArgumentException("A negative last seq");
		}
		long previous = 0;
		for (String text : frames) {
			long seq = seqOf(text);
			if (seq <= previous || seq > last) {
				throw new IllegalArgumentException("Frames out of order or beyond the last seq");
			}
			previous = seq;
			OutboundText frame = OutboundText.of(text);
			this.entries.addLast(new Entry(seq, frame));
			this.bytes += frame.size();
		}
		while (this.entries.size() > this.maxCount || this.bytes > this.maxBytes) {
			this.bytes -= this.entries.removeFirst().frame().size();
		}
		this.last = last;
	}

	private static long seqOf(String frame) {
		int space = frame.indexOf(' ', 2);
		if (!frame.startsWith("d ") || space < 3 || space > 21) {
			throw new IllegalArgumentException("Not a d frame");
		}
		String seq = frame.substring(2, space);
		if (!seq.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			throw new IllegalArgumentException("Not a d frame");
		}
		return Long.parseLong(seq);
	}

	/**
	 * Return the seq of the last message.
	 * @return the last seq, 0 before the first message
	 */
	public long last() {
		return this.last;
	}

	/**
	 * Return the bytes this buffer holds.
	 * @return the UTF-8 size of the frames kept
	 */
	public long bytes() {
		return this.bytes;
	}

	/**
	 * What a client missed of its session's messages.
	 *
	 * @param frames the {@code d} frames to send it again, in order
	 * @param gap whether it missed messages that are no longer kept
	 */
	public record Replay(List<OutboundText> frames, boolean gap) {

	}

	private record Entry(long seq, OutboundText frame) {

	}

}
