package org.vbs.security.pki;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.vbs.security.SecurityConfigException;

/**
 * Command line of the development PKI.
 *
 * <pre>
 * DevPkiMain &lt;vbsHome&gt; [--server-host &lt;name&gt;]
 *     makes whatever is missing of &lt;vbsHome&gt;/pki (CA, server and user credentials, server.p12,
 *     crypto.properties, the CA directory &lt;vbsHome&gt;/certificates); keeps every file that exists;
 *     then rewrites the HTTPS listener's client-CA trust store from the CA directory ({@link TlsClientCas})
 * DevPkiMain &lt;vbsHome&gt; --issue-user &lt;DN&gt; &lt;directory&gt;
 *     issues a further user credential with the CA of &lt;vbsHome&gt;/pki into
 *     &lt;directory&gt;/usercert.pem and userkey.pem
 * </pre>
 *
 * Prints one line per file created, never a key or password. Exit status: 0 done, 1 the PKI files
 * are missing, garbled or inconsistent (the message names the file), 2 wrong arguments.
 */
public final class DevPkiMain {
    static final int OK = 0;
    static final int CONFIGURATION_ERROR = 1;
    static final int USAGE_ERROR = 2;

    private static final String USAGE = """
            usage: DevPkiMain <vbsHome> [--server-host <name>]
                   DevPkiMain <vbsHome> --issue-user <DN> <directory>
            """;

    private DevPkiMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            return OK;
        }
        try {
            List<Path> created = execute(args, err);
            created.forEach(file -> out.println("created " + file));
            return OK;
        } catch (UsageException e) {
            err.println("DevPkiMain: " + e.getMessage());
            err.print(USAGE);
            return USAGE_ERROR;
        } catch (IllegalArgumentException e) {
            err.println("DevPkiMain: " + e.getMessage());
            return USAGE_ERROR;
        } catch (SecurityConfigException e) {
            err.println("DevPkiMain: " + e.getMessage());
            return CONFIGURATION_ERROR;
        }
    }

    private static List<Path> execute(String[] args, PrintStream err) {
        if (args.length == 0 || args[0].startsWith("-")) {
            throw new UsageException("the first argument must be the VBS home directory");
        }
        PkiLayout layout = PkiLayout.under(Path.of(args[0]));
        if (args.length == 1 || args.length == 3 && args[1].equals("--server-host")) {
            List<Path> created = DevPkiSetup.ensure(layout, args.length == 1 ? DevPki.DEFAULT_SERVER_HOST : args[2]);
            TlsClientCas.write(layout, skipped -> err.println("DevPkiMain: warning: left out of the TLS client trust"
                    + " store: " + skipped));
            return created;
        }
        if (args.length == 4 && args[1].equals("--issue-user")) {
            return DevPkiSetup.issueUser(layout, args[2], Path.of(args[3]));
        }
        throw new UsageException("unexpected arguments after the VBS home directory");
    }

    /** The arguments do not fit the usage. */
    private static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
