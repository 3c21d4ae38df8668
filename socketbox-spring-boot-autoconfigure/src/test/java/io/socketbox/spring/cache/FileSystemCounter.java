package io.socketbox.spring.cache;

import java.nio.file.Path;

/**
 * Increments a counter in a {@link FileSystemCacheProvider} with compare-and-set, from a
 * process of its own: arguments are the directory, the key and how many increments.
 * Lost increments show that compare-and-set is not atomic across processes.
 */
public final class FileSystemCounter {

	private FileSystemCounter() {
	}

	public static void main(String[] args) {
		FileSystemCacheProvider provider = new FileSystemCacheProvider(Path.of(args[0]));
		increment(provider, args[1], Integer.parseInt(args[2]));
	}

	static void increment(CacheProvider provider, String key, int times) {
		for (int i = 0; i < times; i++) {
			boolean done = false;
			while (!done) {
				String current = provider.get(key);
				long next = ((current != null) ? Long.parseLong(current) : 0) + 1;
				done = provider.compareAndSet(key, current, Long.toString(next));
			}
		}
	}

}
