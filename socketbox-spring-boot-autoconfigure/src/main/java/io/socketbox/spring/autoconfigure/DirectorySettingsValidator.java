package io.socketbox.spring.autoconfigure;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Checks that what one connection may publish in the directory fits a peer frame, with
 * room for its ids and for escaping; otherwise its entry could never be replicated.
 */
final class DirectorySettingsValidator {

	private DirectorySettingsValidator() {
	}

	static void validate(SocketBoxProperties properties) {
		DataSize max = properties.getDirectory().getMaxAttributesSize();
		long frame = properties.getCluster().getMaxFrameSize().toBytes();
		if (max.toBytes() < 0 || max.toBytes() > frame / 4) {
			throw new InvalidConfigurationPropertyValueException("socketbox.directory.max-attributes-size", max,
					"Set socketbox.directory.max-attributes-size to at most a quarter of socketbox.cluster.max-frame-size ("
							+ (frame / 4) + " bytes), or raise the frame size");
		}
	}

	static long maxAttributesSize(SocketBoxProperties properties) {
		validate(properties);
		return properties.getDirectory().getMaxAttributesSize().toBytes();
	}

}
