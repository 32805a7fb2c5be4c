package io.gatekeep.emulator;

/** A domain to seed on an organization, with its state ({@code pending}, {@code verified} or {@code failed}). */
public record DomainSpec(String domain, String state) {

    public static DomainSpec verified(String domain) {
        return new DomainSpec(domain, "verified");
    }

    public static DomainSpec pending(String domain) {
        return new DomainSpec(domain, "pending");
    }
}
