package io.socketbox.spring.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs read lists every property of
 * {@link SocketBoxProperties}, each with a description, and a default unless the
 * description says what happens when it is unset.
 */
class ConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	@Test
	void metadataListsEveryPropertyWithADescription() throws Exception {
		Map<String, JsonNode> metadata = metadata();
		assertThat(metadata.keySet()).containsExactlyInAnyOrderElementsOf(propertiesOf(SocketBoxProperties.class,
				"socketbox"));
		metadata.forEach((name, property) -> assertThat(property.path("description").asString(""))
			.as("description of %s", name)
			.isNotBlank());
	}

	@Test
	void healthIndicatorSwitchIsListed() throws Exception {
		try (InputStream input = ConfigurationMetadataTests.class.getClassLoader().getResourceAsStream(METADATA)) {
			assertThat(JsonMapper.shared().readTree(input).path("properties").valueStream()
				.map((property) -> property.path("name").asString()))
				.contains("management.health.socketbox.enabled");
		}
	}

	@Test
	void everyPropertyHasADefaultOrSaysWhatUnsetMeans() throws Exception {
		metadata().forEach((name, property) -> {
			if (!property.has("defaultValue")) {
				assertThat(property.path("description").asString(""))
					.as("%s has no default, so its description must say what happens when it is unset", name)
					.containsAnyOf("When unset", "when unset", "Required", "defaults to");
			}
		});
	}

	private static Map<String, JsonNode> metadata() throws Exception {
		try (InputStream input = ConfigurationMetadataTests.class.getClassLoader().getResourceAsStream(METADATA)) {
			assertThat(input).as(METADATA).isNotNull();
			Map<String, JsonNode> properties = new HashMap<>();
			for (JsonNode property : JsonMapper.shared().readTree(input).path("properties")) {
				String name = property.path("name").asString();
				if (name.startsWith("socketbox.")) {
					properties.put(name, property);
				}
			}
			return properties;
		}
	}

	/**
	 * The property names of a properties class: its simple values, and those of its
	 * groups (the classes nested in {@link SocketBoxProperties}), recursively.
	 */
	private static Set<String> propertiesOf(Class<?> type, String prefix) {
		Set<String> names = new TreeSet<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			String name = prefix + "." + DataObjectPropertyName.toDashedForm(descriptor.getName());
			Class<?> propertyType = descriptor.getPropertyType();
			if (propertyType.getName().startsWith(SocketBoxProperties.class.getName() + "$") && !propertyType.isEnum()) {
				names.addAll(propertiesOf(propertyType, name));
			}
			else {
				names.add(name);
			}
		}
		return names;
	}

}
