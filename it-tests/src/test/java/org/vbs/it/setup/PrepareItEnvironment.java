package org.vbs.it.setup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.vbs.it.support.ServerCopy;
import org.vbs.it.support.VbsHomes;

/**
 * The pre-integration-test step (exec:java, see it-tests/pom.xml): before the Arquillian server boots,
 * makes
 * <ul>
 *   <li>a fresh copy of the provisioned WildFly (so the tests never touch the run command's server,
 *       its deployments or its data), with no deployment in it: Arquillian deploys vbs.ear;</li>
 *   <li>a fresh VBS_HOME for it: development PKI, pool, plugin directory holding the built file
 *       bundle and a bundle that cannot resolve (which the plugin status test expects reported), and
 *       the administrators file listing the development user.</li>
 * </ul>
 * Everything is made anew on every run: no state leaks from one run into the next.
 */
public final class PrepareItEnvironment {

    private PrepareItEnvironment() {
    }

    /** Arguments: provisioned server dir, its copy, VBS_HOME to make, the file bundle jar. */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: PrepareItEnvironment <provisioned server> <copy> <vbs home>"
                    + " <file bundle jar>");
        }
        Path server = Path.of(args[0]);
        Path copy = Path.of(args[1]);
        Path vbsHome = Path.of(args[2]);
        Path bundle = Path.of(args[3]);

        ServerCopy.make(server, copy, List.of());
        System.out.println("[vbs-it] server copy for Arquillian: " + copy);

        VbsHomes.deleteTree(vbsHome);
        VbsHomes.make(vbsHome, List.of(bundle));
        VbsHomes.addUnresolvableBundle(vbsHome);
        System.out.println("[vbs-it] VBS_HOME for Arquillian: " + vbsHome);
    }
}
