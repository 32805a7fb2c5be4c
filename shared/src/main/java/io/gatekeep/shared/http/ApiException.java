package io.gatekeep.shared.http;

/**
 * An error the API answers with {@code {"error": code, "message": message}}. Thrown anywhere in a
 * handler; {@link HttpFunction} turns it into the response.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException invalidRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    public static ApiException unauthenticated() {
        return new ApiException(401, "unauthenticated", "A valid bearer token is required.");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    /** The contract's first gate: no organization in the path or in the session, in the product's words. */
    public static ApiException organizationRequired() {
        return badRequest("organization_required", "Select an organization before continuing.");
    }

    /** The backend does not know the organization (or it was deleted). */
    public static ApiException organizationNotFound() {
        return notFound("organization_not_found", "No organization with that id.");
    }

    /** A route this function does not serve (API Gateway sends only its own; the local runner may not). */
    public static ApiException noSuchRoute() {
        return notFound("not_found", "No such route.");
    }
}
