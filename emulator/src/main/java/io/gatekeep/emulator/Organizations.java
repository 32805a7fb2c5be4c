package io.gatekeep.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatekeep.catalogue.WorkOsCatalogue;
import io.gatekeep.emulator.State.Conn;
import io.gatekeep.emulator.State.Dir;
import io.gatekeep.emulator.State.Domain;
import io.gatekeep.emulator.State.Org;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import static io.gatekeep.emulator.State.CATALOGUE;
import static io.gatekeep.emulator.State.CERTIFICATE_TYPES;
import static io.gatekeep.emulator.State.CONNECTION_STATES;
import static io.gatekeep.emulator.State.DOMAIN_FAILURE_REASONS;
import static io.gatekeep.emulator.State.DOMAIN_STATES;
import static io.gatekeep.emulator.State.isSaml;
import static io.gatekeep.emulator.State.normalizeDomain;
import static io.gatekeep.emulator.State.requireOneOf;
import static io.gatekeep.emulator.State.requireText;

/**
 * Changes to organizations, their domains and their connections, as WorkOS makes them: each stamps the
 * object's {@code updated_at} and emits the event WorkOS would emit (none where WorkOS sends none: a
 * connection created as draft or moving to validating). Under the {@link State}'s lock.
 */
final class Organizations {
    private final State store;

    Organizations(State store) {
        this.store = store;
    }

    Org createOrg(String name, List<DomainSpec> domainSpecs, Map<String, String> metadata,
                               String externalId) {
        synchronized (store) {
            requireText(name, "name");
            checkNewDomains(domainSpecs);
            Instant at = store.clock().stamp();
            Org o = new Org();
            o.id = store.ids().next("org_", at.toEpochMilli());
            o.name = name;
            o.externalId = externalId;
            if (metadata != null) {
                o.metadata.putAll(metadata);
            }
            o.createdAt = at;
            o.updatedAt = at;
            store.orgs.put(o.id, o);
            List<Domain> created = new ArrayList<>();
            for (DomainSpec spec : domainSpecs) {
                created.add(newDomain(o, spec.domain(), spec.state()));
            }
            store.emit("organization.created", o.id, store.objects.organizationEvent(o));
            for (Domain d : created) {
                store.emit("organization_domain.created", o.id, store.objects.domain(d));
            }
            return o;
        }
    }

    private void checkNewDomains(List<DomainSpec> specs) {
        Set<String> seen = new TreeSet<>();
        for (DomainSpec s : specs) {
            String domain = normalizeDomain(s.domain());
            if (!seen.add(domain)) {
                throw new IllegalArgumentException("domain_data: duplicate domain '" + domain + "'");
            }
            requireOneOf(DOMAIN_STATES, s.state(), "domain_data: state");
        }
    }

    private Domain newDomain(Org o, String domain, String state) {
        Domain d = new Domain();
        Instant stamp = store.clock().stamp();
        d.id = store.ids().next("org_domain_", stamp.toEpochMilli());
        d.orgId = o.id;
        d.domain = normalizeDomain(domain);
        d.state = state;
        d.strategy = "verified".equals(state) ? "manual" : "dns";
        d.token = store.ids().token(25);
        d.prefix = "emulator-domain-verification-" + store.ids().token(6).toLowerCase(Locale.ROOT);
        d.createdAt = stamp;
        d.updatedAt = stamp;
        store.domains.put(d.id, d);
        o.domainIds.add(d.id);
        return d;
    }

    /**
     * Update as {@code PUT /organizations/{id}} does: null arguments stay as they are; {@code domainData},
     * when given, replaces the organization's domains (kept ones keep their ids; their state follows).
     */
    Org updateOrg(String id, String name, List<DomainSpec> domainData, Map<String, String> metadata,
                               String externalId, String stripeCustomerId) {
        synchronized (store) {
            Org o = store.org(id);
            boolean changed = false;
            if (name != null && !name.equals(o.name)) {
                requireText(name, "name");
                o.name = name;
                changed = true;
            }
            if (metadata != null && !metadata.equals(o.metadata)) {
                o.metadata = new LinkedHashMap<>(metadata);
                changed = true;
            }
            if (externalId != null && !externalId.equals(o.externalId)) {
                o.externalId = externalId;
                changed = true;
            }
            if (stripeCustomerId != null && !stripeCustomerId.equals(o.stripeCustomerId)) {
                o.stripeCustomerId = stripeCustomerId;
                changed = true;
            }
            List<Runnable> domainEvents = new ArrayList<>();
            if (domainData != null) {
                checkNewDomains(domainData);
                Map<String, Domain> existing = new LinkedHashMap<>();
                for (Domain d : store.domainsOf(o)) {
                    existing.put(d.domain, d);
                }
                List<String> newOrder = new ArrayList<>();
                for (DomainSpec spec : domainData) {
                    String dn = normalizeDomain(spec.domain());
                    Domain d = existing.remove(dn);
                    if (d == null) {
                        Domain created = newDomain(o, dn, spec.state());
                        o.domainIds.remove(created.id);
                        newOrder.add(created.id);
                        ObjectNode data = store.objects.domain(created);
                        domainEvents.add(() -> store.emit("organization_domain.created", o.id, data));
                        changed = true;
                    } else {
                        newOrder.add(d.id);
                        if (!d.state.equals(spec.state())) {
                            d.state = spec.state();
                            if ("verified".equals(spec.state())) {
                                d.strategy = "manual";
                            }
                            d.updatedAt = store.clock().stamp();
                            Runnable r = domainStateEvent(d, "domain_verification_period_expired");
                            domainEvents.add(r);
                            changed = true;
                        }
                    }
                }
                for (Domain removed : existing.values()) {
                    removed.updatedAt = store.clock().stamp();
                    store.domains.remove(removed.id);
                    ObjectNode data = store.objects.domain(removed);
                    domainEvents.add(() -> store.emit("organization_domain.deleted", o.id, data));
                    changed = true;
                }
                o.domainIds.clear();
                o.domainIds.addAll(newOrder);
            }
            if (changed) {
                domainEvents.forEach(Runnable::run);
                o.updatedAt = store.clock().stamp();
                store.emit("organization.updated", o.id, store.objects.organizationEvent(o));
            }
            return o;
        }
    }

    private Runnable domainStateEvent(Domain d, String failureReason) {
        ObjectNode data = store.objects.domain(d);
        return switch (d.state) {
            case "verified" -> () -> store.emit("organization_domain.verified", d.orgId, data);
            case "failed" -> () -> {
                ObjectNode failed = Json.obj();
                failed.put("reason", failureReason);
                failed.set("organization_domain", data);
                store.emit("organization_domain.verification_failed", d.orgId, failed);
            };
            default -> () -> store.emit("organization_domain.updated", d.orgId, data);
        };
    }

    private void touchOrg(Org o) {
        o.updatedAt = store.clock().stamp();
        store.emit("organization.updated", o.id, store.objects.organizationEvent(o));
    }

    Domain addDomain(String orgId, String domain, String state) {
        synchronized (store) {
            Org o = store.org(orgId);
            String dn = normalizeDomain(domain);
            // 409 domain_already_exists when this organization has it, and when another holds it (WORKOS-NOTES)
            for (Domain d : store.domains.values()) {
                if (d.domain.equals(dn)) {
                    WorkOsCatalogue.ErrorAnswer conflict = CATALOGUE.error("POST /organization_domains", "duplicateDomain");
                    throw new Http.ApiError(conflict.status(), conflict.code(), conflict.message());
                }
            }
            requireOneOf(DOMAIN_STATES, state, "state");
            Domain d = newDomain(o, dn, state);
            store.emit("organization_domain.created", o.id, store.objects.domain(d));
            touchOrg(o);
            return d;
        }
    }

    Domain setDomainState(String domainId, String state, String failureReason) {
        synchronized (store) {
            Domain d = store.domain(domainId);
            requireOneOf(DOMAIN_STATES, state, "state");
            String reason = failureReason == null ? "domain_verification_period_expired" : failureReason;
            requireOneOf(DOMAIN_FAILURE_REASONS, reason, "reason");
            if (d.state.equals(state)) {
                return d;
            }
            d.state = state;
            d.updatedAt = store.clock().stamp();
            domainStateEvent(d, reason).run();
            touchOrg(store.orgs.get(d.orgId));
            return d;
        }
    }

    void deleteDomain(String domainId) {
        synchronized (store) {
            Domain d = store.domain(domainId);
            Org o = store.orgs.get(d.orgId);
            d.updatedAt = store.clock().stamp();
            store.domains.remove(d.id);
            o.domainIds.remove(d.id);
            store.emit("organization_domain.deleted", o.id, store.objects.domain(d));
            touchOrg(o);
        }
    }

    /** Deletes the organization with its connections and directories (each emits its own deleted event). */
    void deleteOrg(String id) {
        synchronized (store) {
            Org o = store.org(id);
            for (Conn c : List.copyOf(store.conns.values())) {
                if (c.orgId.equals(id)) {
                    deleteConnection(c.id);
                }
            }
            for (Dir d : List.copyOf(store.dirs.values())) {
                if (d.orgId.equals(id)) {
                    store.directories.deleteDirectory(d.id);
                }
            }
            o.updatedAt = store.clock().stamp();
            ObjectNode data = store.objects.organizationEvent(o);
            for (String did : o.domainIds) {
                store.domains.remove(did);
            }
            store.orgs.remove(id);
            store.portalLinks.values().removeIf(l -> l.orgId.equals(id));
            store.emit("organization.deleted", id, data);
        }
    }

    Conn createConnection(String orgId, String type, String name, String state) {
        synchronized (store) {
            Org o = store.org(orgId);
            requireText(type, "connection_type");
            requireOneOf(CONNECTION_STATES, state, "state");
            Instant at = store.clock().stamp();
            Conn c = new Conn();
            c.id = store.ids().next("conn_", at.toEpochMilli());
            c.orgId = o.id;
            c.type = type;
            c.name = name == null || name.isBlank() ? o.name + " " + type : name;
            c.state = state;
            c.externalKey = store.ids().token(16);
            if (isSaml(type)) {
                c.certType = "ResponseSigning";
                c.certExpiry = store.clock().now().plus(Duration.ofDays(365));
            }
            c.createdAt = at;
            c.updatedAt = at;
            store.conns.put(c.id, c);
            if ("active".equals(state)) {
                store.emit("connection.activated", o.id, store.objects.connectionEvent(c, c.state, true));
            }
            return c;
        }
    }

    /** Moving into active emits connection.activated; leaving active emits connection.deactivated. */
    Conn setConnectionState(String id, String state) {
        synchronized (store) {
            Conn c = store.conn(id);
            requireOneOf(CONNECTION_STATES, state, "state");
            if (c.state.equals(state)) {
                return c;
            }
            String old = c.state;
            c.state = state;
            c.updatedAt = store.clock().stamp();
            if ("active".equals(state)) {
                store.emit("connection.activated", c.orgId, store.objects.connectionEvent(c, c.state, true));
            } else if ("active".equals(old)) {
                store.emit("connection.deactivated", c.orgId, store.objects.connectionEvent(c, c.state, true));
            }
            return c;
        }
    }

    Conn setCertificate(String id, String certificateType, Instant expiry) {
        synchronized (store) {
            Conn c = store.conn(id);
            Objects.requireNonNull(expiry, "expiry_date");
            String type = certificateType == null ? (c.certType == null ? "ResponseSigning" : c.certType) : certificateType;
            requireOneOf(CERTIFICATE_TYPES, type, "certificate_type");
            c.certType = type;
            c.certExpiry = expiry;
            c.updatedAt = store.clock().stamp();
            return c;
        }
    }

    StoredEvent emitCertificateRenewalRequired(String id) {
        synchronized (store) {
            Conn c = store.conn(id);
            requireCertificate(c);
            Instant now = store.clock().now();
            long days = Math.max(0, Duration.between(now, c.certExpiry).toDays());
            ObjectNode data = Json.obj();
            ObjectNode cn = data.putObject("connection");
            cn.put("id", c.id);
            cn.put("organization_id", c.orgId);
            ObjectNode cert = data.putObject("certificate");
            cert.put("certificate_type", c.certType);
            Json.putTime(cert, "expiry_date", c.certExpiry);
            cert.put("is_expired", !c.certExpiry.isAfter(now));
            data.put("days_until_expiry", days);
            return store.emit("connection.saml_certificate_renewal_required", c.orgId, data);
        }
    }

    Conn renewCertificate(String id, Instant newExpiry) {
        synchronized (store) {
            Conn c = store.conn(id);
            requireCertificate(c);
            Instant renewedAt = store.clock().stamp();
            c.certExpiry = newExpiry == null ? renewedAt.plus(Duration.ofDays(365)) : newExpiry;
            c.updatedAt = renewedAt;
            ObjectNode data = Json.obj();
            ObjectNode cn = data.putObject("connection");
            cn.put("id", c.id);
            cn.put("organization_id", c.orgId);
            ObjectNode cert = data.putObject("certificate");
            cert.put("certificate_type", c.certType);
            Json.putTime(cert, "expiry_date", c.certExpiry);
            Json.putTime(data, "renewed_at", renewedAt);
            store.emit("connection.saml_certificate_renewed", c.orgId, data);
            return c;
        }
    }

    private static void requireCertificate(Conn c) {
        if (c.certExpiry == null) {
            throw new IllegalArgumentException("connection " + c.id + " (" + c.type + ") has no SAML certificate");
        }
    }

    void deleteConnection(String id) {
        synchronized (store) {
            Conn c = store.conn(id);
            c.updatedAt = store.clock().stamp();
            store.conns.remove(id);
            store.emit("connection.deleted", c.orgId, store.objects.connectionEvent(c, "deleting", false));
        }
    }
}
