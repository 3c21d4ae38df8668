package io.socketbox.spring.internal.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A call of a cluster operation on the wire: {@code {"operation":"name","args":[...]}}.
 * Fields are nullable because they come from another node and are checked on use.
 *
 * @param operation the operation's name
 * @param args the arguments, a JSON array
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
record RpcRequest(@Nullable String operation, @Nullable JsonNode args) {

}
