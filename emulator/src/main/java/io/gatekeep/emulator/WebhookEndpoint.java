package io.gatekeep.emulator;

import java.util.Set;

/** A registered webhook endpoint; an empty {@code events} set means every event. */
public record WebhookEndpoint(String id, String url, String secret, Set<String> events) {}
