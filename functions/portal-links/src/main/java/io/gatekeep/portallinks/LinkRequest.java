package io.gatekeep.portallinks;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.http.ApiException;

/**
 * The body of {@code POST /organizations/{organizationId}/portal-links}:
 * {@code {"intent": "...", "returnUrl"?: "...", "successUrl"?: "..."}}. Checked in that order; each
 * error names its field. Unknown fields are ignored; a JSON null counts as absent.
 */
public record LinkRequest(Intent intent, String returnUrl, String successUrl) {

    public static LinkRequest parse(JsonNode body, RedirectUrls redirects) {
        JsonNode intentNode = body.get("intent");
        Intent intent = intentNode != null && intentNode.isTextual()
                ? Intent.of(intentNode.asText()).orElse(null)
                : null;
        if (intent == null) {
            throw ApiException.badRequest("invalid_intent", "intent must be one of: " + Intent.wireNames() + ".");
        }
        return new LinkRequest(intent, url(body, "returnUrl", redirects), url(body, "successUrl", redirects));
    }

    private static String url(JsonNode body, String field, RedirectUrls redirects) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !redirects.allows(node.asText())) {
            throw ApiException.badRequest("invalid_url",
                    field + " must be an https URL (http only on localhost) on an allowed host.");
        }
        return node.asText();
    }
}
