package io.gatekeep.orgsettings;

import io.gatekeep.shared.config.Config;
import io.gatekeep.shared.priming.Priming;
import io.gatekeep.shared.priming.StandInOrganization;

/**
 * SnapStart priming of org settings: an owner of the stand-in organization sets its IT contacts
 * (the body's checks, the settings update and its audit entry in one TransactWriteItems, sent to
 * the stand-in, the answer's JSON and the log line).
 */
final class OrgSettingsPriming {
    private OrgSettingsPriming() {}

    static Priming register(Config config) {
        return Priming.register("org-settings", config, session -> {
            var handler = new OrgSettingsHandler(session.config(), session.dynamo(), session.clock());
            String body = "{\"emails\": [\"" + StandInOrganization.IT_CONTACT + "\"]}";
            session.expect(200, handler.handleRequest(
                    session.request(OrgSettingsHandler.IT_CONTACTS_ROUTE, body), session.context()));
        });
    }
}
