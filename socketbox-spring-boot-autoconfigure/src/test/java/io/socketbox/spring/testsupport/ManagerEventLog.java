package io.socketbox.spring.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.socketbox.spring.ManagerChangedEvent;

import org.springframework.context.event.EventListener;

/**
 * Every {@link ManagerChangedEvent} a node published, in order.
 */
public final class ManagerEventLog {

	private final List<ManagerChangedEvent> events = new CopyOnWriteArrayList<>();

	@EventListener
	void onManagerChanged(ManagerChangedEvent event) {
		this.events.add(event);
	}

	/**
	 * Return the events so far.
	 * @return the events, oldest first
	 */
	public List<ManagerChangedEvent> events() {
		return List.copyOf(this.events);
	}

}
