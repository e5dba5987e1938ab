package org.vbs.cli;

import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import javax.security.auth.x500.X500Principal;
import org.vbs.security.Credential;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.ProxyFile;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vbs proxy-init}: an RFC 3820 proxy credential made (with canl) from the user's own
 * certificate and key, as grid-proxy-init makes one: a new key pair, a proxy certificate signed by
 * the user's key, written with the chain as one PEM file, mode 0600, replacing the old one
 * atomically. The other commands then sign with it and never need the key's pass phrase.
 */
@Command(name = "proxy-init", description = "Make an RFC 3820 proxy credential from your certificate and key (asking"
        + " for the key's pass phrase), as grid-proxy-init does; the other commands then sign with it.")
final class ProxyInitCommand implements Callable<Integer> {
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);
    /** Grid tools back-date a proxy a little, so that a server whose clock is slightly behind takes it at once. */
    static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final int MIN_BITS = 1024;

    @ParentCommand
    private VbsCommand vbs;

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Lifetime lifetime;

    static final class Lifetime {
        @Option(names = "--valid", paramLabel = "HH:MM", required = true, converter = HoursMinutes.class,
                description = "Lifetime as hours:minutes (default 12:00).")
        private Duration valid;

        @Option(names = "--hours", paramLabel = "N", required = true, description = "Lifetime in hours (default 12).")
        private Integer hours;

        Duration duration() {
            return valid != null ? valid : Duration.ofHours(hours);
        }
    }

    @Option(names = "--limited", description = "Make a limited proxy: the service lets it only read (describe).")
    private boolean limited;

    @Option(names = "--bits", paramLabel = "N", defaultValue = "2048",
            description = "RSA key size of the proxy (default: ${DEFAULT-VALUE}).")
    private int bits;

    @Option(names = "--path-length", paramLabel = "N",
            description = "How many further proxies may be made from this one (default: no limit).")
    private Integer pathLength;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write the proxy (default: $X509_USER_PROXY, else /tmp/x509up_u<uid>).")
    private Path out;

    @Override
    public Integer call() throws GeneralSecurityException, IOException {
        Duration requested = lifetime == null ? DEFAULT_LIFETIME : lifetime.duration();
        if (requested.isZero() || requested.isNegative()) {
            throw new ParameterException(spec.commandLine(), "the proxy lifetime must be more than 0 minutes");
        }
        if (bits < MIN_BITS) {
            throw new ParameterException(spec.commandLine(), "--bits must be at least " + MIN_BITS + ", not " + bits);
        }
        if (pathLength != null && pathLength < 0) {
            throw new ParameterException(spec.commandLine(), "--path-length must be 0 or more, not " + pathLength);
        }
        Path target = ProxyLocation.of(out, vbs.context().env());
        Path[] files = vbs.userCredential();
        Credential user = Credential.load(files[0], files[1], () -> vbs.context().passphrases().passphrase(files[1]));
        // X.509 times are whole seconds.
        Instant now = vbs.context().clock().instant().truncatedTo(ChronoUnit.SECONDS);
        Instant chainEnd = chainEnd(files[0], user.chain(), now);
        Instant end = now.plus(requested);
        if (end.isAfter(chainEnd)) {
            vbs.context().err().println("Warning: your certificate chain expires at " + chainEnd
                    + ", within the requested lifetime; the proxy ends then.");
            end = chainEnd;
        }
        Instant start = now.minus(BACKDATE);
        if (start.isBefore(user.certificate().getNotBefore().toInstant())) {
            start = user.certificate().getNotBefore().toInstant();
        }
        ProxyCertificateOptions options = new ProxyCertificateOptions(user.chain().toArray(new X509Certificate[0]));
        options.setType(ProxyType.RFC3820);
        options.setLimited(limited);
        options.setKeyLength(bits);
        if (pathLength != null) {
            options.setProxyPathLimit(pathLength);
        }
        options.setValidityBounds(Date.from(start), Date.from(end));
        ProxyCertificate proxy = ProxyGenerator.generate(options, user.privateKey());
        ProxyFile.of(target, new Credential(proxy.getPrivateKey(), List.of(proxy.getCertificateChain()))).replace();
        vbs.context().out().println("Your identity: " + user.certificate().getSubjectX500Principal().getName(X500Principal.RFC2253));
        vbs.context().out().println("Proxy written to " + target + (limited ? " (limited)" : "") + ", valid until " + end);
        return ExitCode.OK;
    }

    /** When the first certificate of the chain expires; refused if one has already. */
    private static Instant chainEnd(Path certificateFile, List<X509Certificate> chain, Instant now) {
        Instant end = Instant.MAX;
        for (X509Certificate certificate : chain) {
            Instant notAfter = certificate.getNotAfter().toInstant();
            if (!notAfter.isAfter(now)) {
                throw new SecurityConfigException(certificateFile, "the certificate of '"
                        + certificate.getSubjectX500Principal().getName(X500Principal.RFC2253) + "' expired at "
                        + notAfter + "; a proxy cannot outlive it");
            }
            end = notAfter.isBefore(end) ? notAfter : end;
        }
        return end;
    }
}
