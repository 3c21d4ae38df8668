package io.socketbox.spring.autoconfigure;

import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.FileSystemCacheProvider;
import io.socketbox.spring.cache.InMemoryCacheProvider;
import io.socketbox.spring.cache.RedisCacheProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One configuration per {@link CacheType}, imported in the order of auto-detection: a
 * user's {@link CacheProvider} bean wins, then Redis when a connection factory exists,
 * then the file system.
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

}
