package io.socketbox.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The figures of several processes of {@code rolling-stream-clients.js}, as one: counts
 * per client summed, counts by key ({@code gapReasons}) summed per key, examples joined
 * (at most {@value #MAX_EXAMPLES} of each), the longest gap the longest of all and its
 * median over every client's longest gap.
 */
final class ClientFigures {

	private static final int MAX_EXAMPLES = 20;

	/** Figures of the whole run, the same in every process: the largest is kept. */
	private static final Set<String> LARGEST = Set.of("longestGapMs", "lostInCrash");

	private ClientFigures() {
	}

	/**
	 * Merge the results of the processes.
	 * @param results each process's {@code result} JSON
	 * @return the figures of all the clients
	 */
	static JsonNode merge(List<JsonNode> results) {
		ObjectNode merged = JsonMapper.shared().createObjectNode();
		for (JsonNode result : results) {
			for (Map.Entry<String, JsonNode> field : result.properties()) {
				add(merged, field.getKey(), field.getValue());
			}
		}
		List<Long> longestGaps = new ArrayList<>();
		merged.path("longestGaps").values().forEach((gap) -> longestGaps.add(gap.asLong()));
		merged.put("medianLongestGapMs", median(longestGaps));
		return merged;
	}

	private static void add(ObjectNode merged, String name, JsonNode value) {
		JsonNode existing = merged.get(name);
		if (value.isNumber()) {
			long sum = (existing == null) ? value.asLong()
					: LARGEST.contains(name) ? Math.max(existing.asLong(), value.asLong())
							: existing.asLong() + value.asLong();
			merged.put(name, sum);
		}
		else if (value.isObject()) {
			ObjectNode counts = (existing instanceof ObjectNode object) ? object : merged.putObject(name);
			for (Map.Entry<String, JsonNode> count : value.properties()) {
				counts.put(count.getKey(), counts.path(count.getKey()).asLong() + count.getValue().asLong());
			}
		}
		else if (value.isArray()) {
			ArrayNode items = (existing instanceof ArrayNode array) ? array : merged.putArray(name);
			boolean all = name.equals("longestGaps");
			for (JsonNode item : value) {
				if (all || items.size() < MAX_EXAMPLES) {
					items.add(item);
				}
			}
		}
		else {
			merged.set(name, value);
		}
	}

	private static long median(List<Long> values) {
		if (values.isEmpty()) {
			return 0;
		}
		List<Long> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

}
