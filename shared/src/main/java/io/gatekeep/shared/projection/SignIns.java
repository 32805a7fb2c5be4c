package io.gatekeep.shared.projection;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.Times;
import io.gatekeep.shared.attention.Conditions;
import io.gatekeep.shared.org.ConnectionSignIns;
import io.gatekeep.shared.projection.Projection.Effect;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.gatekeep.shared.projection.Transactions.Known;
import static io.gatekeep.shared.projection.Transactions.Outcome;
import static io.gatekeep.shared.projection.Transactions.Plan;

/**
 * Sign-ins through SSO, and the organization memberships that give each one its role, as WorkOS
 * emits them (payloads from WorkOS's OpenAPI-generated SDK models, e.g. workos-kotlin
 * {@code AuthenticationSSOSucceededData}, {@code AuthenticationSSOFailedData},
 * {@code OrganizationMembershipCreatedData}; workos-node {@code AuthenticationEventResponse},
 * {@code OrganizationMembershipResponse}):
 * <ul>
 * <li>{@code authentication.sso_succeeded}: {@code data.sso.{connection_id, organization_id}},
 * {@code user_id}, {@code email}. The connection item takes it as its last success and, when the
 * user's membership has a role, as the proof of that role ({@link ConnectionSignIns#proofOf}). A
 * sign-in whose membership has not arrived yet waits on the membership item ({@code pendingSignIns}:
 * connection id -> {@code {at, email}}) and is credited when the membership brings its role.</li>
 * <li>{@code authentication.sso_failed}: the same, with {@code error.{code, message}}: the connection's
 * last failure, and one more failure in its hour's count ({@code SIGNINFAIL#{connectionId}#{hour}}, what the
 * attention condition {@code sso_sign_in_failures} reads).</li>
 * <li>{@code organization_membership.created|updated|deleted}: {@code user_id}, {@code organization_id},
 * {@code role.slug}, {@code status}, {@code directory_managed} (WorkOS sets a directory-managed
 * membership's role from the directory's groups), {@code updated_at}: the membership item
 * {@code ORGMEMBER#{orgId} / USER#{userId}}, written only when newer, a tombstone when deleted.</li>
 * </ul>
 * Every fact moves only forward in event time: a late or repeated event cannot overwrite a newer one.
 *
 * <p>DynamoDB requests ({@code shared/README.md}, budget table): a failure, one transaction (two when
 * the stored failure is newer or the connection was deleted); a success, one TransactGetItems of the
 * connection and membership items then one transaction (three when a concurrent write changed what was
 * read); a membership, one transaction (two when sign-ins were waiting for its role or it is stale,
 * three when a waiting sign-in meets a newer proof).
 */
final class SignIns {
    static final String CONNECTION = "connection";
    static final String MEMBER = "member";
    static final String FAILURES = "failureCount";
    static final String SSO_FAILED = "authentication.sso_failed";
    /** The attribute of an hour's count of failed sign-ins ({@code OrganizationView} reads it). */
    static final String FAILURE_COUNT = "failures";
    static final Duration FAILURE_COUNT_KEPT = Duration.ofDays(2);
    private static final String PENDING = "pendingSignIns";
    private static final String ROLE = "role";
    private static final String REV = "rev";
    private static final String UPDATED_AT = "updatedAt";
    private static final String DELETED = "deleted";

    private final EventItems items;
    private final Transactions transactions;
    private final String table;

    SignIns(EventItems items, Transactions transactions, String table) {
        this.items = items;
        this.transactions = transactions;
        this.table = table;
    }

    /** Who signed in through which connection of which organization; null fields are absent in the payload. */
    private record Attempt(String organizationId, String connectionId, String userId, String email, String at,
                           String code, String message) {
        static Attempt of(Projection.Event e) {
            JsonNode data = e.event().data();
            JsonNode sso = data.path("sso");
            JsonNode error = data.path("error");
            return new Attempt(WireObjects.id(sso, "organization_id", "sign-in's organization"),
                    WireObjects.id(sso, "connection_id", "sign-in's connection"),
                    WireObjects.optionalId(data, "user_id"), Json.text(data, "email"), Times.iso(e.at()),
                    Json.text(error, "code"), Json.text(error, "message"));
        }
    }

    // ---------------------------------------------------------------- authentication.sso_failed

    ApplyOutcome failed(Projection.Event e) {
        Attempt a = Attempt.of(e);
        Outcome<Effect> outcome = transactions.run(2, new Known(), known -> {
            Plan<Effect> plan = new Plan<Effect>().add(Transactions.MARKER, items.marker(e, a.organizationId()));
            Map<String, AttributeValue> seen = known.get(CONNECTION);
            Effect effect;
            if (seen != null && Attr.flag(seen, DELETED)) {
                effect = Effect.ignored(ApplyOutcome.DELETED);
            } else if (seen != null && !newer(seen, ConnectionSignIns.LAST_FAILURE, a.at())) {
                countFailure(plan, e, a); // older than the last failure, but a failure of its hour all the same
                effect = Effect.ignored(ApplyOutcome.STALE);
            } else {
                countFailure(plan, e, a);
                ItemUpdate connection = connectionUpdate(a);
                String t = connection.name(ConnectionSignIns.LAST_FAILURE + "At");
                connection.when("attribute_not_exists(" + t + ") OR " + t + " < " + connection.value(Attr.s(a.at())));
                record(connection, ConnectionSignIns.LAST_FAILURE, a, null);
                connection.set(ConnectionSignIns.LAST_FAILURE + "Code", text(a.code()))
                        .set(ConnectionSignIns.LAST_FAILURE + "Message", text(a.message()));
                plan.add(CONNECTION, connection.toTransactItem());
                effect = Effect.of(Change.UPDATED);
            }
            return plan.add("audit", items.audit(e, a.organizationId())).result(effect);
        });
        return Projection.outcome(e, a.organizationId(), outcome);
    }

    /**
     * One more failed sign-in ({@code authentication.sso_failed}) through the connection in the clock hour of the event ({@code SIGNINFAIL#{connectionId}#{hour}}
     * in the organization's partition, what {@code sso_sign_in_failures} reads), in the event's transaction: counted
     * exactly once, as the marker is written once. Kept 2 days after its hour.
     */
    private void countFailure(Plan<Effect> plan, Projection.Event e, Attempt a) {
        if (SSO_FAILED.equals(e.event().name())) { // a timed-out sign-in is not the connection failing
            plan.add(FAILURES, failureCount(a, e.at()));
        }
    }

    private TransactWriteItem failureCount(Attempt a, Instant at) {
        Instant hourStart = at.truncatedTo(ChronoUnit.HOURS);
        String hour = Conditions.hour(hourStart);
        return new ItemUpdate(table, Keys.orgPk(a.organizationId()), Keys.signInFailuresSk(a.connectionId(), hour))
                .set("connectionId", Attr.s(a.connectionId())).set("hour", Attr.s(hour))
                .set(Keys.TTL, Attr.n(hourStart.plus(FAILURE_COUNT_KEPT).getEpochSecond()))
                .add(FAILURE_COUNT, 1).toTransactItem();
    }

    // ---------------------------------------------------------------- authentication.sso_succeeded

    ApplyOutcome succeeded(Projection.Event e) {
        Attempt a = Attempt.of(e);
        Known known = new Known();
        Map<String, AttributeValue> memberKey = a.userId() == null ? null : memberKey(a.organizationId(), a.userId());
        List<Map<String, AttributeValue>> read = memberKey == null
                ? items.read(connectionKey(a))
                : items.read(connectionKey(a), memberKey);
        known.put(CONNECTION, read.get(0));
        if (memberKey != null) {
            known.put(MEMBER, read.get(1));
        }
        Outcome<Effect> outcome = transactions.run(2, known, k -> successPlan(e, a, k));
        return Projection.outcome(e, a.organizationId(), outcome);
    }

    private Plan<Effect> successPlan(Projection.Event e, Attempt a, Known known) {
        Plan<Effect> plan = new Plan<Effect>().add(Transactions.MARKER, items.marker(e, a.organizationId()));
        Map<String, AttributeValue> connection = known.get(CONNECTION);
        Map<String, AttributeValue> member = a.userId() == null ? null : known.get(MEMBER);
        if (Attr.flag(connection, DELETED)) {
            return plan.add("audit", items.audit(e, a.organizationId())).result(Effect.ignored(ApplyOutcome.DELETED));
        }
        boolean memberLive = member != null && !Attr.flag(member, DELETED);
        String role = memberLive ? Attr.str(member, ROLE) : null;
        String proof = ConnectionSignIns.proofOf(role);
        ItemUpdate update = connectionUpdate(a);
        // What the write assumes about the connection: exactly the sign-in times it read (else read again).
        boolean changes = false;
        if (newer(connection, ConnectionSignIns.LAST_SUCCESS, a.at())) {
            record(update, ConnectionSignIns.LAST_SUCCESS, a, null); // who and when: the role is the proofs'

            changes = true;
        }
        if (proof != null && newer(connection, proof, a.at())) {
            record(update, proof, a, role);
            changes = true;
        }
        if (changes) {
            update.when(unchanged(update, connection, ConnectionSignIns.LAST_SUCCESS + "At"))
                    .when(unchanged(update, connection, ConnectionSignIns.ADMIN + "At"))
                    .when(unchanged(update, connection, ConnectionSignIns.MEMBER + "At"));
            plan.add(CONNECTION, update.toTransactItem());
        }
        if (member != null && memberLive && role == null) {
            // No role known yet: the sign-in waits on the membership item for its role.
            ItemUpdate waiting = new ItemUpdate(table, Keys.orgMemberPk(a.organizationId()), Keys.userSk(a.userId()));
            Map<String, AttributeValue> pending = new LinkedHashMap<>(pending(member));
            AttributeValue earlier = pending.get(a.connectionId());
            if (earlier == null || Attr.str(earlier.m(), "at").compareTo(a.at()) < 0) {
                pending.put(a.connectionId(), AttributeValue.fromM(Map.of("at", Attr.s(a.at()), "email", text(a.email()))));
                waiting.set(PENDING, AttributeValue.fromM(pending)).add(REV, 1).when(UserRoles.revIs(waiting, member));
                plan.add(MEMBER, waiting.toTransactItem());
                changes = true;
            }
        } else if (member != null && memberLive) {
            // The role used: the membership must still be the one read.
            ItemUpdate check = new ItemUpdate(table, Keys.orgMemberPk(a.organizationId()), Keys.userSk(a.userId()));
            plan.add(MEMBER, check.when(UserRoles.revIs(check, member)).toTransactItem());
        }
        plan.add("audit", items.audit(e, a.organizationId()));
        return plan.result(changes ? Effect.of(Change.UPDATED) : Effect.ignored(ApplyOutcome.STALE));
    }

    // ---------------------------------------------------------------- organization_membership.*

    ApplyOutcome membership(Projection.Event e, boolean deleted) {
        JsonNode data = e.event().data();
        String organizationId = WireObjects.id(data, "organization_id", "membership's organization");
        String userId = WireObjects.id(data, "user_id", "membership's user");
        String version = Times.normalize(Json.text(data, "updated_at"));
        String at = version != null ? version : Times.iso(e.at());
        String role = Json.text(data.path("role"), "slug");
        Outcome<Effect> outcome = transactions.run(known -> known.get(MEMBER) == null ? 2 : 3, new Known(),
                known -> membershipPlan(e, organizationId, userId, data, at, role, deleted, known));
        return Projection.outcome(e, organizationId, outcome);
    }

    private Plan<Effect> membershipPlan(Projection.Event e, String organizationId, String userId, JsonNode data, String at,
                                        String role, boolean deleted, Known known) {
        Plan<Effect> plan = new Plan<Effect>().add(Transactions.MARKER, items.marker(e, organizationId));
        Map<String, AttributeValue> seen = known.get(MEMBER);
        ItemUpdate member = new ItemUpdate(table, Keys.orgMemberPk(organizationId), Keys.userSk(userId));
        String stored = seen == null ? null : Attr.str(seen, UPDATED_AT);
        Effect effect;
        if (seen != null && (Attr.flag(seen, DELETED) || stored != null && stored.compareTo(at) >= 0)) {
            effect = Effect.ignored(Attr.flag(seen, DELETED) ? ApplyOutcome.DELETED : ApplyOutcome.STALE);
        } else {
            String v = member.value(Attr.s(at));
            member.setTo(UPDATED_AT, v).add(REV, 1);
            if (deleted) {
                member.set(DELETED, Attr.bool(true)).remove(ROLE, PENDING);
            } else {
                member.set("membershipId", text(Json.text(data, "id"))).set("status", text(Json.text(data, "status")))
                        .set("directoryManaged", Attr.bool(data.path("directory_managed").asBoolean(false)));
                if (role != null) {
                    member.set(ROLE, Attr.s(role));
                }
            }
            Map<String, AttributeValue> pending = pending(seen);
            String proof = deleted ? null : ConnectionSignIns.proofOf(role);
            if (seen == null) {
                // The usual case assumed: no sign-in waited for this membership.
                String u = member.name(UPDATED_AT);
                member.when("attribute_not_exists(" + member.name(DELETED) + ") AND attribute_not_exists("
                        + member.name(PENDING) + ") AND (attribute_not_exists(" + u + ") OR " + u + " < " + v + ")");
            } else {
                member.when(UserRoles.revIs(member, seen));
                if (!pending.isEmpty()) {
                    member.remove(PENDING);
                }
            }
            plan.add(MEMBER, member.toTransactItem());
            if (proof != null) {
                // The sign-ins that waited for this role prove it, unless the connection holds a newer proof.
                for (var waiting : pending.entrySet()) {
                    String connectionId = waiting.getKey();
                    String signedInAt = Attr.str(waiting.getValue().m(), "at");
                    Map<String, AttributeValue> connectionSeen = known.get(CONNECTION + "#" + connectionId);
                    if (connectionSeen != null && (Attr.flag(connectionSeen, DELETED) || !newer(connectionSeen, proof, signedInAt))) {
                        continue;
                    }
                    Attempt a = new Attempt(organizationId, connectionId, userId, Attr.str(waiting.getValue().m(), "email"),
                            signedInAt, null, null);
                    ItemUpdate connection = connectionUpdate(a);
                    record(connection, proof, a, role);
                    String t = connection.name(proof + "At");
                    connection.when("attribute_not_exists(" + t + ") OR " + t + " < " + connection.value(Attr.s(signedInAt)));
                    plan.add(CONNECTION + "#" + connectionId, connection.toTransactItem());
                }
            }
            effect = Effect.of(deleted ? Change.DELETED : seen == null || seen.isEmpty() ? Change.CREATED : Change.UPDATED);
        }
        return plan.add("audit", items.audit(e, organizationId)).result(effect);
    }

    // ---------------------------------------------------------------- items

    private ItemUpdate connectionUpdate(Attempt a) {
        ItemUpdate update = new ItemUpdate(table, Keys.orgPk(a.organizationId()), Keys.connectionSk(a.connectionId()));
        return update.when("attribute_not_exists(" + update.name(DELETED) + ")");
    }

    private Map<String, AttributeValue> connectionKey(Attempt a) {
        return Attr.key(Keys.orgPk(a.organizationId()), Keys.connectionSk(a.connectionId()));
    }

    private static Map<String, AttributeValue> memberKey(String organizationId, String userId) {
        return Attr.key(Keys.orgMemberPk(organizationId), Keys.userSk(userId));
    }

    /** Sets {@code <prefix>At/Email/UserId/Role}; an absent value is removed (never a stale one kept). */
    private static void record(ItemUpdate update, String prefix, Attempt a, String role) {
        update.set(prefix + "At", Attr.s(a.at()));
        setOrRemove(update, prefix + "Email", a.email());
        setOrRemove(update, prefix + "UserId", a.userId());
        setOrRemove(update, prefix + "Role", role);
    }

    private static void setOrRemove(ItemUpdate update, String attribute, String value) {
        if (value == null) {
            update.remove(attribute);
        } else {
            update.set(attribute, Attr.s(value));
        }
    }

    private static AttributeValue text(String value) {
        return value == null ? Attr.nul() : Attr.s(value);
    }

    /** Whether a sign-in at {@code at} is newer than the one the item holds under {@code prefix}. */
    private static boolean newer(Map<String, AttributeValue> item, String prefix, String at) {
        String stored = item == null ? null : Attr.str(item, prefix + "At");
        return stored == null || stored.compareTo(at) < 0;
    }

    /** The condition "this attribute is as it was read". */
    private static String unchanged(ItemUpdate update, Map<String, AttributeValue> seen, String attribute) {
        String name = update.name(attribute);
        String value = Attr.str(seen, attribute);
        return value == null ? "attribute_not_exists(" + name + ")" : name + " = " + update.value(Attr.s(value));
    }

    private static Map<String, AttributeValue> pending(Map<String, AttributeValue> member) {
        AttributeValue pending = member == null ? null : member.get(PENDING);
        return pending != null && pending.hasM() ? pending.m() : Map.of();
    }
}
