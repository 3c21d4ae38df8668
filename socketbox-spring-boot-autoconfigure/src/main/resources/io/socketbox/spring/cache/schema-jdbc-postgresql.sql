-- Tables of JdbcCacheProvider on PostgreSQL. The provider runs this script itself
-- (unless told not to), with socketbox_cache replaced by its table name.
-- expires_at holds an instant on the database's clock: NULL for a value that never expires.
CREATE TABLE IF NOT EXISTS socketbox_cache (
	cache_key VARCHAR(255) NOT NULL PRIMARY KEY,
	cache_value TEXT NOT NULL,
	expires_at TIMESTAMP(3) WITH TIME ZONE
);

CREATE TABLE IF NOT EXISTS socketbox_cache_member (
	set_key VARCHAR(255) NOT NULL,
	set_member VARCHAR(255) NOT NULL,
	PRIMARY KEY (set_key, set_member)
);
