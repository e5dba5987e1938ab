package org.vbs.security.plugin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.vbs.security.Credential;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.pki.PkiLayout;

/**
 * Command line: signs a plugin bundle with the development plugin signer of a VBS home.
 *
 * <pre>
 * PluginSignMain &lt;vbsHome&gt; &lt;bundle.jar&gt; &lt;signed.jar&gt;
 * </pre>
 *
 * The signed jar is written beside its final name and renamed into place. Exit status: 0 signed,
 * 1 the signer's files or the jar cannot be used (the message names the file), 2 wrong arguments.
 */
public final class PluginSignMain {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE_ERROR = 2;

    private PluginSignMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        if (args.length != 3) {
            err.println("usage: PluginSignMain <vbsHome> <bundle.jar> <signed.jar>");
            return USAGE_ERROR;
        }
        PkiLayout layout = PkiLayout.under(Path.of(args[0]));
        try {
            Credential signer = Credential.load(layout.pluginSignerCert(), layout.pluginSignerKey());
            PluginJarSigner.sign(signer, Path.of(args[1]), Path.of(args[2]));
            return OK;
        } catch (SecurityConfigException | IOException e) {
            err.println("PluginSignMain: " + e.getMessage());
            return FAILED;
        }
    }
}
