package org.vbs.cli;

import java.nio.file.Path;

/**
 * Where the pass phrase of an encrypted private key comes from: the terminal for a real run
 * ({@link ConsolePassphrase}), the test's own source in tests. Asked only when a key is encrypted.
 */
@FunctionalInterface
public interface PassphraseSource {
    /**
     * The pass phrase of the key in {@code keyFile}; the caller wipes it after use.
     *
     * @throws org.vbs.security.SecurityConfigException naming the key file if no pass phrase can be had
     */
    char[] passphrase(Path keyFile);
}
