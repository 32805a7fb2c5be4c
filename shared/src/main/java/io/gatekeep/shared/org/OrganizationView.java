package io.gatekeep.shared.org;

import io.gatekeep.shared.attention.AttentionItem;
import io.gatekeep.shared.attention.AttentionState;
import io.gatekeep.shared.projection.RoleMapping;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the dashboard and the portal-link gates know about one organization, read with one
 * Query of its partition (a second page only if the partition passes 1 MB). Tombstones are
 * read but left out: a deleted object is not part of the organization any more. A directory's
 * counters are the sum of its item and its counter shards ({@code DIRCOUNT#}, written when the
 * directory is hot: see the projection's DirectoryShards), its last sync the latest of them.
 */
public record OrganizationView(
        Organization organization,
        List<Domain> domains,
        List<Connection> connections,
        List<Directory> directories,
        RoleMapping roleMapping,
        AttentionState attention) {

    /** Without attention items. */
    public OrganizationView(Organization organization, List<Domain> domains, List<Connection> connections,
                            List<Directory> directories, RoleMapping roleMapping) {
        this(organization, domains, connections, directories, roleMapping, AttentionState.NONE);
    }

    /** The same organization with other attention items (what a refresh leaves). */
    public OrganizationView withAttention(List<AttentionItem> items) {
        return new OrganizationView(organization, domains, connections, directories, roleMapping, attention.withItems(items));
    }

    /** Without a stored role mapping (every directory user is a member). */
    public OrganizationView(Organization organization, List<Domain> domains, List<Connection> connections,
                            List<Directory> directories) {
        this(organization, domains, connections, directories, RoleMapping.NONE);
    }

    /**
     * {@code entitlements}: what the vendor's plan includes (old items' single flag read as both, see {@link Entitlements});
     * {@code checkedAt}: when WorkOS's state of the organization was last confirmed (a refresh, the sweep, a reconcile).
     */
    public record Organization(String id, String name, List<String> itContacts, Entitlements entitlements,
                               String createdAt, String updatedAt, String eventsCursor, String checkedAt) {
        public Organization(String id, String name, List<String> itContacts, Entitlements entitlements,
                            String createdAt, String updatedAt, String eventsCursor) {
            this(id, name, itContacts, entitlements, createdAt, updatedAt, eventsCursor, null);
        }
    }

    public record Domain(String id, String domain, String state, String verificationStrategy, String updatedAt) {
        /** WorkOS has two verified states: {@code verified} and {@code legacy_verified} (verified before
         * WorkOS's current verification flow); both open the domain gate. */
        public boolean verified() {
            return "verified".equals(state) || "legacy_verified".equals(state);
        }
    }

    /** {@code signIns}: what the sign-in events through it left ({@link ConnectionSignIns}). */
    public record Connection(String id, String name, String connectionType, String state, String createdAt,
                             String updatedAt, String certificateExpiresAt, boolean certificateRenewalRequired,
                             ConnectionSignIns signIns) {
        public Connection(String id, String name, String connectionType, String state, String createdAt,
                          String updatedAt, String certificateExpiresAt, boolean certificateRenewalRequired) {
            this(id, name, connectionType, state, createdAt, updatedAt, certificateExpiresAt, certificateRenewalRequired,
                    ConnectionSignIns.NONE);
        }

        public boolean active() {
            return "active".equals(state);
        }
    }

    /** {@code roleCounts}: live users per stored role (not the default role's: see {@link RoleMapping#counts}). */
    public record Directory(String id, String name, String directoryType, String state, String domain,
                            String createdAt, String updatedAt, String lastSyncAt, long userCount, long groupCount,
                            Map<String, Long> roleCounts) {
        public Directory(String id, String name, String directoryType, String state, String domain,
                         String createdAt, String updatedAt, String lastSyncAt, long userCount, long groupCount) {
            this(id, name, directoryType, state, domain, createdAt, updatedAt, lastSyncAt, userCount, groupCount, Map.of());
        }

        public boolean linked() {
            return "linked".equals(state);
        }

        /**
         * This directory with the counters of a shard added (users, groups, users per role) and the later
         * of the two last syncs: a hot directory's counts are spread over its item and its counter shards.
         */
        Directory plusCounters(Directory shard) {
            Map<String, Long> roles = new java.util.TreeMap<>(roleCounts);
            shard.roleCounts.forEach((role, n) -> roles.merge(role, n, Long::sum));
            String sync = lastSyncAt == null || (shard.lastSyncAt != null && shard.lastSyncAt.compareTo(lastSyncAt) > 0)
                    ? shard.lastSyncAt : lastSyncAt;
            return new Directory(id, name, directoryType, state, domain, createdAt, updatedAt, sync,
                    userCount + shard.userCount, groupCount + shard.groupCount, roles);
        }
    }

    /**
     * Setup under way where WorkOS sends no event for the next step: a connection in draft,
     * validating or requires_type, a domain pending or unverified, or any directory (WorkOS sends no
     * event when one goes validating, invalid_credentials or unlinked, so every directory is watched).
     * The sweep refreshes these organizations from WorkOS's lists.
     */
    public boolean needsWatching() {
        return connections.stream().anyMatch(c -> SETUP_CONNECTION_STATES.contains(c.state()))
                || domains.stream().anyMatch(d -> "pending".equals(d.state()) || "unverified".equals(d.state()))
                || !directories.isEmpty();
    }

    private static final java.util.Set<String> SETUP_CONNECTION_STATES = java.util.Set.of("draft", "validating", "requires_type");

    /** The organization's partition, or empty when the backend does not know it (or it was deleted). */
    public static Optional<OrganizationView> load(DynamoDbClient dynamo, String table, String organizationId) {
        Organization organization = null;
        List<Domain> domains = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        List<Directory> directories = new ArrayList<>();
        Map<String, Directory> shards = new java.util.HashMap<>(); // a hot directory's counter shards, summed
        RoleMapping roleMapping = RoleMapping.NONE;
        List<AttentionItem> attention = new ArrayList<>();
        String attentionDueAt = null;
        List<AttentionState.SignInFailures> signInFailures = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.orgPk(organizationId))))
                    .exclusiveStartKey(startKey)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (Attr.flag(item, "deleted")) {
                    continue;
                }
                String sk = Attr.str(item, Keys.SK);
                if (sk.equals(Keys.ROLE_MAP_SK)) {
                    roleMapping = RoleMapping.fromItem(item);
                } else if (sk.equals(Keys.ORG_SK)) {
                    organization = new Organization(organizationId, Attr.str(item, "name"),
                            Attr.strList(item, "itContacts"), Entitlements.fromItem(item),
                            Attr.str(item, "createdAt"), Attr.str(item, "updatedAt"), Attr.str(item, "eventsCursor"),
                            Attr.str(item, "checkedAt"));
                } else if (sk.startsWith(Keys.ATTENTION_PREFIX)) {
                    attention.add(AttentionItem.fromItem(organizationId, item));
                } else if (sk.equals(Keys.ATTENTION_DUE)) {
                    attentionDueAt = Attr.str(item, "dueAt");
                } else if (sk.startsWith(Keys.SIGN_IN_FAILURES_PREFIX)) {
                    signInFailures.add(new AttentionState.SignInFailures(Attr.str(item, "connectionId"), Attr.str(item, "hour"),
                            Attr.num(item, "failures", 0)));
                } else if (sk.startsWith(Keys.DOMAIN_PREFIX)) {
                    domains.add(new Domain(sk.substring(Keys.DOMAIN_PREFIX.length()), Attr.str(item, "domain"),
                            Attr.str(item, "state"), Attr.str(item, "verificationStrategy"), Attr.str(item, "updatedAt")));
                } else if (sk.startsWith(Keys.CONNECTION_PREFIX)) {
                    if (Attr.str(item, "state") == null) {
                        continue; // only certificate facts arrived so far: not a connection yet
                    }
                    connections.add(new Connection(sk.substring(Keys.CONNECTION_PREFIX.length()), Attr.str(item, "name"),
                            Attr.str(item, "connectionType"), Attr.str(item, "state"), Attr.str(item, "createdAt"),
                            Attr.str(item, "updatedAt"), Attr.str(item, "certificateExpiresAt"),
                            Attr.flag(item, "certificateRenewalRequired"), ConnectionSignIns.fromItem(item)));
                } else if (sk.startsWith(Keys.DIRECTORY_SHARD_PREFIX)) {
                    String id = Keys.directoryOfShard(sk);
                    Directory counted = new Directory(id, null, null, null, null, null, null, Attr.str(item, "lastSyncAt"),
                            Attr.num(item, "userCount", 0), Attr.num(item, "groupCount", 0), roleCounts(item));
                    shards.merge(id, counted, Directory::plusCounters);
                } else if (sk.startsWith(Keys.DIRECTORY_PREFIX)) {
                    if (Attr.str(item, "state") == null) {
                        continue; // counters arrived before the directory itself: not a directory yet
                    }
                    directories.add(new Directory(sk.substring(Keys.DIRECTORY_PREFIX.length()), Attr.str(item, "name"),
                            Attr.str(item, "directoryType"), Attr.str(item, "state"), Attr.str(item, "domain"),
                            Attr.str(item, "createdAt"), Attr.str(item, "updatedAt"), Attr.str(item, "lastSyncAt"),
                            Attr.num(item, "userCount", 0), Attr.num(item, "groupCount", 0), roleCounts(item)));
                }
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        if (organization == null) {
            return Optional.empty();
        }
        if (!shards.isEmpty()) {
            directories.replaceAll(d -> shards.containsKey(d.id()) ? d.plusCounters(shards.get(d.id())) : d);
        }
        Comparator<Connection> byCreated = Comparator.comparing(c -> c.createdAt() == null ? "" : c.createdAt());
        connections.sort(byCreated.thenComparing(Connection::id));
        directories.sort(Comparator.comparing((Directory d) -> d.createdAt() == null ? "" : d.createdAt()).thenComparing(Directory::id));
        return Optional.of(new OrganizationView(organization, List.copyOf(domains), List.copyOf(connections),
                List.copyOf(directories), roleMapping, new AttentionState(attention, attentionDueAt, signInFailures)));
    }

    /** A directory item's role counters ({@code roleCount#<role>}). */
    private static Map<String, Long> roleCounts(Map<String, AttributeValue> item) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        item.forEach((name, value) -> {
            if (name.startsWith(ROLE_COUNT_PREFIX) && value.n() != null) {
                counts.put(name.substring(ROLE_COUNT_PREFIX.length()), Long.parseLong(value.n()));
            }
        });
        return counts;
    }

    private static final String ROLE_COUNT_PREFIX = "roleCount#";

    /**
     * Live directory users per role over the organization's live directories, highest privilege
     * first (the mapping's roles with 0 when nobody has them): from the directories' counters, never
     * from the users.
     */
    public Map<String, Long> roleCounts() {
        Map<String, Long> stored = new java.util.HashMap<>();
        long users = 0;
        for (Directory d : directories) {
            users += d.userCount();
            d.roleCounts().forEach((role, n) -> stored.merge(role, n, Long::sum));
        }
        return roleMapping.counts(users, stored);
    }

    /** The open attention items, oldest first. */
    public List<AttentionItem> openAttention() {
        return AttentionItem.openOnes(attention.items());
    }

    public boolean hasVerifiedDomain() {
        return domains.stream().anyMatch(Domain::verified);
    }

    public boolean hasItContact() {
        return !organization.itContacts().isEmpty();
    }

    /**
     * The primary connection: the active one; if several are active, the oldest (by creation, then
     * id) — the one that has carried sign-ins longest. With none active, the oldest connection, so
     * the dashboard can show what setup to continue.
     */
    public Optional<Connection> primaryConnection() {
        return connections.stream().filter(Connection::active).findFirst()
                .or(() -> connections.stream().findFirst());
    }

    /**
     * The primary directory: the linked one; if several are linked, the oldest (by creation, then
     * id). With none linked, the oldest directory, so the dashboard can show what to fix.
     */
    public Optional<Directory> primaryDirectory() {
        return directories.stream().filter(Directory::linked).findFirst()
                .or(() -> directories.stream().findFirst());
    }

    /**
     * Where SSO setup stands, the one answer health ({@code setupAction}) and portal links
     * ({@code action}) give: "Configure SSO" when no connection exists, "Continue SSO setup" when one
     * exists but none is active, {@code manage} once one is active.
     */
    public SetupAction ssoSetupAction() {
        if (connections.isEmpty()) {
            return SetupAction.CONFIGURE;
        }
        return connections.stream().anyMatch(Connection::active) ? SetupAction.MANAGE : SetupAction.CONTINUE;
    }

    /** Directory Sync likewise: configure (no directory), continue (none linked yet), manage (one is linked). */
    public SetupAction directorySyncSetupAction() {
        if (directories.isEmpty()) {
            return SetupAction.CONFIGURE;
        }
        return directories.stream().anyMatch(Directory::linked) ? SetupAction.MANAGE : SetupAction.CONTINUE;
    }

    /** Domains likewise: configure (none), continue (none verified yet), manage (one is verified). */
    public SetupAction domainSetupAction() {
        if (domains.isEmpty()) {
            return SetupAction.CONFIGURE;
        }
        return hasVerifiedDomain() ? SetupAction.MANAGE : SetupAction.CONTINUE;
    }

    /** {@code manage}: that setup is complete; the portal opens to look after it, not to set it up. */
    public enum SetupAction {
        CONFIGURE, CONTINUE, MANAGE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
