package io.socketbox.spring.internal.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The reply to an {@link RpcRequest} on the wire: {@code {"status":"OK","value":...}},
 * {@code {"status":"FAILED","error":"..."}} or
 * {@code {"status":"UNKNOWN_OPERATION","error":"..."}}. Only the node that called knows
 * of timeouts and unreachable nodes, so those never cross the wire.
 *
 * @param status {@code OK}, {@code FAILED} or {@code UNKNOWN_OPERATION}
 * @param value the operation's return value, when OK
 * @param error why there is no value, otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
record RpcResponse(@Nullable String status, @Nullable JsonNode value, @Nullable String error) {

}
