package io.gatekeep.shared.guide;

import com.workos.types.ConnectionType;
import com.workos.types.DirectoryType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider catalog (guide/providers.json) against the guide's provider table and the WorkOS SDK. */
class ProviderCatalogTest {
    private final Guide guide = Guide.load();

    @Test
    void parsedOncePerJvm() {
        assertSame(guide, Guide.load());
    }

    /** Every row of the guide's "Provider | Type | Doc URL" table, in order, with https:// doc URLs. */
    @Test
    void everyProviderRowOfTheGuideIsInTheCatalog() {
        List<List<String>> rows = Seeds.table("| Provider | Type | Doc URL |");
        List<String> expected = new ArrayList<>();
        int malformed = 0;
        for (List<String> cells : rows) {
            if (cells.get(1).startsWith("workos.com/")) {
                // The guide's LinkedIn row lost its name: "| OAuth | workos.com/...linkedin-oauth | |".
                malformed++;
                assertEquals("workos.com/docs/integrations/linkedin-oauth", cells.get(1));
                expected.add("LinkedIn | " + cells.get(0) + " | https://" + cells.get(1));
            } else {
                expected.add(cells.get(0) + " | " + cells.get(1) + " | https://" + cells.get(2));
            }
        }
        List<String> actual = guide.providers().stream()
                .map(p -> p.name() + " | " + p.type() + " | " + p.docUrl()).toList();
        assertEquals(expected, actual);
        assertTrue(malformed <= 1, "one malformed row is known; more means the seed table changed");
    }

    @Test
    void catalogCountsWithoutTheSeeds() {
        assertEquals(71, guide.providers().size());
        Map<String, Long> perType = guide.providers().stream()
                .collect(Collectors.groupingBy(Provider::type, LinkedHashMap::new, Collectors.counting()));
        assertEquals(Map.of("SAML", 24L, "General", 20L, "OAuth", 10L, "SCIM", 8L, "OIDC", 6L,
                "Directory", 2L, "Enterprise", 1L), perType);
        assertEquals(List.of("General", "OIDC", "SAML", "Enterprise", "Directory", "SCIM", "OAuth"),
                List.copyOf(guide.types()));
        assertTrue(guide.providers().stream().allMatch(p -> p.docUrl().startsWith("https://workos.com/docs/integrations/")));
        assertEquals("LinkedIn", guide.providerForConnectionType("LinkedInOAuth").orElseThrow().name());
    }

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @CsvSource(delimiter = ';', value = {
            "OktaSAML;Okta;SAML;okta-saml",
            "OktaOIDC;Okta;OIDC;okta-oidc",
            "AzureSAML;Entra ID (Azure AD);SAML;entra-id-saml",
            "EntraIdOIDC;Entra ID (Azure AD);OIDC;entra-id-oidc",
            "GoogleSAML;Google Workspace;SAML;google-saml",
            "GoogleOIDC;Google Workspace;OIDC;google-oidc",
            "GenericSAML;Saml;General;saml",
            "GenericOIDC;Oidc;General;oidc",
            "ADFSSAML;Microsoft AD FS;SAML;microsoft-ad-fs-saml",
            "OneLoginSAML;Onelogin;SAML;onelogin-saml",
            "PingFederateSAML;Pingfederate;SAML;pingfederate-saml",
            "JumpCloudSAML;Jumpcloud;SAML;jumpcloud-saml",
            "ShibbolethSAML;Shibboleth Unsolicited;SAML;shibboleth-unsolicited-saml",
            "GoogleOAuth;Google Workspace;OAuth;google-oauth",
            "GitHubOAuth;Github;OAuth;github-oauth",
            "GithubOAuth;Github;OAuth;github-oauth",
            "oktasaml;Okta;SAML;okta-saml"})
    void commonConnectionTypesMapToTheirProvider(String connectionType, String name, String type, String slug) {
        Provider provider = guide.providerForConnectionType(connectionType).orElseThrow();
        assertEquals(name, provider.name());
        assertEquals(type, provider.type());
        assertEquals("https://workos.com/docs/integrations/" + slug, provider.docUrl());
        assertEquals(provider.docUrl(), guide.docUrlForConnection(connectionType));
    }

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @CsvSource(delimiter = ';', value = {
            "okta scim v2.0;Okta;SCIM;okta-scim",
            "azure scim v2.0;Entra ID (Azure AD);SCIM;entra-id-scim",
            "gsuite directory;Google Workspace;Directory;google-directory-sync",
            "generic scim v2.0;Scim;General;scim",
            "onelogin scim v2.0;Onelogin;SCIM;onelogin-scim",
            "jump cloud scim v2.0;Jumpcloud;SCIM;jumpcloud-scim",
            "workday;Workday;General;workday",
            "bamboohr;Bamboohr;General;bamboohr"})
    void commonDirectoryTypesMapToTheirProvider(String directoryType, String name, String type, String slug) {
        Provider provider = guide.providerForDirectoryType(directoryType).orElseThrow();
        assertEquals(name, provider.name());
        assertEquals(type, provider.type());
        assertEquals("https://workos.com/docs/integrations/" + slug, provider.docUrl());
        assertEquals(provider.docUrl(), guide.docUrlForDirectory(directoryType));
    }

    @Test
    void unmappedTypesFallBackToTheGenericGuides() {
        assertEquals("https://workos.com/docs/integrations/saml", guide.docUrlForConnection("TestIdp"));
        assertEquals("https://workos.com/docs/integrations/saml", guide.docUrlForConnection(null));
        assertEquals("https://workos.com/docs/integrations/scim", guide.docUrlForDirectory("personio"));
        assertEquals("https://workos.com/docs/integrations/scim", guide.docUrlForDirectory(null));
    }

    /** Every value in the catalog is a real wire value of the WorkOS Java SDK 7.2.0, so a typo cannot hide. */
    @Test
    void catalogTypesAreWorkOsWireValues() {
        Set<String> connectionTypes = Arrays.stream(ConnectionType.values()).map(ConnectionType::getValue)
                .collect(Collectors.toSet());
        Set<String> directoryTypes = Arrays.stream(DirectoryType.values()).map(DirectoryType::getValue)
                .collect(Collectors.toSet());
        for (Provider p : guide.providers()) {
            assertTrue(connectionTypes.containsAll(p.connectionTypes()), p.name() + " " + p.connectionTypes());
            assertTrue(directoryTypes.containsAll(p.directoryTypes()), p.name() + " " + p.directoryTypes());
        }
    }

    /**
     * The SDK values no guide row covers (they fall back to the generic SAML or SCIM guide). A new
     * mapping, or a new SDK value, changes this list on purpose.
     */
    @Test
    void sdkValuesWithoutAProviderGuide() {
        Set<String> unmappedConnections = Arrays.stream(ConnectionType.values()).map(ConnectionType::getValue)
                .filter(v -> guide.providerForConnectionType(v).isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("unknown", "Pending", "Auth0Migration", "BitbucketOAuth", "DiscordOAuth",
                "GrokOAuth", "XOAuth", "MagicLink", "TestIdp", "VercelMarketplaceOAuth")), unmappedConnections);
        Set<String> unmappedDirectories = Arrays.stream(DirectoryType.values()).map(DirectoryType::getValue)
                .filter(v -> guide.providerForDirectoryType(v).isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("unknown", "personio", "s3")), unmappedDirectories);
    }

    @Test
    void filterByTypeIsCaseInsensitiveAndRefusesUnknownTypes() {
        for (String type : List.of("saml", "SAML", "Saml")) {
            List<Provider> saml = guide.providersOfType(type).orElseThrow();
            assertEquals(24, saml.size());
            assertTrue(saml.stream().allMatch(p -> p.type().equals("SAML")));
        }
        assertEquals(6, guide.providersOfType("oidc").orElseThrow().size());
        assertEquals(8, guide.providersOfType("scim").orElseThrow().size());
        assertEquals(2, guide.providersOfType("directory").orElseThrow().size());
        assertEquals(10, guide.providersOfType("oauth").orElseThrow().size());
        assertEquals(20, guide.providersOfType("general").orElseThrow().size());
        assertTrue(guide.providersOfType("ldap").isEmpty());
        assertTrue(guide.providersOfType("").isEmpty());
        assertTrue(guide.providersOfType(null).isEmpty());
    }
}
