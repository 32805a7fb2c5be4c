package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.emulator.Http.ApiError;
import io.gatekeep.emulator.Http.Req;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * WorkOS cursor pagination: {@code limit} 1..100 (default 10); {@code before}/{@code after} are object ids;
 * {@code order} asc|desc|normal (default desc, the spec's PaginationOrder). Items are ordered by creation
 * time ({@code created_at}, then id); a cursor is placed by its object's creation time, or, for an
 * object since deleted, by the time its ULID-like id carries. {@code list_metadata.after} is set only
 * when more items follow.
 */
record ListPage(int limit, String order, String before, String after) {
    /** WorkOS's list default (the spec's PaginationOrder). */
    static final String ORDER_DEFAULT = State.CATALOGUE.listRule("orderDefault");

    static ListPage from(Req r) {
        int limit = 10;
        String l = r.q("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                throw ApiError.validation("limit", "limit must be an integer between 1 and 100");
            }
            if (limit < 1 || limit > 100) {
                throw ApiError.validation("limit", "limit must be an integer between 1 and 100");
            }
        }
        String order = r.q("order") == null ? ORDER_DEFAULT : r.q("order");
        if (!order.equals("asc") && !order.equals("desc") && !order.equals("normal")) {
            throw ApiError.validation("order", "order must be one of: asc, desc, normal");
        }
        return new ListPage(limit, order, blankToNull(r.q("before")), blankToNull(r.q("after")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Orders {@code items} by creation time, then renders the page the cursor and order select. */
    <T> ObjectNode render(List<T> items, Function<T, String> idOf, Function<T, Instant> createdOf,
                          Function<T, JsonNode> renderer) {
        Function<T, Key> keyOf = t -> new Key(createdOf.apply(t), idOf.apply(t));
        List<T> asc = new ArrayList<>(items);
        asc.sort(Comparator.comparing(keyOf));
        Key afterKey = cursorKey(after, asc, idOf, keyOf);
        Key beforeKey = cursorKey(before, asc, idOf, keyOf);
        boolean normal = order.equals("normal");
        List<T> list = order.equals("asc") ? asc : reversed(asc);
        int n = list.size();
        int start;
        int end;
        if (after != null && !normal) {
            start = firstIndex(list, t -> order.equals("asc") ? keyOf.apply(t).compareTo(afterKey) > 0
                    : keyOf.apply(t).compareTo(afterKey) < 0);
            end = Math.min(n, start + limit);
        } else if (after != null) { // normal: "after" fetches newer records, the ones before the cursor
            end = firstIndex(list, t -> keyOf.apply(t).compareTo(afterKey) <= 0);
            start = Math.max(0, end - limit);
        } else if (before != null && !normal) {
            end = firstIndex(list, t -> order.equals("asc") ? keyOf.apply(t).compareTo(beforeKey) >= 0
                    : keyOf.apply(t).compareTo(beforeKey) <= 0);
            start = Math.max(0, end - limit);
        } else if (before != null) { // normal: "before" fetches older records, the ones after the cursor
            start = firstIndex(list, t -> keyOf.apply(t).compareTo(beforeKey) < 0);
            end = Math.min(n, start + limit);
        } else {
            start = 0;
            end = Math.min(n, limit);
        }
        List<T> page = list.subList(start, end);
        ObjectNode out = Json.obj();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (T t : page) {
            data.add(renderer.apply(t));
        }
        ObjectNode md = out.putObject("list_metadata");
        String firstId = page.isEmpty() ? null : idOf.apply(page.get(0));
        String lastId = page.isEmpty() ? null : idOf.apply(page.get(page.size() - 1));
        boolean itemsBefore = start > 0 && !page.isEmpty();
        boolean itemsAfter = end < n && !page.isEmpty();
        if (normal) {
            md.put("before", itemsAfter ? lastId : null);
            md.put("after", itemsBefore ? firstId : null);
        } else {
            md.put("before", itemsBefore ? firstId : null);
            md.put("after", itemsAfter ? lastId : null);
        }
        return out;
    }

    /** A list position: creation time, then id. */
    record Key(Instant createdAt, String id) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = createdAt.compareTo(o.createdAt);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    /** The cursor's position: its object's, or (object gone) the creation time its id carries. */
    private static <T> Key cursorKey(String id, List<T> items, Function<T, String> idOf, Function<T, Key> keyOf) {
        if (id == null) {
            return null;
        }
        for (T t : items) {
            if (id.equals(idOf.apply(t))) {
                return keyOf.apply(t);
            }
        }
        return new Key(Ids.timeOf(id), id);
    }

    private static <T> List<T> reversed(List<T> l) {
        List<T> r = new ArrayList<>(l);
        java.util.Collections.reverse(r);
        return r;
    }

    private static <T> int firstIndex(List<T> list, Predicate<T> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        return list.size();
    }
}
