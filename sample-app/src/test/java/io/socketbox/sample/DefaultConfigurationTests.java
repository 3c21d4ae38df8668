package io.socketbox.sample;

import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.FileSystemCacheProvider;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's own configuration: cluster mode on, the file cache even though Spring
 * Data Redis is on the class path and no Redis runs, and the idle-connection tuning off.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "socketbox.cache.file.directory=${java.io.tmpdir}/socketbox-sample-tests-${random.uuid}")
class DefaultConfigurationTests {

	@Autowired
	private SocketBoxCluster cluster;

	@Autowired
	private CacheProvider cacheProvider;

	@Autowired
	private RedisConnectionFactory redisConnectionFactory;

	@Autowired
	private ApplicationContext context;

	@Test
	void joinsAClusterThroughTheFileCache() {
		assertThat(this.redisConnectionFactory).as("Boot's unused Redis connection factory").isNotNull();
		assertThat(this.cacheProvider).isInstanceOf(FileSystemCacheProvider.class);
		assertThat(this.cluster.isEnabled()).isTrue();
		assertThat(this.cluster.getMembers()).isEmpty();
	}

	@Test
	void leavesTheIdleConnectionTuningOff() {
		assertThat(this.context.getBeanNamesForType(IdleConnectionTuning.class)).isEmpty();
	}

}
