package org.vbs.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The proxy file proxy-init writes and proxy-info reads: the option; else $X509_USER_PROXY; else /tmp/x509up_u<uid>. */
final class ProxyLocation {
    private ProxyLocation() {
    }

    static Path of(Path option, Map<String, String> env) {
        return Optional.ofNullable(option)
                .or(() -> ClientSettings.set(env, ClientSettings.ENV_PROXY).map(Path::of))
                .orElseGet(ClientSettings::defaultProxyFile);
    }
}
