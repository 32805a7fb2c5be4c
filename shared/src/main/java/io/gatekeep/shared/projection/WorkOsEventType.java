package io.gatekeep.shared.projection;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The WorkOS event types Gatekeep handles, written once. The projection dispatches on them
 * ({@link Projection#apply}: a switch with no default, so the compiler asks for each one), the audit
 * log words them ({@link Summaries}, likewise), reconcile and the sweep ask the Events API for
 * {@link #NAMES}, and the tests hold the emulator to emitting every one. Any other WorkOS event is
 * recorded in the audit log only ({@code ignored: unknown_event}).
 *
 * <p>Each is a WorkOS event of the catalogue ({@code catalogue/}: {@code workos-catalogue.json}, from
 * WorkOS's OpenAPI spec and SDKs) whose {@code data} is the object named here (null: not an API
 * object, e.g. a membership change's {@code {directory_id, user, group}}); {@code WorkOsEventTypeTest}
 * holds both to the catalogue. Adding one: shared/README.md, "Adding an event type".
 */
public enum WorkOsEventType {
    ORGANIZATION_CREATED("organization.created", "organization"),
    ORGANIZATION_UPDATED("organization.updated", "organization"),
    ORGANIZATION_DELETED("organization.deleted", "organization"),
    ORGANIZATION_DOMAIN_CREATED("organization_domain.created", "organization_domain"),
    ORGANIZATION_DOMAIN_UPDATED("organization_domain.updated", "organization_domain"),
    ORGANIZATION_DOMAIN_VERIFIED("organization_domain.verified", "organization_domain"),
    ORGANIZATION_DOMAIN_VERIFICATION_FAILED("organization_domain.verification_failed", null),
    ORGANIZATION_DOMAIN_DELETED("organization_domain.deleted", "organization_domain"),
    CONNECTION_ACTIVATED("connection.activated", "connection"),
    CONNECTION_DEACTIVATED("connection.deactivated", "connection"),
    CONNECTION_DELETED("connection.deleted", "connection"),
    CONNECTION_SAML_CERTIFICATE_RENEWAL_REQUIRED("connection.saml_certificate_renewal_required", null),
    CONNECTION_SAML_CERTIFICATE_RENEWED("connection.saml_certificate_renewed", null),
    DSYNC_ACTIVATED("dsync.activated", "directory"),
    DSYNC_DELETED("dsync.deleted", "directory"),
    DSYNC_USER_CREATED("dsync.user.created", "directory_user"),
    DSYNC_USER_UPDATED("dsync.user.updated", "directory_user"),
    DSYNC_USER_DELETED("dsync.user.deleted", "directory_user"),
    DSYNC_GROUP_CREATED("dsync.group.created", "directory_group"),
    DSYNC_GROUP_UPDATED("dsync.group.updated", "directory_group"),
    DSYNC_GROUP_DELETED("dsync.group.deleted", "directory_group"),
    DSYNC_GROUP_USER_ADDED("dsync.group.user_added", null),
    DSYNC_GROUP_USER_REMOVED("dsync.group.user_removed", null),
    AUTHENTICATION_SSO_SUCCEEDED("authentication.sso_succeeded", null),
    AUTHENTICATION_SSO_FAILED("authentication.sso_failed", null),
    AUTHENTICATION_SSO_TIMED_OUT("authentication.sso_timed_out", null),
    ORGANIZATION_MEMBERSHIP_CREATED("organization_membership.created", "organization_membership"),
    ORGANIZATION_MEMBERSHIP_UPDATED("organization_membership.updated", "organization_membership"),
    ORGANIZATION_MEMBERSHIP_DELETED("organization_membership.deleted", "organization_membership");

    /** Every handled event's WorkOS name, in declaration order: what reconcile and the sweep ask the Events API for. */
    public static final List<String> NAMES = Arrays.stream(values()).map(WorkOsEventType::wireName).toList();

    private static final Map<String, WorkOsEventType> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(WorkOsEventType::wireName, Function.identity()));

    private final String wireName;
    private final String object;

    WorkOsEventType(String wireName, String object) {
        this.wireName = wireName;
        this.object = object;
    }

    /** WorkOS's name of the event ({@code dsync.user.created}). */
    public String wireName() {
        return wireName;
    }

    /** The WorkOS object its {@code data} is ({@code directory_user}), or null when it is not an API object. */
    public String object() {
        return object;
    }

    /** The handled type of this WorkOS event name, or null when Gatekeep does not handle it. */
    public static WorkOsEventType of(String wireName) {
        return wireName == null ? null : BY_NAME.get(wireName);
    }
}
