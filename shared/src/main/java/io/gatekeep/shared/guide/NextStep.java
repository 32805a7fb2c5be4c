package io.gatekeep.shared.guide;

/**
 * What to do next about something that is stuck, in the troubleshooting guide's words: the
 * problem, its cause, the fix, the provider's setup guide, and the Admin Portal intent that opens
 * the right screen ({@code sso}, {@code dsync}, {@code domain_verification},
 * {@code certificate_renewal}). Field names are the wire names.
 */
public record NextStep(String problem, String cause, String fix, String docUrl, String portalIntent) {}
