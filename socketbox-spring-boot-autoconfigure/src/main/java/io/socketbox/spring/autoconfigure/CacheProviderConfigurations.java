package io.socketbox.spring.autoconfigure;

import javax.sql.DataSource;

import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.FileSystemCacheProvider;
import io.socketbox.spring.cache.InMemoryCacheProvider;
import io.socketbox.spring.cache.JdbcCacheProvider;
import io.socketbox.spring.cache.RedisCacheProvider;
import io.socketbox.spring.cache.SpringCacheProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One configuration per {@link CacheType}, imported in the order of auto-detection: a
 * user's {@link CacheProvider} bean wins, then Redis when a connection factory exists,
 * then the file system. JDBC and Spring caches are never auto-detected, so that an
 * application with a database or a cache manager keeps its Redis or file cache.
 */
final class CacheProviderConfigurations {

	private CacheProviderConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(StringRedisTemplate.class)
	@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
	@ConditionalOnMissingBean(CacheProvider.class)
	@ConditionalOnProperty(name = "socketbox.cache.type", havingValue = "redis", matchIfMissing = true)
	static class RedisCacheProviderConfiguration {

		@Bean
		RedisCacheProvider socketBoxCacheProvider(RedisConnectionFactory connectionFactory,
				ObjectProvider<StringRedisTemplate> template) {
			return new RedisCacheProvider(template.getIfUnique(() -> new StringRedisTemplate(connectionFactory)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(CacheProvider.class)
	@ConditionalOnProperty(name = "socketbox.cache.type", havingValue = "file", matchIfMissing = true)
	static class FileCacheProviderConfiguration {

		@Bean
		FileSystemCacheProvider socketBoxCacheProvider(SocketBoxProperties properties) {
			return new FileSystemCacheProvider(properties.getCache().getFile().getDirectory());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(CacheProvider.class)
	@ConditionalOnProperty(name = "socketbox.cache.type", havingValue = "memory")
	static class MemoryCacheProviderConfiguration {

		@Bean
		InMemoryCacheProvider socketBoxCacheProvider() {
			return new InMemoryCacheProvider();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcClient.class)
	@ConditionalOnSingleCandidate(DataSource.class)
	@ConditionalOnMissingBean(CacheProvider.class)
	@ConditionalOnProperty(name = "socketbox.cache.type", havingValue = "jdbc")
	static class JdbcCacheProviderConfiguration {

		@Bean
		JdbcCacheProvider socketBoxCacheProvider(DataSource dataSource, SocketBoxProperties properties) {
			SocketBoxProperties.Cache.Jdbc jdbc = properties.getCache().getJdbc();
			return new JdbcCacheProvider(dataSource, jdbc.getTableName(), jdbc.isCreateTables());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(CacheManager.class)
	@ConditionalOnMissingBean(CacheProvider.class)
	@ConditionalOnProperty(name = "socketbox.cache.type", havingValue = "spring")
	static class SpringCacheProviderConfiguration {

		@Bean
		SpringCacheProvider socketBoxCacheProvider(CacheManager cacheManager, SocketBoxProperties properties) {
			String name = properties.getCache().getSpring().getCacheName();
			Cache cache = cacheManager.getCache(name);
			if (cache == null) {
				throw new InvalidConfigurationPropertyValueException("socketbox.cache.spring.cache-name", name,
						"The CacheManager has no cache named '" + name + "': add it to spring.cache.cache-names "
								+ "or set socketbox.cache.spring.cache-name to one of " + cacheManager.getCacheNames());
			}
			return new SpringCacheProvider(cache);
		}

	}

}
