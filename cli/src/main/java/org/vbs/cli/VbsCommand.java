package org.vbs.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.vbs.cli.generated.VolumeServicePortType;
import org.vbs.security.GridIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code vbs}: the global options (accepted before or after the command name) and what every
 * command shares: the settings, the signed port and the printing of answers.
 */
@Command(name = "vbs", synopsisSubcommandLabel = "COMMAND",
        description = "The VBS (Virtual Block Store) command-line client. Every call is signed with your"
                + " certificate; answers are accepted only when signed by a certificate of a CA in your CA directory"
                + " (and not revoked by its CRL).",
        subcommands = {CreateVolumeCommand.class, DeleteVolumeCommand.class, DescribeVolumesCommand.class,
            AttachVolumeCommand.class, DetachVolumeCommand.class, CreateSnapshotCommand.class,
            DeleteSnapshotCommand.class, DescribeSnapshotsCommand.class, DescribePluginsCommand.class,
            RegisterHostCommand.class, DescribeHostsCommand.class, DeregisterHostCommand.class,
            ReconcileStorageCommand.class, ProxyInitCommand.class, ProxyInfoCommand.class},
        footer = {"", "Environment: VBS_URL (service URL, or comma-separated URLs of nodes), VBS_HOME (default ~/.vbs: holds the development CA directory"
            + " certificates/ and the development user pki/user/usercert.pem + userkey.pem).",
            "Credential, unless --cert/--key/--proxy name it: $X509_USER_PROXY, else /tmp/x509up_u<uid> if it"
                + " exists, else $X509_USER_CERT/$X509_USER_KEY, else ~/.globus/usercert.pem + userkey.pem if"
                + " present, else the development user of $VBS_HOME. An encrypted key's pass phrase is asked for on"
                + " the terminal.",
            "CA directory, unless --ca-dir names it: $X509_CERT_DIR, else ~/.globus/certificates, else"
                + " /etc/grid-security/certificates if they exist, else $VBS_HOME/certificates.",
            "Failover: a call moves on to the next URL when a node cannot be reached or answers HTTP 503 or"
                + " ServiceUnavailable. When the node may have taken the call (connection lost after sending, HTTP"
                + " 502/504), only describe-* and create-volume (its client token) move on; the others exit 3."
                + " Each attempt is signed anew.",
            "Exit status: 0 done, 1 service fault (proxy-info --exists: no valid proxy), 2 usage error,"
                + " 3 connection, credential or trust error,"
                + " 4 snapshot ended in error (--wait), 5 volume not in-use/available after attach/detach --wait,"
                + " 70 client bug."})
public final class VbsCommand implements Runnable {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "Service endpoint, or several nodes of one service as a comma-separated list tried in"
                    + " order (default: $VBS_URL, else " + ClientSettings.DEFAULT_URL + ").")
    private String url;

    @Option(names = "--cert", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Your certificate, PEM (default: found as Globus tools do, see below).")
    private Path certificate;

    @Option(names = "--key", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Your private key, PEM, encrypted or not (default: the one beside the certificate found).")
    private Path privateKey;

    @Option(names = "--proxy", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Sign with an RFC 3820 proxy credential: one PEM file with the proxy certificate, its"
                    + " key and the chain, as grid-proxy-init and voms-proxy-init write it (default: $X509_USER_PROXY"
                    + " if set, unless --cert/--key are given).")
    private Path proxy;

    @Option(names = "--ca-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Grid CA directory (<hash>.0 CA certificates, <hash>.r0 CRLs) the service's signature must"
                    + " chain to (default: found as Globus tools do, see below).")
    private Path caDirectory;

    @Option(names = "--server-dn", paramLabel = "DN", scope = ScopeType.INHERIT,
            description = "With an https URL: the service's certificate subject, RFC 2253 or /-separated (default:"
                    + " the certificate must name the URL's host). The chain must validate against the CA"
                    + " directory (--ca-dir).")
    private String serverDn;

    @Option(names = "--tls-cert", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "With an https URL: present this certificate (PEM) as TLS client, e.g. a federated"
                    + " service's host certificate while it signs with a user's delegated --proxy. Needs --tls-key.")
    private Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The private key (unencrypted PEM) of --tls-cert.")
    private Path tlsKey;

    @Option(names = "--output", paramLabel = "FORMAT", scope = ScopeType.INHERIT, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}). json prints one document per command.")
    private OutputFormat output;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Show CXF/WSS4J logging and the stack trace of a failure.")
    private boolean debug;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
    private boolean help;

    public VbsCommand(CliContext context) {
        this.context = context;
    }

    /** {@code vbs} without a command. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    CliContext context() {
        return context;
    }

    boolean debug() {
        return debug;
    }

    /** The options combined with the environment. */
    ClientSettings settings() {
        if (proxy != null && (certificate != null || privateKey != null)) {
            throw new ParameterException(spec.commandLine(), "--proxy names the whole credential: give it without"
                    + " --cert and --key");
        }
        try {
            ClientSettings settings = ClientSettings.resolve(Optional.ofNullable(url), Optional.ofNullable(certificate)
                    .or(() -> Optional.ofNullable(proxy)), Optional.ofNullable(privateKey).or(() ->
                    Optional.ofNullable(proxy)), Optional.ofNullable(caDirectory), context.env(), context.userHome());
            TlsSettings tls = settings.tls();
            if (serverDn != null) {
                tls = tls.withExpectedDn(GridIdentity.parse(serverDn));
            }
            if (tlsCertificate != null || tlsKey != null) {
                if (tlsCertificate == null || tlsKey == null) {
                    throw new IllegalArgumentException("give --tls-cert and --tls-key together");
                }
                tls = tls.withClientCredential(tlsCertificate, tlsKey);
            }
            return settings.withTls(tls);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The user's own certificate and key files (never a proxy): what proxy-init makes a proxy from. */
    Path[] userCredential() {
        if (proxy != null) {
            throw new ParameterException(spec.commandLine(), "--proxy does not apply: proxy-init makes a proxy from"
                    + " your certificate and key (--cert, --key)");
        }
        return ClientSettings.userCredential(Optional.ofNullable(certificate), Optional.ofNullable(privateKey),
                context.env(), context.userHome());
    }

    /** A signed port to the service: to its endpoints, in order, moving on as {@link FailoverPort} says. */
    VolumeServicePortType port() {
        ClientSettings settings = settings();
        Logging.configure(debug);
        PortFactory.EndpointPorts ports = context.ports().open(settings);
        // Failovers are logged only with --debug: endpoint and reason, never request content.
        return new FailoverPort(settings.endpoints(), ports, debug ? line -> context.err().println("vbs: " + line)
                : line -> { });
    }

    /** Prints an answer in the chosen format. */
    void print(Report report) {
        switch (output) {
            case JSON -> context.out().println(Json.write(report.json()));
            case TABLE -> {
                context.out().print(report.table().render());
                report.hint().ifPresent(hint -> context.err().println(Text.oneLine(hint)));
            }
        }
        context.out().flush();
    }
}
