package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.client.DescribePluginsType;
import org.vbs.it.client.PluginSetItemType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VbsHomes;

/**
 * DescribePlugins tells an operator what the plugin host made of every jar in the plugin directory.
 * The test setup put the built file bundle and a bundle that cannot resolve there: a bundle that
 * does not resolve stays INSTALLED silently in Felix, so the host must report it, not ignore it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class PluginStatusIT {
    private static final String FILE_BUNDLE = "vbs-volume-file.jar";

    private final Callers callers = Callers.ofArquillianServer();

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void adminSeesTheFileBundleActiveWithoutProblem() throws Exception {
        // given the development user, an administrator
        Caller admin = callers.devUser();

        // when it describes the plugins
        PluginSetItemType file = plugin(admin, FILE_BUNDLE);

        // then the file volume bundle is there, active, with its name and version
        assertEquals("ACTIVE", file.getState());
        assertNull(file.getProblem(), file.getProblem());
        assertNotNull(file.getSymbolicName());
        assertNotNull(file.getVersion());
        // and it shows the driver it provides
        assertEquals(List.of("volume/file"), file.getDriverSet().getItem().stream()
                .map(d -> d.getKind() + "/" + d.getId()).toList());
    }

    @Test
    public void bundleThatCannotResolveIsReportedWithItsProblem() throws Exception {
        // given the development user, an administrator
        Caller admin = callers.devUser();

        // when it describes the plugins
        PluginSetItemType broken = plugin(admin, VbsHomes.UNRESOLVABLE_BUNDLE_FILE);

        // then the unresolvable bundle is listed, not active, with a problem naming the missing package
        assertEquals(VbsHomes.UNRESOLVABLE_SYMBOLIC_NAME, broken.getSymbolicName());
        assertNotEquals("ACTIVE", broken.getState());
        assertNotNull(broken.getProblem(), "a bundle that is not active must say why");
        assertTrue(broken.getProblem().contains(VbsHomes.UNRESOLVABLE_IMPORT), broken.getProblem());
    }

    @Test
    public void nonAdminIsRefused() throws Exception {
        // given a user who is not an administrator
        Caller user = callers.newUser("not-admin");

        // when it describes the plugins
        VbsFault fault = assertThrows(VbsFault.class, () -> user.port().describePlugins(new DescribePluginsType()));

        // then it is refused
        assertEquals("UnauthorizedOperation", Faults.code(fault), Faults.message(fault));
    }

    private static PluginSetItemType plugin(Caller admin, String file) throws VbsFault {
        List<PluginSetItemType> plugins = admin.port().describePlugins(new DescribePluginsType()).getPluginSet().getItem();
        return plugins.stream().filter(p -> file.equals(p.getFile())).findFirst()
                .orElseThrow(() -> new AssertionError(file + " not reported; plugins: "
                        + plugins.stream().map(PluginSetItemType::getFile).toList()));
    }
}
