package io.gatekeep.directoryroles;

import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of some directory groups, for words people read (the audit entry of a role mapping change): a
 * mapping names groups by id, and a group item sits in its directory's partition, which the id alone does not
 * give. Requests: one Query of the organization's directories (keys and tombstone flag; deleted ones are
 * skipped), then BatchGetItem of every (directory, group) pair, 100 keys a call (at most 50 groups x the
 * organization's directories), its unprocessed keys asked again at most {@value #ATTEMPTS} times. A group not
 * synced yet, deleted, or still unprocessed has no name here: its id stands in for it.
 */
final class GroupNames {
    static final int ATTEMPTS = 3;
    private static final int BATCH = 100;

    private final DynamoDbClient dynamo;
    private final String table;

    GroupNames(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Group id to name, for the groups found. */
    Map<String, String> of(String organizationId, Collection<String> groupIds) {
        if (groupIds.isEmpty()) {
            return Map.of();
        }
        List<String> directories = dynamo.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :dir)")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(Keys.orgPk(organizationId)), ":dir", Attr.s(Keys.DIRECTORY_PREFIX)))
                        .projectionExpression("sk, deleted"))
                .items().stream().filter(item -> !Attr.flag(item, "deleted"))
                .map(item -> Attr.str(item, Keys.SK).substring(Keys.DIRECTORY_PREFIX.length())).toList();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String directory : directories) {
            for (String group : groupIds) {
                keys.add(Attr.key(Keys.directoryPk(directory), Keys.groupSk(group)));
            }
        }
        Map<String, String> names = new HashMap<>();
        for (int from = 0; from < keys.size(); from += BATCH) {
            read(keys.subList(from, Math.min(keys.size(), from + BATCH)), names);
        }
        return names;
    }

    private void read(List<Map<String, AttributeValue>> keys, Map<String, String> names) {
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys)
                .projectionExpression("sk, #name, deleted").expressionAttributeNames(Map.of("#name", "name")).build());
        for (int attempt = 0; attempt < ATTEMPTS && !request.isEmpty(); attempt++) {
            Map<String, KeysAndAttributes> asked = request;
            BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(asked));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                String name = Attr.str(item, "name");
                if (name != null && !name.isBlank() && !Attr.flag(item, "deleted")) {
                    names.put(Attr.str(item, Keys.SK).substring(Keys.GROUP_PREFIX.length()), name);
                }
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
    }
}
