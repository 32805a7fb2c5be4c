package io.gatekeep.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.UnprocessableEntityException;
import com.workos.common.exceptions.WorkOSException;
import com.workos.common.http.Page;
import com.workos.common.http.RequestOptions;
import com.workos.models.Organization;
import com.workos.models.OrganizationDomain;
import com.workos.models.OrganizationDomainData;
import com.workos.types.OrganizationDomainDataState;
import io.gatekeep.shared.Json;
import io.gatekeep.shared.org.Entitlements;
import io.gatekeep.shared.table.Attr;
import io.gatekeep.shared.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"action": "onboard", "organizationId"|"name", "domains": [...], "itContacts": [...], "sso": bool,
 * "directorySync": bool}}. The plan's two entitlements are set together when either is given (one left
 * out is not included), as {@code set-plan} sets them.
 *
 * <p>By {@code name}: the organization is looked up in WorkOS first (list with {@code search}, exact
 * name, ignoring case) and created only when none exists, with its domains as {@code pending}
 * (the customer's IT admin verifies them in the Admin Portal). The create carries an idempotency key
 * derived from the name, so two racing invocations create one organization. By
 * {@code organizationId}: the existing organization is adopted. Either way, requested domains that
 * WorkOS lacks are added (pending), and the organization and its domains are stored exactly as the
 * projection stores them from webhooks, then the IT contacts and plan. A second run finds
 * everything in place and reports {@code created: false} with nothing changed.
 */
final class Onboard {
    static final Set<String> FIELDS = Set.of("action", "organizationId", "name", "domains", "itContacts", "sso", "directorySync",
            "actor");
    private static final int MAX_DOMAINS = 20;

    private final Env env;

    Onboard(Env env) {
        this.env = env;
    }

    ObjectNode run(JsonNode event, Context context) {
        Input in = Input.of(event, FIELDS);
        String organizationId = in.organizationId(false);
        String name = in.text("name", 200);
        if ((organizationId == null) == (name == null)) {
            throw OperatorError.invalid("Give either \"organizationId\" (adopt an organization that exists in WorkOS) "
                    + "or \"name\" (create it, or find it by name), not both.");
        }
        List<String> domains = in.domains("domains", MAX_DOMAINS);
        List<String> itContacts = in.emails("itContacts", 10);
        Boolean sso = in.bool("sso");
        Boolean directorySync = in.bool("directorySync");
        Entitlements plan = sso == null && directorySync == null ? null
                : new Entitlements(Boolean.TRUE.equals(sso), Boolean.TRUE.equals(directorySync));
        String actor = in.actor();

        WorkOS workos = env.workos().get();
        boolean created = false;
        Organization organization;
        if (organizationId != null) {
            organization = get(workos, organizationId);
        } else {
            organization = findByName(workos, name);
            if (organization == null) {
                organization = create(workos, name, domains == null ? List.of() : domains);
                created = true;
            }
        }
        DomainsAdded domainsAdded = addMissingDomains(workos, organization, domains == null ? List.of() : domains);
        List<String> added = domainsAdded.added();
        if (domainsAdded.organizationChanged()) {
            organization = get(workos, organization.getId()); // its domains and updated_at as WorkOS now has them
        }

        ObjectNode wire = SdkToWire.tree(organization);
        Counts stored = new RetriedProjection(env).storeOrganization(wire);
        boolean settingsChanged = storeSettings(organization.getId(), itContacts, plan);

        ObjectNode report = Json.object();
        report.put("action", "onboard");
        report.put("organizationId", organization.getId());
        report.put("name", organization.getName());
        report.put("created", created);
        report.put("adopted", !created);
        ArrayNode domainList = report.putArray("domains");
        for (OrganizationDomain d : organization.getDomains()) {
            ObjectNode node = domainList.addObject();
            node.put("id", d.getId());
            node.put("domain", d.getDomain());
            node.put("state", wire(d.getState()));
        }
        ArrayNode addedList = report.putArray("domainsAdded");
        added.forEach(addedList::add);
        report.set("projection", stored.toJson());
        report.put("settingsChanged", settingsChanged);
        if (itContacts != null) {
            report.put("itContacts", itContacts.size());
        }
        if (plan != null) {
            ObjectNode planNode = report.putObject("plan");
            planNode.put("sso", plan.sso());
            planNode.put("directorySync", plan.directorySync());
        }
        boolean changed = created || !added.isEmpty() || stored.changed() || settingsChanged;
        report.put("changed", changed);

        String summary = (created ? "Created " : "Adopted ") + "organization \"" + organization.getName() + "\" ("
                + organization.getDomains().size() + " domains" + (added.isEmpty() ? "" : ", " + added.size() + " added")
                + (settingsChanged ? "; IT contacts/plan set" : "") + (changed ? ")." : "; nothing changed).");
        env.audit().write(organization.getId(), "onboard", actor, summary, context);
        return report;
    }

    private static Organization get(WorkOS workos, String organizationId) {
        try {
            return workos.getOrganizations().get(organizationId);
        } catch (NotFoundException e) {
            throw OperatorError.organizationNotFound(organizationId, "WorkOS has no organization with that id");
        }
    }

    /** The organization WorkOS holds under this name (ignoring case), or null; more than one is refused. */
    private static Organization findByName(WorkOS workos, String name) {
        List<Organization> matches = new ArrayList<>();
        String after = null;
        do {
            Page<Organization> page = workos.getOrganizations().list(null, after, 100, null, null, name);
            for (Organization candidate : page.data) {
                if (candidate.getName() != null && candidate.getName().trim().equalsIgnoreCase(name)) {
                    matches.add(candidate);
                }
            }
            after = page.data.isEmpty() ? null : page.listMetadata.after;
        } while (after != null);
        if (matches.size() > 1) {
            throw new OperatorError("ambiguous_organization", matches.size() + " WorkOS organizations are named \""
                    + name + "\" (" + String.join(", ", matches.stream().map(Organization::getId).toList())
                    + "); onboard by \"organizationId\" instead.");
        }
        return matches.isEmpty() ? null : matches.get(0);
    }

    private static Organization create(WorkOS workos, String name, List<String> domains) {
        List<OrganizationDomainData> domainData = domains.stream()
                .map(d -> new OrganizationDomainData(d, OrganizationDomainDataState.Pending)).toList();
        RequestOptions options = RequestOptions.builder().idempotencyKey(idempotencyKey("onboard", name)).build();
        try {
            return workos.getOrganizations().create(name, null, null, domainData, null, null, options);
        } catch (BadRequestException | UnprocessableEntityException e) {
            throw new OperatorError("workos_rejected", "WorkOS refused to create the organization: " + e.getMessage());
        }
    }

    /**
     * The domains this onboard added, and whether one was added meanwhile by someone else (409, and the
     * organization now has it). Either way the organization read before is stale.
     */
    private record DomainsAdded(List<String> added, boolean addedMeanwhile) {
        boolean organizationChanged() {
            return !added.isEmpty() || addedMeanwhile;
        }
    }

    /** Adds the wanted domains WorkOS lacks. */
    private static DomainsAdded addMissingDomains(WorkOS workos, Organization organization, List<String> wanted) {
        List<String> added = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        for (OrganizationDomain d : organization.getDomains()) {
            present.add(d.getDomain().toLowerCase(Locale.ROOT));
        }
        boolean addedMeanwhile = false;
        for (String domain : wanted) {
            if (present.contains(domain)) {
                continue;
            }
            RequestOptions options = RequestOptions.builder()
                    .idempotencyKey(idempotencyKey("domain", organization.getId() + "/" + domain)).build();
            try {
                workos.getOrganizationDomains().create(domain, organization.getId(), options);
            } catch (BadRequestException | UnprocessableEntityException e) {
                throw new OperatorError("workos_rejected", "WorkOS refused the domain " + domain + ": " + e.getMessage());
            } catch (WorkOSException e) {
                if (e.status != 409) {
                    throw e;
                }
                // 409 domain_already_exists: added meanwhile (a concurrent or retried onboard), or taken.
                if (hasDomain(get(workos, organization.getId()), domain)) {
                    addedMeanwhile = true;
                    continue;
                }
                throw new OperatorError("domain_conflict", "WorkOS says the domain " + domain
                        + " already exists (409 " + e.code + "); another organization may hold it.");
            }
            added.add(domain);
        }
        return new DomainsAdded(List.copyOf(added), addedMeanwhile);
    }

    private static boolean hasDomain(Organization organization, String domain) {
        return organization.getDomains().stream().anyMatch(d -> d.getDomain().equalsIgnoreCase(domain));
    }

    /**
     * IT contacts and plan, only those given, on the organization item; false when they already hold
     * these values (the condition fails and nothing is written).
     */
    private boolean storeSettings(String organizationId, List<String> itContacts, Entitlements plan) {
        if (itContacts == null && plan == null) {
            return false;
        }
        List<String> sets = new ArrayList<>();
        List<String> differs = new ArrayList<>();
        String remove = "";
        Map<String, AttributeValue> values = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        if (itContacts != null) {
            sets.add("itContacts = :contacts");
            differs.add("attribute_not_exists(itContacts) OR itContacts <> :contacts");
            values.put(":contacts", Attr.strings(itContacts));
        }
        if (plan != null) {
            // the plan's attributes, the old single flag removed (see Entitlements)
            sets.add("#entitlementSso = :entitlementSso, #entitlementDirectorySync = :entitlementDirectorySync");
            differs.add("attribute_not_exists(#entitlementSso) OR #entitlementSso <> :entitlementSso"
                    + " OR attribute_not_exists(#entitlementDirectorySync) OR #entitlementDirectorySync <> :entitlementDirectorySync"
                    + " OR attribute_exists(#planSso)");
            values.putAll(plan.values());
            names.putAll(plan.names());
            remove = " REMOVE #planSso";
        }
        String update = "SET " + String.join(", ", sets) + remove;
        try {
            env.dynamo().updateItem(r -> r.tableName(env.table())
                    .key(Attr.key(Keys.orgPk(organizationId), Keys.ORG_SK))
                    .updateExpression(update)
                    .conditionExpression("attribute_exists(pk) AND (" + String.join(" OR ", differs) + ")")
                    .expressionAttributeNames(names.isEmpty() ? null : names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException unchanged) {
            return false;
        }
    }

    static String idempotencyKey(String purpose, String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(value.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "gatekeep-" + purpose + "-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String wire(Enum<?> value) {
        return value == null || value.name().equals("Unknown") ? null : SdkToWire.text(value);
    }
}
