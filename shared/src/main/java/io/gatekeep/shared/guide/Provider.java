package io.gatekeep.shared.guide;

import java.util.List;

/**
 * One row of the troubleshooting guide's provider table: a provider, the kind of integration its
 * guide covers ({@code SAML}, {@code OIDC}, {@code SCIM}, {@code Directory}, {@code OAuth},
 * {@code General}, and Auth0's {@code Enterprise}, as the guide words them), the guide's URL, and
 * the WorkOS {@code connection_type} and directory {@code type} values that guide is for.
 * Field names are the wire names of {@code GET /providers}.
 */
public record Provider(String name, String type, String docUrl, List<String> connectionTypes, List<String> directoryTypes) {
    public Provider {
        connectionTypes = connectionTypes == null ? List.of() : List.copyOf(connectionTypes);
        directoryTypes = directoryTypes == null ? List.of() : List.copyOf(directoryTypes);
    }
}
