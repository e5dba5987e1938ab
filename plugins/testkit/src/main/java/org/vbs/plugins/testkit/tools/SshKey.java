package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An SSH key pair made by {@code ssh-keygen} for a test: the private key file (mode 0600, no
 * passphrase) and its {@code .pub} next to it.
 *
 * @param privateKey the private key file
 * @param publicKey the {@code .pub} file: {@code <type> <base64> <comment>}
 */
public record SshKey(Path privateKey, Path publicKey) {

    /** The key formats {@code ssh-keygen -m} writes. */
    public enum Format { OPENSSH, PEM }

    /**
     * Runs {@code ssh-keygen -q -t <type> [-b <bits>] [-m PEM] -N '' -C <name> -f <dir>/<name>}.
     *
     * @param type {@code ed25519}, {@code rsa}, {@code ecdsa}
     * @param bits the size for RSA, or 0 for the default
     */
    public static SshKey generate(Path dir, String name, String type, int bits, Format format) throws IOException {
        Path file = dir.resolve(name);
        List<String> argv = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type));
        if (bits > 0) {
            argv.addAll(List.of("-b", String.valueOf(bits)));
        }
        if (format == Format.PEM) {
            argv.addAll(List.of("-m", "PEM")); // OpenSSH's own format is the default; -m does not name it
        }
        argv.addAll(List.of("-N", "", "-C", name, "-f", file.toString()));
        ExecResult result = ExecResult.of(argv, Duration.ofSeconds(60));
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " exited " + result.exitCode() + ": " + result.output());
        }
        return new SshKey(file, dir.resolve(name + ".pub"));
    }

    public static SshKey ed25519(Path dir, String name) throws IOException {
        return generate(dir, name, "ed25519", 0, Format.OPENSSH);
    }

    /** {@code <type> <base64>}: the public key without its comment. */
    public String publicKeyText() throws IOException {
        String[] fields = Files.readString(publicKey, StandardCharsets.US_ASCII).strip().split("\\s+");
        return fields[0] + " " + fields[1];
    }

    /** {@code SHA256:...}, as {@code ssh-keygen -lf} prints it. */
    public String fingerprint() throws IOException {
        ExecResult result = ExecResult.of("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString());
        if (result.exitCode() != 0) {
            throw new IOException("ssh-keygen -lf " + publicKey + ": " + result.output());
        }
        return result.output().split("\\s+")[1];
    }
}
