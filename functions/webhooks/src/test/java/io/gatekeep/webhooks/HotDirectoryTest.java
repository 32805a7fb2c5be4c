package io.gatekeep.webhooks;

import io.gatekeep.localaws.LocalContext;
import io.gatekeep.shared.org.OrganizationView;
import io.gatekeep.shared.projection.RoleMappings;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import io.gatekeep.testsupport.ConflictFaithfulDynamo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.gatekeep.webhooks.OrderingTest.DIR;
import static io.gatekeep.webhooks.OrderingTest.ORG;
import static io.gatekeep.webhooks.OrderingTest.at;
import static io.gatekeep.webhooks.OrderingTest.group;
import static io.gatekeep.webhooks.OrderingTest.membership;
import static io.gatekeep.webhooks.OrderingTest.user;
import static io.gatekeep.webhooks.RoleDerivationTest.ADMINS;
import static io.gatekeep.webhooks.RoleDerivationTest.ENGINEERING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer that meets a transaction conflict on its organization's directory item (ConflictFaithfulDynamo:
 * another transaction holds it) moves that organization's writes to its counter shard and the role
 * mapping's copy; everything the projection promises still holds there: exact counts and last sync as
 * health reads them, roles through the mapping copy, a deleted group joining no user, a deleted directory
 * taking no user. Setup events go straight to DynamoDB Local; the hot writer is one handler on this thread.
 */
class HotDirectoryTest {
    private final WebhookFixture webhooks = new WebhookFixture();
    private final ConflictFaithfulDynamo faithful = new ConflictFaithfulDynamo(webhooks.dynamo, Duration.ofSeconds(2));
    private final WebhookHandler hot = new WebhookHandler(WebhookFixture.config(webhooks.table, WebhookFixture.SECRET),
            faithful, Clock.systemUTC());
    private int second = 100;
    private int eventNumber;

    @BeforeEach
    void organizationWithADirectoryGroupsAndAMapping() {
        assertEquals(200, webhooks.deliver(Payloads.event("organization.created").id("ev_h_org").at(at(1)).data("id", ORG)
                .data("updated_at", at(1))).status());
        assertEquals(200, webhooks.deliver(Payloads.event("dsync.activated").id("ev_h_dir").at(at(2)).data("id", DIR)
                .data("organization_id", ORG).data("updated_at", at(2))).status());
        for (String g : List.of(ADMINS, ENGINEERING)) {
            assertEquals(200, webhooks.deliver(group("dsync.group.created", "ev_h_" + g, g, 3)).status());
        }
        RoleDerivationTest.save(webhooks, Map.of(ADMINS, "admin"), "member");
    }

    private String hotDeliver(Payloads payload) {
        String body = payload.json();
        var response = hot.handleRequest(WebhookFixture.request(body, WebhookFixture.sign(body)), LocalContext.of("webhooks"));
        assertEquals(200, response.getStatusCode(), response.getBody());
        return io.gatekeep.shared.Json.text(io.gatekeep.shared.Json.parse(response.getBody()), "status");
    }

    private String next() {
        return "ev_hot_" + (++eventNumber);
    }

    /** Another transaction in flight on the directory item for the next two seconds. */
    private Thread holdDirectoryItem() {
        Thread holder = new Thread(() -> faithful.transactWriteItems(r -> r.transactItems(TransactWriteItem.builder()
                .conditionCheck(ConditionCheck.builder().tableName(webhooks.table)
                        .key(Attr.key(Keys.orgPk(ORG), Keys.directorySk(DIR))).conditionExpression("attribute_exists(pk)").build())
                .build())));
        holder.start();
        while (faithful.itemsHeld() == 0) {
            Thread.onSpinWait();
        }
        return holder;
    }

    private List<Map<String, AttributeValue>> shards() {
        return webhooks.partition(Keys.orgPk(ORG)).stream()
                .filter(i -> Attr.str(i, Keys.SK).startsWith(Keys.DIRECTORY_SHARD_PREFIX)).toList();
    }

    private OrganizationView.Directory health() {
        return OrganizationView.load(webhooks.dynamo, webhooks.table, ORG).orElseThrow().directories().getFirst();
    }

    private Set<String> groups(String userId) {
        return new TreeSet<>(Attr.strList(webhooks.item(Keys.directoryPk(DIR), Keys.userSk(userId)), "groups"));
    }

    @Test
    void afterAConflictTheWriterUsesItsShardAndHealthReadsTheSameCounts() throws Exception {
        Thread holder = holdDirectoryItem();
        assertEquals("applied", hotDeliver(user("dsync.user.created", next(), "directory_user_h1", ++second, "One")));
        holder.join();
        assertEquals(1, faithful.conflicts().transactionsCancelled(), "the first attempt met the held directory item");
        assertEquals(0, WebhookFixture.n(webhooks.item(Keys.orgPk(ORG), Keys.directorySk(DIR)), "userCount"),
                "the retry did not write the directory item");
        assertEquals(1, shards().size(), "it wrote one counter shard");
        assertEquals(1, Attr.num(shards().getFirst(), "userCount", 0));

        assertEquals("applied", hotDeliver(user("dsync.user.created", next(), "directory_user_h2", ++second, "Two")));
        assertEquals("applied", hotDeliver(membership(true, next(), "directory_user_h1", ADMINS, ++second)));
        assertEquals("applied", hotDeliver(membership(true, next(), "directory_user_h2", ENGINEERING, ++second)));
        assertEquals(1, shards().size(), "the writer stays on its shard");
        assertEquals(1, faithful.conflicts().transactionsCancelled());
        OrganizationView.Directory directory = health();
        assertEquals(2, directory.userCount());
        assertEquals(2, directory.groupCount(), "the groups counted on the directory item before, summed with the shard");
        assertEquals(at(second), directory.lastSyncAt(), "the latest of the item's and the shard's");
        assertEquals("admin", Attr.str(webhooks.item(Keys.directoryPk(DIR), Keys.userSk("directory_user_h1")), "role"),
                "a mapped group's membership derived the role through the mapping's copy");
        assertEquals(Map.of("admin", 1L, "member", 1L),
                OrganizationView.load(webhooks.dynamo, webhooks.table, ORG).orElseThrow().roleCounts());

        // a deleted group: every shard learns it, and a later membership of it joins no user's groups
        assertEquals("applied", hotDeliver(group("dsync.group.deleted", next(), ENGINEERING, ++second)));
        assertEquals(32, shards().size());
        assertTrue(shards().stream().allMatch(s -> Attr.strList(s, "deadGroups").contains(ENGINEERING)));
        assertEquals(1, health().groupCount());
        hotDeliver(membership(true, next(), "directory_user_h1", ENGINEERING, ++second));
        assertEquals(Set.of(ADMINS), groups("directory_user_h1"));

        // a deleted directory: its shards are tombstoned with it, and a late user is not written into it
        assertEquals("applied", hotDeliver(Payloads.event("dsync.deleted").id(next()).at(at(++second)).data("id", DIR)
                .data("organization_id", ORG).data("updated_at", at(second))));
        assertTrue(shards().stream().allMatch(s -> Attr.flag(s, "deleted")));
        assertEquals("ignored", hotDeliver(user("dsync.user.created", next(), "directory_user_h3", ++second, "Late")));
        assertEquals(null, webhooks.item(Keys.directoryPk(DIR), Keys.userSk("directory_user_h3")));
        assertTrue(OrganizationView.load(webhooks.dynamo, webhooks.table, ORG).orElseThrow().directories().isEmpty());
    }

    @Test
    void aMappingSavedBeforeItsCopiesExistedGetsThemFromRoleJobs() {
        RoleMappings mappings = new RoleMappings(webhooks.dynamo, webhooks.table, Clock.systemUTC());
        var copy = Keys.roleMapCopyKey(ORG, 7);
        Map<String, AttributeValue> saved = webhooks.item(Keys.orgPk(ORG), Keys.ROLE_MAP_SK);
        assertEquals(Attr.num(saved, "version", 0), Attr.num(webhooks.item(Attr.str(copy, Keys.PK), Attr.str(copy, Keys.SK)), "version", -1),
                "a save writes the copies with the mapping");
        for (int k = 1; k <= 32; k++) {
            var key = Keys.roleMapCopyKey(ORG, k);
            webhooks.dynamo.deleteItem(r -> r.tableName(webhooks.table).key(key));
        }
        assertTrue(mappings.writeCopies(ORG));
        for (int k = 1; k <= 32; k++) {
            var key = Keys.roleMapCopyKey(ORG, k);
            Map<String, AttributeValue> item = webhooks.item(Attr.str(key, Keys.PK), Attr.str(key, Keys.SK));
            assertEquals(saved.get("groupRoles"), item.get("groupRoles"), "copy " + k);
            assertEquals(saved.get("version"), item.get("version"), "copy " + k);
        }
        assertFalse(mappings.writeCopies("org_01HNOMAPPING00000000000001"), "no mapping: nothing to copy");
    }
}
