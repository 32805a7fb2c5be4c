package io.gatekeep.emulator;

import java.util.Map;

/** Changes to a directory user; null fields stay as they are. {@code state}: active, suspended or inactive. */
public record UserUpdate(
        String firstName, String lastName, String email, String state, String jobTitle, String role,
        Map<String, Object> customAttributes) {

    public static UserUpdate state(String state) {
        return new UserUpdate(null, null, null, state, null, null, null);
    }

    public static UserUpdate name(String firstName, String lastName) {
        return new UserUpdate(firstName, lastName, null, null, null, null, null);
    }
}
