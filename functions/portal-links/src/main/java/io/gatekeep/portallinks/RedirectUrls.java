package io.gatekeep.portallinks;

import io.gatekeep.shared.config.Config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the Admin Portal may send the admin back to ({@code returnUrl}, {@code successUrl}): an
 * absolute https URL on a host of {@code PORTAL_REDIRECT_ALLOWED_HOSTS} (exact host names,
 * case-insensitive, comma-separated). Plain http is accepted only for localhost and 127.0.0.1,
 * and those too must be on the list. An empty list accepts no URL at all (fail closed): the
 * portal then uses the redirects configured in the WorkOS dashboard.
 */
public final class RedirectUrls {
    static final int MAX_LENGTH = 2048;
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1");

    private final Set<String> allowedHosts;

    public RedirectUrls(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public static RedirectUrls from(Config config) {
        return new RedirectUrls(config.list(Config.PORTAL_REDIRECT_ALLOWED_HOSTS));
    }

    /** True when the portal may redirect to {@code url}. */
    public boolean allows(String url) {
        if (url == null || url.isEmpty() || url.length() > MAX_LENGTH) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return false;
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            return false; // java.net.URI takes any digits as a port: http://localhost:99999999/ is no place to return to
        }
        if (uri.getRawUserInfo() != null) {
            return false; // https://app.example.com@evil.test reads as a host to people, not to browsers
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("https") || (scheme.equals("http") && LOOPBACK_HOSTS.contains(host));
        return secure && allowedHosts.contains(host);
    }
}
