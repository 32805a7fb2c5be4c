package io.gatekeep.emulator;

import static io.gatekeep.emulator.Http.escapeHtml;

import io.gatekeep.emulator.Http.Req;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The emulated Admin Portal: {@code GET /portal/{token}} opens the page for a generated link (a link must be
 * opened within 5 minutes of its creation, else 410; an opened session lasts an hour), and forms
 * {@code POST /portal/{token}/actions/{action}} walk the setup for the link's intent. Every action goes
 * through the same state changes (and so the same events and webhooks) as the control API.
 * Elements carry {@code data-testid} attributes for browser tests.
 */
final class PortalPages {
    static final List<String> CONNECTION_TYPES = List.of(
            "OktaSAML", "AzureSAML", "GoogleSAML", "GenericSAML", "ADFSSAML", "OneLoginSAML", "JumpCloudSAML",
            "PingFederateSAML", "GenericOIDC", "OktaOIDC", "EntraIdOIDC");
    static final List<String> DIRECTORY_TYPES = List.of(
            "okta scim v2.0", "azure scim v2.0", "generic scim v2.0", "gsuite directory", "onelogin scim v2.0",
            "jump cloud scim v2.0", "rippling scim v2.0");

    private static final Map<String, Set<String>> ACTIONS_BY_INTENT = Map.of(
            "sso", Set.of("create-connection", "connection-state", "test-sign-in"),
            "dsync", Set.of("create-directory", "link-directory", "directory-state"),
            "domain_verification", Set.of("add-domain", "verify-domain"),
            "certificate_renewal", Set.of("renew-certificate"));

    private final State state;

    PortalPages(State state) {
        this.state = state;
    }

    void handle(Req r) throws IOException {
        List<String> s = r.segments(); // ["portal", token, ("actions", action)]
        if (s.size() < 2) {
            Http.sendHtml(r.exchange, 404, page("Not found", "<p>Unknown Admin Portal link.</p>"));
            return;
        }
        String token = s.get(1);
        State.PortalLink link = state.portalLink(token);
        if (link == null) {
            Http.sendHtml(r.exchange, 404, page("Not found",
                    "<p data-testid=\"portal-invalid\">This Admin Portal link is not valid.</p>"));
            return;
        }
        Instant now = state.clock().now();
        synchronized (state) {
            boolean neverOpenedInTime = link.launchedAt == null && now.isAfter(link.expiresAt);
            boolean sessionOver = link.launchedAt != null
                    && now.isAfter(link.launchedAt.plus(State.PORTAL_SESSION_LIFETIME));
            if (neverOpenedInTime || sessionOver) {
                Http.sendHtml(r.exchange, 410, page("Link expired",
                        "<p data-testid=\"portal-expired\">This Admin Portal link has expired. Links expire 5 minutes"
                                + " after they are generated; ask for a new one.</p>"));
                return;
            }
            if (link.launchedAt == null) {
                link.launchedAt = now;
            }
        }
        if (s.size() == 2 && r.method.equals("GET")) {
            Http.sendHtml(r.exchange, 200, render(link, r.q("done")));
            return;
        }
        if (s.size() == 4 && s.get(2).equals("actions") && r.method.equals("POST")) {
            String action = s.get(3);
            if (link.intent != null && !ACTIONS_BY_INTENT.getOrDefault(link.intent, Set.of()).contains(action)) {
                Http.sendHtml(r.exchange, 403, page("Not allowed",
                        "<p data-testid=\"portal-error\">This link (intent " + escapeHtml(link.intent)
                                + ") does not allow " + escapeHtml(action) + ".</p>"));
                return;
            }
            Map<String, List<String>> form = r.form();
            try {
                String done = act(link, action, form);
                Http.redirect(r.exchange, "/portal/" + token + "?done=" + java.net.URLEncoder.encode(done,
                        java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException | State.NotFound | Http.ApiError e) {
                Http.sendHtml(r.exchange, 400, page("Error",
                        "<p data-testid=\"portal-error\">" + escapeHtml(e.getMessage()) + "</p>"
                                + "<p><a href=\"/portal/" + token + "\">Back</a></p>"));
            }
            return;
        }
        Http.sendHtml(r.exchange, 404, page("Not found", "<p>Unknown Admin Portal page.</p>"));
    }

    private static String field(Map<String, List<String>> form, String name) {
        List<String> v = form.get(name);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).trim();
    }

    /** Performs an action for the link's organization; returns a short description for the page. */
    private String act(State.PortalLink link, String action, Map<String, List<String>> form) {
        String orgId = link.orgId;
        synchronized (state) {
            switch (action) {
                case "create-connection" -> {
                    String type = field(form, "connection_type");
                    State.Conn c = state.organizations.createConnection(orgId, type == null ? "GenericSAML" : type,
                            field(form, "name"), "draft");
                    return "Created connection " + c.name + " (draft)";
                }
                case "connection-state" -> {
                    State.Conn c = ownConnection(orgId, field(form, "connection_id"));
                    state.organizations.setConnectionState(c.id, field(form, "state"));
                    return "Connection " + c.name + " is now " + c.state;
                }
                case "test-sign-in" -> {
                    State.Conn c = ownConnection(orgId, field(form, "connection_id"));
                    String result = field(form, "result");
                    boolean ok = result == null || result.equals("succeeded");
                    String outcome = ok ? "succeeded" : result.equals("timed_out") ? "timed_out" : "failed";
                    String email = field(form, "email");
                    SsoSignIns.signIn(state, c.id, email, field(form, "role"), outcome, outcome.equals("failed") ? result : null);
                    return ok ? email + " signed in through " + c.name + " as " + field(form, "role")
                            : "Sign-in of " + email + " through " + c.name + " failed (" + result.replace('_', ' ') + ")";
                }
                case "create-directory" -> {
                    String type = field(form, "directory_type");
                    State.Dir d = state.directories.createDirectory(orgId, type == null ? "generic scim v2.0" : type,
                            field(form, "name"), "validating");
                    return "Created directory " + d.name + " (validating)";
                }
                case "link-directory" -> {
                    State.Dir d = ownDirectory(orgId, field(form, "directory_id"));
                    String usersField = field(form, "users");
                    int users = usersField == null ? 5 : Integer.parseInt(usersField);
                    state.directories.setDirectoryState(d.id, "linked");
                    List<State.User> created = state.directories.addUsers(d.id, users);
                    State.Group all = state.directories.createGroup(d.id, "All Employees");
                    for (State.User u : created) {
                        state.directories.addUserToGroup(all.id, u.id);
                    }
                    return "Linked directory " + d.name + " with " + users + " users";
                }
                case "directory-state" -> {
                    State.Dir d = ownDirectory(orgId, field(form, "directory_id"));
                    state.directories.setDirectoryState(d.id, field(form, "state"));
                    return "Directory " + d.name + " is now " + d.state;
                }
                case "add-domain" -> {
                    State.Domain d = state.organizations.addDomain(orgId, field(form, "domain"), "pending");
                    return "Added domain " + d.domain + " (pending)";
                }
                case "verify-domain" -> {
                    State.Domain d = state.domain(field(form, "domain_id"));
                    if (!d.orgId.equals(orgId)) {
                        throw new State.NotFound("Organization Domain", d.id);
                    }
                    state.organizations.setDomainState(d.id, "verified", null);
                    return "Verified " + d.domain;
                }
                case "renew-certificate" -> {
                    State.Conn c = ownConnection(orgId, field(form, "connection_id"));
                    state.organizations.renewCertificate(c.id, null);
                    return "Renewed the certificate of " + c.name;
                }
                default -> throw new IllegalArgumentException("unknown action " + action);
            }
        }
    }

    private State.Conn ownConnection(String orgId, String id) {
        State.Conn c = state.conn(id);
        if (!c.orgId.equals(orgId)) {
            throw new State.NotFound("Connection", id);
        }
        return c;
    }

    private State.Dir ownDirectory(String orgId, String id) {
        State.Dir d = state.dir(id);
        if (!d.orgId.equals(orgId)) {
            throw new State.NotFound("Directory", id);
        }
        return d;
    }

    private String render(State.PortalLink link, String done) {
        StringBuilder b = new StringBuilder();
        synchronized (state) {
            State.Org o = state.orgs.get(link.orgId);
            if (o == null) {
                return page("Not found", "<p data-testid=\"portal-invalid\">The organization no longer exists.</p>");
            }
            String token = link.token;
            b.append("<header>");
            if (link.returnUrl != null) {
                b.append("<a data-testid=\"portal-return\" href=\"").append(escapeHtml(link.returnUrl))
                        .append("\">&larr; Back to the application</a>");
            }
            b.append("<h1 data-testid=\"portal-title\">Admin Portal: ").append(escapeHtml(o.name)).append("</h1>");
            b.append("<p>Intent: <code data-testid=\"portal-intent\">")
                    .append(escapeHtml(link.intent == null ? "(none)" : link.intent)).append("</code></p></header>");
            if (done != null) {
                b.append("<p class=\"done\" data-testid=\"portal-flash\">").append(escapeHtml(done)).append("</p>");
            }
            String intent = link.intent;
            if (intent == null || intent.equals("domain_verification")) {
                domainSection(b, o, token);
            }
            if (intent == null || intent.equals("sso")) {
                ssoSection(b, o, token);
            }
            if (intent == null || intent.equals("dsync")) {
                dsyncSection(b, o, token);
            }
            if (intent == null || intent.equals("certificate_renewal")) {
                certificateSection(b, o, token);
            }
            if (intent != null && !ACTIONS_BY_INTENT.containsKey(intent)) {
                b.append("<p data-testid=\"portal-nothing\">The emulator has nothing to configure for ")
                        .append(escapeHtml(intent)).append(".</p>");
            }
            if (link.successUrl != null) {
                b.append("<p><a data-testid=\"portal-done\" href=\"").append(escapeHtml(link.successUrl))
                        .append("\">Finish setup</a></p>");
            }
            return page("Admin Portal: " + o.name, b.toString());
        }
    }

    private void domainSection(StringBuilder b, State.Org o, String token) {
        b.append("<section data-testid=\"section-domains\"><h2>Domain verification</h2><ul>");
        for (State.Domain d : state.domainsOf(o)) {
            b.append("<li data-testid=\"domain-").append(escapeHtml(d.domain)).append("\">")
                    .append(escapeHtml(d.domain)).append(" <span class=\"badge\" data-testid=\"domain-state\">")
                    .append(escapeHtml(d.state)).append("</span>");
            if (!State.isVerified(d.state)) {
                b.append(" <small>TXT ").append(escapeHtml(d.prefix)).append(" = ").append(escapeHtml(d.token))
                        .append("</small>");
                b.append(form(token, "verify-domain", hidden("domain_id", d.id)
                        + button("verify-" + d.domain, "Verify domain")));
            }
            b.append("</li>");
        }
        b.append("</ul>");
        b.append(form(token, "add-domain", "<input name=\"domain\" placeholder=\"example.com\" data-testid=\"domain-input\">"
                + button("add-domain", "Add domain")));
        b.append("</section>");
    }

    private void ssoSection(StringBuilder b, State.Org o, String token) {
        b.append("<section data-testid=\"section-sso\"><h2>Single Sign-On</h2><ul>");
        for (State.Conn c : state.conns.values()) {
            if (!c.orgId.equals(o.id)) {
                continue;
            }
            item(b, "connection", c.id, c.name, c.type, c.state);
            if ("active".equals(c.state)) {
                testSignIn(b, token, c);
            }
            for (String target : List.of("validating", "active", "inactive")) {
                if (!target.equals(c.state)) {
                    b.append(form(token, "connection-state", hidden("connection_id", c.id) + hidden("state", target)
                            + button("connection-" + target, switch (target) {
                                case "validating" -> "Upload metadata (validating)";
                                case "active" -> "Activate";
                                default -> "Deactivate";
                            })));
                }
            }
            b.append("</li>");
        }
        b.append("</ul>");
        b.append(form(token, "create-connection", select("connection_type", CONNECTION_TYPES)
                + "<input name=\"name\" placeholder=\"Connection name\" data-testid=\"connection-name\">"
                + button("create-connection", "Create connection")));
        b.append("</section>");
    }

    /**
     * WorkOS's "Test sign-in": someone signs in through the active connection with a role, or the attempt
     * fails for one of the troubleshooting guide's reasons; the members who signed in so far are listed.
     */
    private void testSignIn(StringBuilder b, String token, State.Conn c) {
        StringBuilder results = new StringBuilder("<select name=\"result\" data-testid=\"sign-in-result\">"
                + "<option value=\"succeeded\">Signs in</option>");
        for (SsoSignIns.Failure f : SsoSignIns.Failure.values()) {
            results.append("<option value=\"").append(f.wire()).append("\">Fails: ")
                    .append(escapeHtml(f.message.substring(0, f.message.indexOf(':')))).append("</option>");
        }
        results.append("</select>");
        b.append("<div data-testid=\"sign-in-test\"><strong>Test sign-in</strong> ")
                .append(form(token, "test-sign-in", hidden("connection_id", c.id)
                        + "<input name=\"email\" type=\"email\" required placeholder=\"person@example.com\""
                        + " aria-label=\"Email\" data-testid=\"sign-in-email\">"
                        + select("role", SsoSignIns.PORTAL_ROLES) + results
                        + button("test-sign-in", "Test sign-in")));
        List<Map.Entry<String, SsoSignIns.Membership>> members = SsoSignIns.membersOf(state, c.orgId);
        if (!members.isEmpty()) {
            b.append("<ul data-testid=\"signed-in-members\">");
            for (Map.Entry<String, SsoSignIns.Membership> m : members) {
                b.append("<li>").append(escapeHtml(m.getKey())).append(" <span class=\"badge\">")
                        .append(escapeHtml(m.getValue().role)).append("</span></li>");
            }
            b.append("</ul>");
        }
        b.append("</div>");
    }

    private void dsyncSection(StringBuilder b, State.Org o, String token) {
        b.append("<section data-testid=\"section-dsync\"><h2>Directory Sync</h2><ul>");
        for (State.Dir d : state.dirs.values()) {
            if (!d.orgId.equals(o.id)) {
                continue;
            }
            item(b, "directory", d.id, d.name, d.type, d.state);
            if (!"linked".equals(d.state)) {
                b.append(form(token, "link-directory", hidden("directory_id", d.id)
                        + "<input name=\"users\" value=\"5\" size=\"4\" data-testid=\"directory-users\">"
                        + button("link-directory", "Link directory")));
            } else {
                b.append(form(token, "directory-state", hidden("directory_id", d.id) + hidden("state", "unlinked")
                        + button("unlink-directory", "Unlink")));
            }
            b.append("</li>");
        }
        b.append("</ul>");
        b.append(form(token, "create-directory", select("directory_type", DIRECTORY_TYPES)
                + "<input name=\"name\" placeholder=\"Directory name\" data-testid=\"directory-name\">"
                + button("create-directory", "Create directory")));
        b.append("</section>");
    }

    /** Opens {@code <li data-testid="kind-id">name (type) <span data-testid="kind-state">state</span>}. */
    private static void item(StringBuilder b, String kind, String id, String name, String type, String state) {
        b.append("<li data-testid=\"").append(kind).append('-').append(id).append("\">").append(escapeHtml(name))
                .append(" (").append(escapeHtml(type)).append(") <span class=\"badge\" data-testid=\"")
                .append(kind).append("-state\">").append(escapeHtml(state)).append("</span>");
    }

    private void certificateSection(StringBuilder b, State.Org o, String token) {
        b.append("<section data-testid=\"section-certificates\"><h2>SAML certificates</h2><ul>");
        for (State.Conn c : state.conns.values()) {
            if (!c.orgId.equals(o.id) || c.certExpiry == null) {
                continue;
            }
            b.append("<li data-testid=\"certificate-").append(c.id).append("\">").append(escapeHtml(c.name))
                    .append(": expires <span data-testid=\"certificate-expiry\">")
                    .append(EmuClock.format(c.certExpiry)).append("</span>")
                    .append(form(token, "renew-certificate", hidden("connection_id", c.id)
                            + button("renew-certificate", "Renew certificate")))
                    .append("</li>");
        }
        b.append("</ul></section>");
    }

    private static String form(String token, String action, String inner) {
        return "<form method=\"post\" action=\"/portal/" + token + "/actions/" + action + "\">" + inner + "</form>";
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escapeHtml(value) + "\">";
    }

    private static String button(String testId, String label) {
        return "<button type=\"submit\" data-testid=\"" + escapeHtml(testId) + "\">" + escapeHtml(label) + "</button>";
    }

    private static String select(String name, List<String> options) {
        StringBuilder sb = new StringBuilder("<select name=\"" + name + "\" data-testid=\"" + name + "\">");
        for (String o : options) {
            sb.append("<option value=\"").append(escapeHtml(o)).append("\">").append(escapeHtml(o)).append("</option>");
        }
        return sb.append("</select>").toString();
    }

    static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escapeHtml(title)
                + " (WorkOS emulator)</title><style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;"
                + "padding:0 1rem}section{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}"
                + "form{display:inline-block;margin:.25rem}.badge{background:#eef;border-radius:4px;padding:0 .4rem}"
                + ".done{background:#efe;padding:.5rem}</style></head><body>" + body
                + "<footer><small>WorkOS emulator: nothing here reaches WorkOS.</small></footer></body></html>";
    }
}
