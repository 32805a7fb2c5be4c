package io.gatekeep.shared.guide;

import io.gatekeep.shared.guide.Guide.Advice;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The troubleshooting words (guide/troubleshooting.json) against the guide in the seeds. */
class TroubleshootingGuideTest {
    private final Guide guide = Guide.load();

    @Test
    void errorRecoveryTableIsTheGuidesVerbatim() {
        List<List<String>> rows = Seeds.table("| Problem | Root Cause | Fix |");
        List<List<String>> actual = guide.errorRecovery().stream()
                .map(a -> List.of(a.problem(), a.cause(), a.fix())).toList();
        assertEquals(rows, actual);
    }

    /** Every row is either detected from the projection or listed as undetectable, never both. */
    @Test
    void everyRowIsClassified() {
        Set<String> ids = guide.errorRecovery().stream().map(Advice::id).collect(Collectors.toSet());
        assertEquals(14, ids.size());
        Set<String> classified = new HashSet<>(Guide.DETECTABLE);
        classified.addAll(Guide.UNDETECTABLE);
        assertEquals(ids, classified);
        assertEquals(Guide.DETECTABLE.size() + Guide.UNDETECTABLE.size(), classified.size());
    }

    @Test
    void decisionTreeIsTheGuidesVerbatim() {
        String seeds = Seeds.allText();
        assertEquals(3, guide.ssoDecisionTree().size());
        for (Guide.Branch branch : guide.ssoDecisionTree()) {
            assertTrue(seeds.contains("+-- " + branch.question() + " → " + branch.answer() + "\n"), branch.toString());
        }
    }

    /** The product's own steps quote the seeds where they say they do. */
    @Test
    void productStepsQuoteTheSeeds() {
        String seeds = Seeds.allText();
        List<String> quotes = List.of(
                guide.advice("connection_inactive").problem(),
                guide.advice("connection_inactive").fix(),
                guide.advice("connection_inactive").cause(),
                guide.advice("certificate_expired").problem(),
                guide.advice("certificate_expired").fix(),
                guide.advice("certificate_expiring").fix(),
                "no longer sits in an unconfigured state",
                "In WorkOS, generate the SCIM credentials and complete the provider-side connection.",
                "Run a test push/sync from the IdP to verify users appear in WorkOS",
                "certificates expiring in the next 90 days");
        for (String quote : quotes) {
            assertTrue(seeds.replace("\n", "").contains(quote), quote);
        }
        assertTrue(guide.advice("directory_not_linked").fix().startsWith(
                "In WorkOS, generate the SCIM credentials and complete the provider-side connection. Run a test push/sync"));
    }
}
