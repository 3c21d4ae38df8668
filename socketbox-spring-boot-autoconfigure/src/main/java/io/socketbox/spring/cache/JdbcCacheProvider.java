package io.socketbox.spring.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.util.Assert;
import org.springframework.util.StreamUtils;

/**
 * A {@link CacheProvider} backed by a relational database through a {@link DataSource},
 * for applications that have a database and no Redis. Supports PostgreSQL, MySQL,
 * MariaDB and H2.
 * <p>
 * Values are rows of a table ({@code socketbox_cache} unless named otherwise: key,
 * value, expiry). Storing a value is an {@code UPDATE}, then an {@code INSERT} when no
 * row was updated, and the {@code UPDATE} once more when a concurrent writer inserted the
 * row first ({@link DuplicateKeyException}): plain SQL that behaves the same on every
 * supported database, where {@code MERGE}, {@code ON CONFLICT} and
 * {@code ON DUPLICATE KEY} each work on only some of them. Sets are rows of a second
 * table (the first one's name with {@code _member}), one per member with the pair as
 * primary key, so adding and removing a member are single atomic statements. Both hold
 * text only and keep values and sets apart, so no key can hold the wrong kind of
 * content: the provider never throws {@link CacheContentException} (a value that is text
 * but not what the caller wrote is the caller's to check).
 * <p>
 * Compare-and-set is a single statement, so it is atomic on every supported database: on
 * a value, an {@code UPDATE} whose {@code WHERE} clause holds the expected value; on a
 * missing key, an {@code UPDATE} of a row that has expired, then an {@code INSERT} that
 * fails on the primary key ({@link DuplicateKeyException}) when another writer got there
 * first. {@link #clearIfEquals(String, String)} is a {@code DELETE} with the same
 * condition. Values are compared byte for byte: on MySQL and MariaDB, whose default
 * collations ignore case and trailing spaces, as {@code BINARY}.
 * <p>
 * Expiry is computed and compared with the database's clock ({@code CURRENT_TIMESTAMP}),
 * never with a node's: expired values read as {@code null} and are deleted when read.
 * The expiry column holds an instant ({@code TIMESTAMP WITH TIME ZONE} on PostgreSQL and
 * H2, {@code TIMESTAMP} on MySQL and MariaDB), so sessions in different time zones agree.
 * <p>
 * Unless told not to, the provider creates its tables on first use with
 * {@code CREATE TABLE IF NOT EXISTS}, running the script for the database found in this
 * package ({@code schema-jdbc-postgresql.sql}, {@code schema-jdbc-mysql.sql},
 * {@code schema-jdbc-h2.sql}). Statements run in the caller's transaction if there is
 * one; the provider is meant to run outside of transactions, since on PostgreSQL a
 * failed {@code INSERT} aborts the transaction around it. On MySQL, keep the driver's
 * default of reporting matched rather than changed rows ({@code useAffectedRows=false}).
 *
 * @see RedisCacheProvider
 */
public final class JdbcCacheProvider implements CacheProvider {

	/**
	 * The name of the value table unless configured otherwise.
	 */
	public static final String DEFAULT_TABLE_NAME = "socketbox_cache";

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private static final String NOW = "CURRENT_TIMESTAMP(3)";

	private static final String LIVE = "(expires_at IS NULL OR expires_at > " + NOW + ")";

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final String table;

	private final String memberTable;

	private final boolean createTables;

	private volatile @Nullable Dialect dialect;

	/**
	 * Create a provider that uses the default table names and creates the tables when
	 * they are missing.
	 * @param dataSource the database to use
	 */
	public JdbcCacheProvider(DataSource dataSource) {
		this(dataSource, DEFAULT_TABLE_NAME, true);
	}

	/**
	 * Create a provider.
	 * @param dataSource the database to use
	 * @param tableName the name of the value table, optionally qualified with a schema;
	 * sets use the table of the same name with {@code _member} appended
	 * @param createTables whether to create the tables on first use when they are
	 * missing
	 */
	public JdbcCacheProvider(DataSource dataSource, String tableName, boolean createTables) {
		Assert.notNull(dataSource, "'dataSource' must not be null");
		Assert.isTrue(tableName != null && TABLE_NAME.matcher(tableName).matches(),
				() -> "'tableName' must be a plain SQL name, optionally schema-qualified, but was '" + tableName + "'");
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(dataSource);
		this.table = tableName;
		this.memberTable = tableName + "_member";
		this.createTables = createTables;
	}

	/**
	 * Return the name of the value table.
	 * @return the table name
	 */
	public String getTableName() {
		return this.table;
	}

	/**
	 * Return the name of the member table.
	 * @return the table name
	 */
	public String getMemberTableName() {
		return this.memberTable;
	}

	@Override
	public @Nullable String get(String key) {
		dialect();
		String value = this.jdbc
			.sql("SELECT cache_value FROM " + this.table + " WHERE cache_key = ? AND (expires_at IS NULL OR expires_at > "
					+ NOW + ")")
			.param(key)
			.query(String.class)
			.optional()
			.orElse(null);
		if (value == null) {
			// Conditional on the expiry: a fresh value stored meanwhile stays
			this.jdbc.sql("DELETE FROM " + this.table + " WHERE cache_key = ? AND expires_at <= " + NOW)
				.param(key)
				.update();
		}
		return value;
	}

	@Override
	public void set(String key, String value) {
		dialect();
		upsert(key, value, "NULL", null);
	}

	/**
	 * Store a value that reads as missing once the time to live has passed on the
	 * database's clock.
	 * @param key the key
	 * @param value the value
	 * @param timeToLive how long to keep the value, must be positive
	 */
	@Override
	public void set(String key, String value, Duration timeToLive) {
		Assert.isTrue(timeToLive.compareTo(Duration.ZERO) > 0, "'timeToLive' must be positive");
		upsert(key, value, dialect().expiresAt, toMicros(timeToLive));
	}

	private static long toMicros(Duration timeToLive) {
		return Math.max(1, (timeToLive.toNanos() + 999) / 1000);
	}

	private void upsert(String key, String value, String expiresAt, @Nullable Long micros) {
		String update = "UPDATE " + this.table + " SET cache_value = ?, expires_at = " + expiresAt
				+ " WHERE cache_key = ?";
		String insert = "INSERT INTO " + this.table + " (cache_key, cache_value, expires_at) VALUES (?, ?, "
				+ expiresAt + ")";
		Object[] updateParams = (micros != null) ? new Object[] { value, micros, key } : new Object[] { value, key };
		Object[] insertParams = (micros != null) ? new Object[] { key, value, micros } : new Object[] { key, value };
		if (this.jdbc.sql(update).params(updateParams).update() > 0) {
			return;
		}
		try {
			this.jdbc.sql(insert).params(insertParams).update();
		}
		catch (DuplicateKeyException ex) {
			// Another writer inserted the row between our UPDATE and INSERT
			this.jdbc.sql(update).params(updateParams).update();
		}
	}

	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value) {
		dialect();
		return compareAndSet(key, expected, value, "NULL", null);
	}

	/**
	 * Store a value that reads as missing once the time to live has passed on the
	 * database's clock, if the key holds the expected value.
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
		return compareAndSet(key, expected, value, dialect().expiresAt, toMicros(timeToLive));
	}

	private boolean compareAndSet(String key, @Nullable String expected, String value, String expiresAt,
			@Nullable Long micros) {
		if (expected != null) {
			String update = "UPDATE " + this.table + " SET cache_value = ?, expires_at = " + expiresAt
					+ " WHERE cache_key = ? AND " + dialect().valueEquals + " AND " + LIVE;
			Object[] params = (micros != null) ? new Object[] { value, micros, key, expected }
					: new Object[] { value, key, expected };
			return this.jdbc.sql(update).params(params).update() > 0;
		}
		// A row that has expired counts as missing: take it over, as one statement
		String update = "UPDATE " + this.table + " SET cache_value = ?, expires_at = " + expiresAt
				+ " WHERE cache_key = ? AND expires_at <= " + NOW;
		Object[] updateParams = (micros != null) ? new Object[] { value, micros, key } : new Object[] { value, key };
		if (this.jdbc.sql(update).params(updateParams).update() > 0) {
			return true;
		}
		String insert = "INSERT INTO " + this.table + " (cache_key, cache_value, expires_at) VALUES (?, ?, "
				+ expiresAt + ")";
		Object[] insertParams = (micros != null) ? new Object[] { key, value, micros } : new Object[] { key, value };
		try {
			return this.jdbc.sql(insert).params(insertParams).update() > 0;
		}
		catch (DuplicateKeyException ex) {
			// The key holds a live value, or another writer inserted it first
			return false;
		}
	}

	@Override
	public boolean clearIfEquals(String key, String expected) {
		String delete = "DELETE FROM " + this.table + " WHERE cache_key = ? AND " + dialect().valueEquals + " AND "
				+ LIVE;
		return this.jdbc.sql(delete).params(key, expected).update() > 0;
	}

	@Override
	public boolean isCompareAndSetAtomic() {
		return true;
	}

	@Override
	public void clear(String key) {
		dialect();
		this.jdbc.sql("DELETE FROM " + this.table + " WHERE cache_key = ?").param(key).update();
		this.jdbc.sql("DELETE FROM " + this.memberTable + " WHERE set_key = ?").param(key).update();
	}

	@Override
	public void addMember(String key, String member) {
		dialect();
		try {
			this.jdbc.sql("INSERT INTO " + this.memberTable + " (set_key, set_member) VALUES (?, ?)")
				.params(key, member)
				.update();
		}
		catch (DuplicateKeyException ex) {
			// Already a member
		}
	}

	@Override
	public void removeMember(String key, String member) {
		dialect();
		this.jdbc.sql("DELETE FROM " + this.memberTable + " WHERE set_key = ? AND set_member = ?")
			.params(key, member)
			.update();
	}

	@Override
	public Set<String> members(String key) {
		dialect();
		return new LinkedHashSet<>(this.jdbc.sql("SELECT set_member FROM " + this.memberTable + " WHERE set_key = ?")
			.param(key)
			.query(String.class)
			.list());
	}

	private Dialect dialect() {
		Dialect dialect = this.dialect;
		if (dialect == null) {
			synchronized (this) {
				dialect = this.dialect;
				if (dialect == null) {
					dialect = Dialect.of(new JdbcTemplate(this.dataSource)
						.execute((ConnectionCallback<String>) (connection) -> connection.getMetaData()
							.getDatabaseProductName()));
					if (this.createTables) {
						createTables(dialect);
					}
					this.dialect = dialect;
				}
			}
		}
		return dialect;
	}

	private void createTables(Dialect dialect) {
		ClassPathResource script = new ClassPathResource(dialect.schemaScript, JdbcCacheProvider.class);
		try {
			String sql = StreamUtils.copyToString(script.getInputStream(), StandardCharsets.UTF_8)
				.replace(DEFAULT_TABLE_NAME, this.table);
			new ResourceDatabasePopulator(new ByteArrayResource(sql.getBytes(StandardCharsets.UTF_8)))
				.execute(this.dataSource);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + script, ex);
		}
	}

	/**
	 * What differs between the supported databases: the expiry expression (with one
	 * parameter, microseconds from now), the exact comparison of the value column with
	 * one parameter, and the schema script.
	 */
	private enum Dialect {

		H2("TIMESTAMPADD(MICROSECOND, ?, " + NOW + ")", "cache_value = ?", "schema-jdbc-h2.sql"),

		POSTGRESQL(NOW + " + CAST(? AS DOUBLE PRECISION) * INTERVAL '1 microsecond'", "cache_value = ?",
				"schema-jdbc-postgresql.sql"),

		MYSQL("TIMESTAMPADD(MICROSECOND, ?, " + NOW + ")", "CAST(cache_value AS BINARY) = CAST(? AS BINARY)",
				"schema-jdbc-mysql.sql");

		final String expiresAt;

		final String valueEquals;

		final String schemaScript;

		Dialect(String expiresAt, String valueEquals, String schemaScript) {
			this.expiresAt = expiresAt;
			this.valueEquals = valueEquals;
			this.schemaScript = schemaScript;
		}

		/**
		 * Return the dialect for a product name as told by
		 * {@link DatabaseMetaData#getDatabaseProductName()}.
		 */
		static Dialect of(@Nullable String productName) {
			String name = String.valueOf(productName).toLowerCase(Locale.ROOT);
			if (name.startsWith("h2")) {
				return H2;
			}
			if (name.startsWith("postgresql")) {
				return POSTGRESQL;
			}
			if (name.startsWith("mysql") || name.startsWith("mariadb")) {
				return MYSQL;
			}
			throw new IllegalStateException("JdbcCacheProvider supports PostgreSQL, MySQL, MariaDB and H2, not '"
					+ productName + "': declare a CacheProvider bean of your own for this database");
		}

	}

}
