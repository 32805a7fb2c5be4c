package io.gatekeep.local;

import io.gatekeep.localaws.SamTemplate;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The template's HTTP routes, matched as an API Gateway HTTP API matches them: the method must be
 * the route's (or {@code ANY}), literal segments beat {@code {param}} segments, {@code {name+}}
 * takes the rest of the path, and a request that matches no route key is not found (a known path
 * with another method too: HTTP APIs answer 404, not 405).
 */
public final class RouteTable {
    /** One template route and the function that serves it. */
    public record Entry(SamTemplate.Function function, SamTemplate.Route route, List<String> segments) {
        public String routeKey() {
            return route.method() + " " + route.path();
        }
    }

    public record Match(Entry entry, Map<String, String> pathParameters) {}

    private final List<Entry> entries;

    public RouteTable(SamTemplate template) {
        List<Entry> list = new ArrayList<>();
        for (var function : template.functions()) {
            for (var route : function.routes()) {
                list.add(new Entry(function, route, segments(route.path())));
            }
        }
        // Most specific first: more literal segments, then no greedy segment, then longer.
        list.sort(Comparator.<Entry>comparingLong(e -> e.segments().stream().filter(s -> !s.startsWith("{")).count()).reversed()
                .thenComparing(e -> e.segments().stream().anyMatch(s -> s.endsWith("+}")))
                .thenComparing(e -> -e.segments().size()));
        this.entries = List.copyOf(list);
    }

    public List<Entry> entries() {
        return entries;
    }

    public Optional<Match> match(String method, String rawPath) {
        String m = method.toUpperCase(Locale.ROOT);
        List<String> request = segments(rawPath);
        for (String wanted : List.of(m, "ANY")) {
            for (Entry entry : entries) {
                if (!entry.route().method().equals(wanted)) {
                    continue;
                }
                Map<String, String> params = match(entry.segments(), request);
                if (params != null) {
                    return Optional.of(new Match(entry, params));
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> match(List<String> template, List<String> request) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (t.startsWith("{") && t.endsWith("+}")) {
                if (i >= request.size()) {
                    return null;
                }
                List<String> rest = request.subList(i, request.size());
                params.put(t.substring(1, t.length() - 2), String.join("/", rest.stream().map(RouteTable::decode).toList()));
                return params;
            }
            if (i >= request.size()) {
                return null;
            }
            String r = request.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (r.isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), decode(r));
            } else if (!t.equals(r)) {
                return null;
            }
        }
        return template.size() == request.size() ? params : null;
    }

    private static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return List.of(p.split("/", -1));
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
