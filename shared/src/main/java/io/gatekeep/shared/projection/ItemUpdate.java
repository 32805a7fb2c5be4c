package io.gatekeep.shared.projection;

import io.gatekeep.shared.table.Attr;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One conditional UpdateItem (or, with nothing to write, a ConditionCheck) of a transaction, built
 * up part by part. Every attribute goes through an expression name ({@code name}, {@code state} and
 * {@code domain} are DynamoDB reserved words), and a failed condition returns the item as it was
 * ({@code ALL_OLD}), which is how the projection learns what it assumed wrongly.
 */
final class ItemUpdate {
    private final String table;
    private final Map<String, AttributeValue> key;
    private final List<String> sets = new ArrayList<>();
    private final List<String> adds = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> deletes = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();

    ItemUpdate(String table, String pk, String sk) {
        this.table = table;
        this.key = Attr.key(pk, sk);
    }

    /**
     * The expression name of an attribute: {@code #attribute} for a plain identifier, else a numbered
     * placeholder (role counters such as {@code roleCount#admin} and group ids with hyphens are not
     * identifiers, and a placeholder may only hold letters, digits and underscores).
     */
    String name(String attribute) {
        if (IDENTIFIER.matcher(attribute).matches()) {
            String placeholder = "#" + attribute;
            names.put(placeholder, attribute);
            return placeholder;
        }
        for (var e : names.entrySet()) {
            if (e.getValue().equals(attribute)) {
                return e.getKey();
            }
        }
        String placeholder = "#_n" + names.size();
        names.put(placeholder, attribute);
        return placeholder;
    }

    private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    String value(AttributeValue value) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, value);
        return placeholder;
    }

    ItemUpdate set(String attribute, AttributeValue value) {
        sets.add(name(attribute) + " = " + value(value));
        return this;
    }

    /** SET an attribute to a value already named with {@link #value} (shared with a condition). */
    ItemUpdate setTo(String attribute, String valuePlaceholder) {
        sets.add(name(attribute) + " = " + valuePlaceholder);
        return this;
    }

    ItemUpdate setAll(Map<String, AttributeValue> attributes) {
        attributes.forEach(this::set);
        return this;
    }

    ItemUpdate add(String attribute, long delta) {
        adds.add(name(attribute) + " " + value(Attr.n(delta)));
        return this;
    }

    /** REMOVE attributes (absent ones are no trouble). */
    ItemUpdate remove(String... attributes) {
        for (String attribute : attributes) {
            removes.add(name(attribute));
        }
        return this;
    }

    /** ADD one string to a string set (made when absent). */
    ItemUpdate addToSet(String attribute, String element) {
        adds.add(name(attribute) + " " + value(AttributeValue.fromSs(List.of(element))));
        return this;
    }

    /** DELETE strings from a string set (an emptied set disappears; an absent one is no trouble). */
    ItemUpdate deleteFromSet(String attribute, java.util.Collection<String> elements) {
        if (!elements.isEmpty()) {
            deletes.add(name(attribute) + " " + value(AttributeValue.fromSs(List.copyOf(elements))));
        }
        return this;
    }

    /** ANDs one more condition (parenthesised) onto the item's condition. */
    ItemUpdate when(String condition) {
        conditions.add("(" + condition + ")");
        return this;
    }

    boolean writes() {
        return !sets.isEmpty() || !adds.isEmpty() || !removes.isEmpty() || !deletes.isEmpty();
    }

    boolean conditional() {
        return !conditions.isEmpty();
    }

    /** The same change as a plain UpdateItem that returns the item as it was. */
    UpdateItemRequest toRequest() {
        if (!writes()) {
            throw new IllegalStateException("nothing to write");
        }
        TransactWriteItem item = toTransactItem();
        Update update = item.update();
        return UpdateItemRequest.builder()
                .tableName(update.tableName()).key(update.key())
                .updateExpression(update.updateExpression())
                .conditionExpression(update.conditionExpression())
                .expressionAttributeNames(update.expressionAttributeNames())
                .expressionAttributeValues(update.expressionAttributeValues())
                .returnValues(ReturnValue.ALL_OLD)
                .build();
    }

    TransactWriteItem toTransactItem() {
        String condition = conditions.isEmpty() ? null : String.join(" AND ", conditions);
        Map<String, AttributeValue> vals = values.isEmpty() ? null : values;
        if (!writes()) {
            if (condition == null) {
                throw new IllegalStateException("an item with nothing to write and nothing to check");
            }
            return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                    .tableName(table).key(key)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(vals)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build()).build();
        }
        StringBuilder expression = new StringBuilder();
        if (!sets.isEmpty()) {
            expression.append("SET ").append(String.join(", ", sets));
        }
        if (!adds.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("ADD ").append(String.join(", ", adds));
        }
        if (!removes.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
        }
        if (!deletes.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("DELETE ").append(String.join(", ", deletes));
        }
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(table).key(key)
                .updateExpression(expression.toString())
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(vals)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }
}
