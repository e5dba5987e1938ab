package org.vbs.cli;

import eu.emi.security.authn.x509.proxy.ProxyChainInfo;
import eu.emi.security.authn.x509.proxy.ProxyUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.security.auth.x500.X500Principal;
import org.vbs.security.Pem;
import org.vbs.security.SecurityConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vbs proxy-info}: what grid-proxy-info shows of a proxy file, and its -exists check. */
@Command(name = "proxy-info", description = "Show a proxy credential (subject, issuer, identity, type, strength, time"
        + " left), as grid-proxy-info does; with --exists print nothing and tell by the exit status whether it is valid.")
final class ProxyInfoCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Spec
    private CommandSpec spec;

    @Option(names = "--file", paramLabel = "FILE",
            description = "The proxy file (default: $X509_USER_PROXY, else /tmp/x509up_u<uid>).")
    private Path file;

    @Option(names = "--exists", description = "Print nothing; exit 0 if the proxy exists and is valid (for at least"
            + " --valid), else " + ExitCode.NO_VALID_PROXY + ".")
    private boolean exists;

    @Option(names = "--valid", paramLabel = "HH:MM", converter = HoursMinutes.class,
            description = "With --exists: the time that must at least be left (default: any).")
    private Duration valid;

    @Override
    public Integer call() throws CertificateException, IOException {
        Path target = ProxyLocation.of(file, vbs.context().env());
        Instant now = vbs.context().clock().instant();
        if (exists) {
            return validFor(target, now, Optional.ofNullable(valid).orElse(Duration.ZERO))
                    ? ExitCode.OK : ExitCode.NO_VALID_PROXY;
        }
        if (valid != null) {
            throw new ParameterException(spec.commandLine(), "--valid goes with --exists");
        }
        X509Certificate[] chain = Pem.readCertificates(target).toArray(new X509Certificate[0]);
        if (!ProxyUtils.isProxy(chain[0])) {
            throw new SecurityConfigException(target, "holds no proxy certificate first (its first certificate is '"
                    + name(chain[0].getSubjectX500Principal()) + "', not a proxy)");
        }
        ProxyChainInfo info = new ProxyChainInfo(chain);
        boolean limited = info.isLimited();
        Duration left = Duration.between(now, end(chain));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("subject", name(chain[0].getSubjectX500Principal()));
        json.put("issuer", name(chain[0].getIssuerX500Principal()));
        json.put("identity", name(ProxyUtils.getOriginalUserDN(chain)));
        json.put("type", type(info, limited));
        json.put("limited", limited);
        json.put("strength", bits(chain[0].getPublicKey()));
        json.put("path", target.toString());
        json.put("timeLeft", Math.max(0, left.getSeconds()));
        String timeLeft = HoursMinutes.format(left) + (left.isNegative() || left.isZero() ? " (expired)" : "");
        Table table = new Table(List.of("FIELD", "VALUE"), List.of(
                List.of("subject", (String) json.get("subject")),
                List.of("issuer", (String) json.get("issuer")),
                List.of("identity", (String) json.get("identity")),
                List.of("type", (String) json.get("type")),
                List.of("strength", json.get("strength") + " bits"),
                List.of("path", target.toString()),
                List.of("timeleft", timeLeft)));
        vbs.print(new Report(json, table, Optional.empty()));
        return ExitCode.OK;
    }

    /** Whether the file holds a proxy chain valid now and for at least {@code wanted} more. */
    private static boolean validFor(Path target, Instant now, Duration wanted) {
        X509Certificate[] chain;
        try {
            chain = Pem.readCertificates(target).toArray(new X509Certificate[0]);
        } catch (SecurityConfigException e) {
            // A missing or unreadable file is simply "no valid proxy": that is what the status reports.
            return false;
        }
        boolean started = chain[0].getNotBefore().toInstant().isBefore(now.plusSeconds(1));
        return ProxyUtils.isProxy(chain[0]) && started && !end(chain).isBefore(now.plus(wanted))
                && end(chain).isAfter(now);
    }

    /** When the first certificate of the chain expires (the chain is no longer valid then). */
    private static Instant end(X509Certificate[] chain) {
        Instant end = Instant.MAX;
        for (X509Certificate certificate : chain) {
            Instant notAfter = certificate.getNotAfter().toInstant();
            end = notAfter.isBefore(end) ? notAfter : end;
        }
        return end;
    }

    private static String type(ProxyChainInfo info, boolean limited) throws CertificateException {
        String kind = limited ? "limited" : "impersonation";
        return switch (info.getProxyType()) {
            case RFC3820 -> "RFC 3820 compliant " + kind + " proxy";
            case DRAFT_RFC -> "Proxy draft (pre-RFC) compliant " + kind + " proxy";
            case LEGACY -> (limited ? "limited" : "full") + " legacy globus proxy";
            case MIXED -> "mixed proxy chain";
        };
    }

    private static int bits(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        } else if (key instanceof ECPublicKey ec) {
            return ec.getParams().getOrder().bitLength();
        }
        return 0;
    }

    private static String name(X500Principal principal) {
        return principal.getName(X500Principal.RFC2253);
    }
}
