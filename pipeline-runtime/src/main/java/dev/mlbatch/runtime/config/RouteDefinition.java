package dev.mlbatch.runtime.config;

/** A named route condition: {@code - route_name: '<expression>'}. */
public record RouteDefinition(String name, String condition) {
}
