package io.gatekeep.emulator;

/**
 * Ids of the seeded demo world: "Acme" fully set up (verified domain, active OktaSAML connection, linked
 * "okta scim v2.0" directory with 200 users and some groups), "Globex" mid-setup (pending domain, draft
 * connection) and "Initech" empty.
 */
public record DemoWorld(
        String acmeOrganizationId, String acmeDomainId, String acmeConnectionId, String acmeDirectoryId,
        String globexOrganizationId, String globexDomainId, String globexConnectionId,
        String initechOrganizationId) {}
