package io.socketbox.spring.cache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.FileSystemUtils;

/**
 * A {@link CacheProvider} backed by a directory that several processes on one machine
 * share.
 * <p>
 * Each value is one file whose name encodes the key, written to a temporary file in the
 * same directory and then atomically moved into place, so readers see either the old or
 * the new value. The first line of the file holds the expiry ({@code expires=never} or
 * {@code expires=} and an ISO-8601 instant); the rest is the value. Expired files are not
 * deleted (that could race with a fresh write) but {@link #get(String)} ignores them
 * until the key is written or cleared again.
 * <p>
 * Writes of values ({@link #set(String, String)}, compare-and-set, and the value part of
 * {@link #clear(String)}) hold an exclusive lock on the file {@code .lock} in the
 * directory: an operating-system file lock ({@link FileChannel#lock()}) that other
 * processes respect, taken under a lock per directory that the threads of this JVM share
 * (the operating system's lock is held by the process, not by a thread). So
 * compare-and-set and {@link #clearIfEquals(String, String)} read, compare and write
 * with no other write in between, and are atomic among all processes that use this
 * provider on the directory. Reads take no lock. On a network file system the locks are
 * only as good as its locking (NFS with {@code lockd}, for example).
 * <p>
 * Each set is a sub-directory with one empty file per member, so adding and removing a
 * member are single atomic file-system operations that concurrent processes cannot
 * lose. An emptied set keeps its directory until {@link #clear(String)}. Values and sets
 * live side by side: {@link #get(String)} of a key that only holds a set returns
 * {@code null}, and {@link #clear(String)} removes both.
 * <p>
 * File names are limited to 255 characters, so keys and members are limited to a little
 * under that once encoded (letters other than lower case ASCII take three characters).
 * <p>
 * A value file without the expiry header, a directory where a value file belongs, a
 * file where a set's directory belongs, or a member file whose name does not decode is
 * thrown as a {@link CacheContentException} naming the key and the file;
 * {@link #clear(String)} removes any of them. Other I/O failures are thrown as
 * {@link UncheckedIOException} naming the file.
 *
 * @see InMemoryCacheProvider
 */
public final class FileSystemCacheProvider implements CacheProvider {

	private static final int MAX_FILE_NAME_LENGTH = 255;

	private static final String VALUE_PREFIX = "v-";

	private static final String SET_PREFIX = "s-";

	private static final String MEMBER_PREFIX = "m-";

	private static final String TEMP_PREFIX = ".tmp-";

	private static final String LOCK_FILE = ".lock";

	/**
	 * The lock per directory that the threads of this JVM share, since a second
	 * {@link FileChannel#lock()} by the same JVM fails instead of waiting.
	 */
	private static final ConcurrentMap<Path, ReentrantLock> DIRECTORY_LOCKS = new ConcurrentHashMap<>();

	private static final String EXPIRES = "expires=";

	private static final String NEVER = "never";

	private static final int MAX_ATTEMPTS = 10;

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private final Path directory;

	private final Clock clock;

	private final Path lockFile;

	private final ReentrantLock directoryLock;

	/**
	 * Create a provider that stores its files in the given directory, creating it when
	 * needed, and measures time to live with the system clock.
	 * @param directory the directory to use
	 */
	public FileSystemCacheProvider(Path directory) {
		this(directory, Clock.systemUTC());
	}

	/**
	 * Create a provider that stores its files in the given directory, creating it when
	 * needed, and measures time to live with the given clock.
	 * @param directory the directory to use
	 * @param clock the clock to use
	 */
	public FileSystemCacheProvider(Path directory, Clock clock) {
		Assert.notNull(directory, "'directory' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.directory = directory;
		this.clock = clock;
		Path realDirectory;
		try {
			Files.createDirectories(directory);
			realDirectory = directory.toRealPath();
		}
		catch (IOException ex) {
			throw failure("create cache directory", directory, ex);
		}
		this.lockFile = realDirectory.resolve(LOCK_FILE);
		this.directoryLock = DIRECTORY_LOCKS.computeIfAbsent(realDirectory, (key) -> new ReentrantLock());
	}

	/**
	 * Return the directory that holds the files.
	 * @return the directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

	@Override
	public @Nullable String get(String key) {
		return read(key, this.clock.instant());
	}

	private @Nullable String read(String key, Instant now) {
		Path file = valueFile(key);
		String content;
		try {
			content = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
				throw new CacheContentException(key, "a directory ('" + file + "')", "a value file", ex);
			}
			throw failure("read", file, ex);
		}
		int newline = content.indexOf('\n');
		if (newline < 0 || !content.startsWith(EXPIRES)) {
			throw new CacheContentException(key, "a file without an '" + EXPIRES + "' header line ('" + file + "')",
					"a value file", null);
		}
		Instant expiresAt = parseExpiry(key, content.substring(EXPIRES.length(), newline), file);
		if (expiresAt != null && !now.isBefore(expiresAt)) {
			return null;
		}
		return content.substring(newline + 1);
	}

	@Override
	public void set(String key, String value) {
		locked(() -> write(key, value, null));
	}

	/**
	 * Store a value that {@link #get(String)} stops returning once the time to live has
	 * passed.
	 * @param key the key
	 * @param value the value
	 * @param timeToLive how long to keep the value, must be positive
	 */
	@Override
	public void set(String key, String value, Duration timeToLive) {
		Assert.isTrue(timeToLive.compareTo(Duration.ZERO) > 0, "'timeToLive' must be positive");
		locked(() -> write(key, value, this.clock.instant().plus(timeToLive)));
	}

	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value) {
		return locked(() -> compareAndWrite(key, expected, value, null));
	}

	/**
	 * Store a value that {@link #get(String)} stops returning once the time to live has
	 * passed, if the key holds the expected value.
	 * @param key the key
	 * @param expected the value that the key must hold, or {@code null} for a key that
	 * must be missing
	 * @param value the value to store
	 * @param timeToLive how long to keep the value, must be positive
	 * @return whether the value was stored
	 */
	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value, Duration timeToLive) {
		Assert.isTrue(timeToLive.compareTo(Duration.ZERO) > 0, "'timeToLive' must be positive");
		return locked(() -> compareAndWrite(key, expected, value, timeToLive));
	}

	private boolean compareAndWrite(String key, @Nullable String expected, String value,
			@Nullable Duration timeToLive) {
		Instant now = this.clock.instant();
		if (!Objects.equals(read(key, now), expected)) {
			return false;
		}
		write(key, value, (timeToLive != null) ? now.plus(timeToLive) : null);
		return true;
	}

	@Override
	public boolean clearIfEquals(String key, String expected) {
		return locked(() -> {
			if (!expected.equals(read(key, this.clock.instant()))) {
				return false;
			}
			delete(valueFile(key));
			return true;
		});
	}

	@Override
	public boolean isCompareAndSetAtomic() {
		return true;
	}

	@Override
	public void clear(String key) {
		locked(() -> deleteAll(valueFile(key)));
		Path setDirectory = setDirectory(key);
		if (!Files.isDirectory(setDirectory, LinkOption.NOFOLLOW_LINKS)) {
			// Nothing, or a file that does not belong there
			delete(setDirectory);
			return;
		}
		for (Path member : list(key, setDirectory)) {
			deleteAll(member);
		}
		try {
			Files.deleteIfExists(setDirectory);
		}
		catch (DirectoryNotEmptyException ex) {
			// A member added concurrently after the listing: as if added after the clear
		}
		catch (IOException ex) {
			throw failure("delete", setDirectory, ex);
		}
	}

	@Override
	public void addMember(String key, String member) {
		Path setDirectory = setDirectory(key);
		Path file = setDirectory.resolve(fileName(MEMBER_PREFIX, member, "member"));
		for (int attempt = 1;; attempt++) {
			try {
				Files.createDirectories(setDirectory);
			}
			catch (FileAlreadyExistsException ex) {
				throw notASet(key, setDirectory, ex);
			}
			catch (IOException ex) {
				throw failure("create", setDirectory, ex);
			}
			try {
				Files.createFile(file);
				return;
			}
			catch (FileAlreadyExistsException ex) {
				return;
			}
			catch (NoSuchFileException ex) {
				// The set directory was removed by a concurrent clear: create it again
				if (attempt == MAX_ATTEMPTS) {
					throw failure("create", file, ex);
				}
			}
			catch (IOException ex) {
				throw failure("create", file, ex);
			}
		}
	}

	@Override
	public void removeMember(String key, String member) {
		Path setDirectory = setDirectory(key);
		Path file = setDirectory.resolve(fileName(MEMBER_PREFIX, member, "member"));
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			if (Files.exists(setDirectory, LinkOption.NOFOLLOW_LINKS)
					&& !Files.isDirectory(setDirectory, LinkOption.NOFOLLOW_LINKS)) {
				throw notASet(key, setDirectory, ex);
			}
			throw failure("delete", file, ex);
		}
	}

	@Override
	public Set<String> members(String key) {
		Set<String> members = new LinkedHashSet<>();
		for (Path file : list(key, setDirectory(key))) {
			String name = file.getFileName().toString();
			if (name.startsWith(MEMBER_PREFIX)) {
				try {
					members.add(decode(name.substring(MEMBER_PREFIX.length())));
				}
				catch (IllegalArgumentException ex) {
					throw new CacheContentException(key, "a member file named '" + name + "' ('" + file + "')",
							"members whose names decode", ex);
				}
			}
		}
		return members;
	}

	private void locked(Runnable action) {
		locked(() -> {
			action.run();
			return null;
		});
	}

	private <T> T locked(Supplier<T> action) {
		this.directoryLock.lock();
		try (FileChannel channel = FileChannel.open(this.lockFile, StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
			return action.get();
		}
		catch (IOException ex) {
			throw failure("lock", this.lockFile, ex);
		}
		finally {
			this.directoryLock.unlock();
		}
	}

	private void write(String key, String value, @Nullable Instant expiresAt) {
		Path file = valueFile(key);
		String header = EXPIRES + ((expiresAt != null) ? expiresAt.toString() : NEVER) + "\n";
		Path temp = null;
		try {
			temp = Files.createTempFile(this.directory, TEMP_PREFIX, null);
			Files.writeString(temp, header + value, StandardCharsets.UTF_8);
			Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			temp = null;
		}
		catch (IOException ex) {
			if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
				throw new CacheContentException(key, "a directory ('" + file + "')", "a value file", ex);
			}
			throw failure("write", file, ex);
		}
		finally {
			if (temp != null) {
				deleteQuietly(temp);
			}
		}
	}

	private @Nullable Instant parseExpiry(String key, String expiry, Path file) {
		if (NEVER.equals(expiry)) {
			return null;
		}
		try {
			return Instant.parse(expiry);
		}
		catch (DateTimeException ex) {
			throw new CacheContentException(key, "a file with the invalid expiry '" + expiry + "' ('" + file + "')",
					"a value file", ex);
		}
	}

	private Set<Path> list(String key, Path setDirectory) {
		Set<Path> files = new LinkedHashSet<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(setDirectory)) {
			stream.forEach(files::add);
		}
		catch (NoSuchFileException ex) {
			// A missing set is empty
		}
		catch (NotDirectoryException ex) {
			throw notASet(key, setDirectory, ex);
		}
		catch (IOException ex) {
			throw failure("list", setDirectory, ex);
		}
		catch (DirectoryIteratorException ex) {
			throw failure("list", setDirectory, ex.getCause());
		}
		return files;
	}

	private void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw failure("delete", file, ex);
		}
	}

	private void deleteAll(Path path) {
		try {
			FileSystemUtils.deleteRecursively(path);
		}
		catch (IOException ex) {
			throw failure("delete", path, ex);
		}
	}

	private void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// Best effort: a stray temporary file is harmless
		}
	}

	private Path valueFile(String key) {
		return this.directory.resolve(fileName(VALUE_PREFIX, key, "key"));
	}

	private Path setDirectory(String key) {
		return this.directory.resolve(fileName(SET_PREFIX, key, "key"));
	}

	private static String fileName(String prefix, String name, String description) {
		String fileName = prefix + encode(name);
		if (fileName.length() > MAX_FILE_NAME_LENGTH) {
			throw new IllegalArgumentException("The " + description + " '" + name + "' is too long for a file name ("
					+ fileName.length() + " characters once encoded, at most " + MAX_FILE_NAME_LENGTH + ")");
		}
		return fileName;
	}

	/**
	 * Encode a name so that it is a safe file name on any file system, including
	 * case-insensitive ones: lower case ASCII letters, digits, {@code '-'} and {@code '_'}
	 * stay, every other UTF-8 byte becomes {@code %XX} with upper case hex digits.
	 */
	static String encode(String name) {
		byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
		StringBuilder encoded = new StringBuilder(bytes.length);
		for (byte b : bytes) {
			int c = b & 0xFF;
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
				encoded.append((char) c);
			}
			else {
				encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
			}
		}
		return encoded.toString();
	}

	static String decode(String encoded) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
		for (int i = 0; i < encoded.length(); i++) {
			char c = encoded.charAt(i);
			if (c == '%' && i + 2 < encoded.length()) {
				bytes.write(Integer.parseInt(encoded, i + 1, i + 3, 16));
				i += 2;
			}
			else {
				bytes.write(c);
			}
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static CacheContentException notASet(String key, Path setDirectory, IOException ex) {
		return new CacheContentException(key, "a file ('" + setDirectory + "')", "a directory of members", ex);
	}

	private static UncheckedIOException failure(String action, Path path, IOException ex) {
		return new UncheckedIOException("Failed to " + action + " '" + path + "'", ex);
	}

}
