package io.gatekeep.shared.http;

/** The one error shape of the whole API. */
public record ErrorBody(String error, String message) {}
